"""Meetups, their numbered days, and the sessions of each day."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import BooleanField, Case, Count, Exists, F, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..enums import PartOfDay, SessionKind
from ..validators import MARKDOWN_MAX_LENGTH, NOTES_MAX_LENGTH, ONE_LINE, markdown_validators
from .locking import VersionedModel, lock
from .markup import RenderedMarkdownField, RendersMarkdown
from .outcomes import ActionItem, Decision, outcome_prefetches
from .placement import RemembersPlacement
from .teams import SAME_TEAM_MESSAGES, team_object_q
from .updates import StatusUpdate


class MeetupQuerySet(models.QuerySet):
    def with_counts(self):
        """Annotate how many days and status updates each meetup has, in one query."""
        days = (
            Day.objects.filter(meetup=OuterRef("pk"))
            .order_by()
            .values("meetup")
            .annotate(n=Count("pk"))
            .values("n")
        )
        updates = (
            StatusUpdate.objects.filter(session__day__meetup=OuterRef("pk"))
            .order_by()
            .values("session__day__meetup")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            day_count=Coalesce(Subquery(days), 0),
            update_count=Coalesce(Subquery(updates), 0),
        )

    def for_calendar(self):
        """Each meetup with its team, cycle and days in order: what its calendar event shows.
        Two queries however many meetups and days."""
        return self.select_related("team", "cycle").prefetch_related(
            models.Prefetch("days", queryset=Day.objects.order_by("number"))
        )

    def filtered(self, *, team=None, cycle=None, meetup=None, status=None):
        """Keep the meetups of the team with slug ``team``, of ``cycle`` ("team/slug"), the
        meetup with slug ``meetup``, and/or those with an update in ``status``.

        With a status, each meetup is annotated with ``status_update_count``, how many of its
        updates have that status. Still one query.
        """
        queryset = self
        if team:
            queryset = queryset.filter(team__slug=team)
        if cycle:
            queryset = queryset.filter(team_object_q("cycle", cycle))
        if meetup:
            queryset = queryset.filter(slug=meetup)
        if status:
            in_status = StatusUpdate.objects.filter(
                session__day__meetup=OuterRef("pk"), status=status
            )
            counts = in_status.order_by().values("session__day__meetup").annotate(n=Count("pk"))
            queryset = queryset.filter(Exists(in_status)).annotate(
                status_update_count=Coalesce(Subquery(counts.values("n")), 0)
            )
        return queryset

    def current(self, today):
        """The meetup in progress on ``today`` (the latest to start, if several are), else the
        latest to start: the one an organiser adding a day most likely means. One query."""
        running = Case(
            When(start_date__lte=today, end_date__gte=today, then=True),
            default=False,
            output_field=BooleanField(),
        )
        return self.annotate(running=running).order_by("-running", "-start_date", "name").first()


class Meetup(RendersMarkdown, models.Model):
    """A gathering of a team over one or more consecutive days, in one of its cycles."""

    name = models.CharField(max_length=200, validators=ONE_LINE)
    slug = models.SlugField(max_length=100, unique=True)
    team = models.ForeignKey("Team", on_delete=models.PROTECT, related_name="meetups")
    cycle = models.ForeignKey(
        "Cycle",
        on_delete=models.PROTECT,
        related_name="meetups",
        help_text="One of the team's cycles: its priority list is what the meetup's pages show.",
    )
    location = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    start_date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    description_html = RenderedMarkdownField("description")

    objects = MeetupQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="meetup_ends_after_it_starts",
                violation_error_message="A meetup cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("priorities:meetup-detail", kwargs={"slug": self.slug})

    def get_cycle_url(self):
        """The meetup's cycle on its team's page (from the team the meetup has loaded)."""
        return f"{self.team.get_absolute_url()}#cycle-{self.cycle.slug}"

    def clean(self):
        super().clean()
        if self.team_id and self.cycle_id and self.cycle.team_id != self.team_id:
            raise ValidationError({"cycle": SAME_TEAM_MESSAGES["meetup_cycle_of_its_team"]})

    @property
    def dates_display(self):
        if self.start_date == self.end_date:
            return self.start_date.isoformat()
        return f"{self.start_date.isoformat()} to {self.end_date.isoformat()}"

    def next_day(self):
        """The day that would come next, unsaved: numbered after the highest number, dated the
        day after the latest date (the first day: the meetup's start). The date is left empty
        when it would fall after the meetup's end. One query."""
        last = self.days.aggregate(number=Max("number"), date=Max("date"))
        if last["number"] is None:
            return Day(meetup=self, number=1, date=self.start_date)
        date = max(last["date"] + datetime.timedelta(days=1), self.start_date)
        return Day(
            meetup=self, number=last["number"] + 1, date=date if date <= self.end_date else None
        )

    def recent_decisions_and_action_items(self, limit=50):
        """The ``limit`` most recently recorded decisions and action items, newest first.

        Two queries, each outcome with its session, day and priority area.
        """
        outcomes = [
            *Decision.objects.for_meetup(self).recent()[:limit],
            *ActionItem.objects.for_meetup(self).recent()[:limit],
        ]
        outcomes.sort(key=lambda outcome: (outcome.created_at, outcome.pk), reverse=True)
        return outcomes[:limit]


class DayQuerySet(models.QuerySet):
    def with_meetup(self):
        """Each day with its meetup, the meetup's team and cycle: what a day's page, report
        and name need."""
        return self.select_related("meetup__team", "meetup__cycle")

    def with_update_counts(self):
        return self.annotate(update_count=Count("sessions__updates"))

    def named(self, text):
        """The days ``text`` names the way people say them: "day 2", "kilo 2", "Kilo day 3",
        "nova-kilo-midcycle/1" (every word found in the meetup's name, slug or cycle, then the
        day's number); None when ``text`` does not end with a number or has more words than a
        name has. A filter, so still one query; reading ``text`` is linear in its length."""
        number = _DAY_NUMBER.search(text.rstrip())
        if number is None:
            return None
        words = _NAME_SEPARATORS.sub(" ", text[: number.start()]).split()
        if words and words[-1].lower() == "day":
            words.pop()
        if len(words) > DAY_NAME_MAX_WORDS:
            return None
        queryset = self.filter(number=int(number.group()))
        for word in words:
            queryset = queryset.filter(
                Q(meetup__name__icontains=word)
                | Q(meetup__slug__icontains=word)
                | Q(meetup__cycle__name__icontains=word)
            )
        return queryset

    def with_sessions(self):
        """Each day with its sessions in order, each with its updates (in the day's order,
        with their area) and outcomes: a whole day in six queries, for the API."""
        updates = StatusUpdate.objects.select_related("priority_area__team").in_day_order()
        sessions = Session.objects.prefetch_related(
            models.Prefetch("updates", queryset=updates), *outcome_prefetches()
        )
        return self.with_meetup().prefetch_related(models.Prefetch("sessions", queryset=sessions))

    def filtered(self, *, team=None, cycle=None, meetup=None, since=None, until=None):
        """Keep the days of the team with slug ``team``, of ``cycle`` ("team/slug"), of the
        meetup with slug ``meetup``, and/or from ``since`` to ``until`` (dates, inclusive)."""
        queryset = self
        if team:
            queryset = queryset.filter(meetup__team__slug=team)
        if cycle:
            queryset = queryset.filter(team_object_q("meetup__cycle", cycle))
        if meetup:
            queryset = queryset.filter(meetup__slug=meetup)
        if since:
            queryset = queryset.filter(date__gte=since)
        if until:
            queryset = queryset.filter(date__lte=until)
        return queryset


#: A day's number at the end of a search: "... 2", "...day2", ".../2".
_DAY_NUMBER = re.compile(r"(?<![0-9])[0-9]{1,4}$")
_NAME_SEPARATORS = re.compile(r"[\s,/]+")
#: The most words a day's name is looked up by ("OpenStack Nova Kilo mid-cycle day 2").
DAY_NAME_MAX_WORDS = 8


class Day(RemembersPlacement, RendersMarkdown, VersionedModel):
    """One numbered day of a meetup."""

    placement_fields = ("meetup_id", "number", "date")

    meetup = models.ForeignKey(Meetup, on_delete=models.PROTECT, related_name="days")
    number = models.PositiveSmallIntegerField(help_text="1 for the first day of the meetup.")
    date = models.DateField()
    summary = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    summary_html = RenderedMarkdownField("summary")

    objects = DayQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        # Foreign keys by their column: ordering by "meetup" would join it to apply its ordering.
        ordering = ["meetup_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meetup", "number"],
                name="day_number_unique_per_meetup",
                violation_error_message="This meetup already has a day with this number.",
            ),
            models.UniqueConstraint(
                fields=["meetup", "date"],
                name="day_date_unique_per_meetup",
                violation_error_message="This meetup already has a day on this date.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="day_number_positive",
                violation_error_message="Days are numbered from 1.",
            ),
        ]

    def __str__(self):
        return f"{self.meetup.name}, day {self.number}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Keep the updates' copy of the date in step, writing (and so locking) them only when
        # the date really moved, and then after their sessions, as priorities.locking orders.
        stale = StatusUpdate.objects.filter(session__day=self).exclude(day_date=self.date)
        if stale.exists():
            lock(Session.objects.filter(day=self))
            stale.update(day_date=self.date)

    def get_absolute_url(self):
        return reverse(
            "priorities:day-detail", kwargs={"slug": self.meetup.slug, "number": self.number}
        )

    def described_from(self, day):
        """How this day is named on ``day``'s page: "on day 1", or "at <meetup>, day 3"."""
        if self.meetup_id == day.meetup_id:
            return f"on day {self.number}"
        return f"at {self.meetup.name}, day {self.number}"

    #: The id of the summary's heading on the day page.
    summary_anchor = "summary-heading"

    def get_summary_url(self):
        return f"{self.get_absolute_url()}#{self.summary_anchor}"

    def clean(self):
        super().clean()
        # The meetup may be unsaved yet (days added inline with a new meetup): use the object.
        meetup = self.meetup if Day.meetup.is_cached(self) else None
        if meetup is None and self.meetup_id:
            meetup = self.meetup
        if not (meetup and self.date and meetup.start_date and meetup.end_date):
            return
        if not (meetup.start_date <= self.date <= meetup.end_date):
            raise ValidationError(
                {
                    "date": (
                        f"The date must be within the meetup's dates "
                        f"({meetup.start_date.isoformat()} to {meetup.end_date.isoformat()})."
                    )
                }
            )


class Session(RemembersPlacement, RendersMarkdown, VersionedModel):
    """A slot of a day: a status round, a discussion, a whiteboard session..."""

    placement_fields = ("day_id",)

    day = models.ForeignKey(Day, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(max_length=200, validators=ONE_LINE)
    kind = models.CharField(max_length=20, choices=SessionKind, default=SessionKind.DISCUSSION)
    part_of_day = models.CharField(max_length=20, choices=PartOfDay, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(
        null=True,
        blank=True,
        help_text="When it ended (an IRC meeting's #endmeeting). A meeting may run past "
        "midnight, so it may be earlier than the start.",
    )
    order = models.PositiveSmallIntegerField(default=1, help_text="Position within the day.")
    facilitator = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    notes = models.TextField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(NOTES_MAX_LENGTH),
    )
    notes_html = RenderedMarkdownField("notes")

    history = HistoricalRecords()

    class Meta:
        ordering = ["day_id", "order", "start_time", "pk"]
        constraints = [
            models.UniqueConstraint(
                F("day"),
                Lower("title"),
                name="session_title_unique_per_day",
                violation_error_message="This day already has a session with this title.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SessionKind.values),
                name="session_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(part_of_day__in=["", *PartOfDay.values]),
                name="session_part_of_day_valid",
            ),
        ]

    def __str__(self):
        return f"{self.day}: {self.title}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The updates' copies of the day's date and the session's position, written only
        # where they differ: an ordinary save of the session locks none of its updates.
        self.updates.exclude(day_date=self.day.date, session_order=self.order).update(
            day_date=self.day.date, session_order=self.order
        )

    def get_absolute_url(self):
        return f"{self.day.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"session-{self.pk}"

    @property
    def when_display(self):
        """'Morning, 09:00', 'Afternoon' or '' depending on what the editor filled in."""
        parts = []
        if self.part_of_day:
            parts.append(self.get_part_of_day_display())
        if self.start_time:
            parts.append(self.start_time.strftime("%H:%M"))
        return ", ".join(parts)
