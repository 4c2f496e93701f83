"""The meetup notes domain: meetups, their days and sessions, priority areas, and what was said."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Window
from django.db.models.functions import Coalesce, Lower, RowNumber
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .locking import VersionedModel, lock
from .validators import (
    LABEL,
    ONE_LINE,
    markdown_validators,
    validate_label,  # noqa: F401 (migrations 0001 to 0009 name it here)
)


class Status(models.TextChoices):
    """How far a priority area has come, close to Launchpad's blueprint vocabulary."""

    NOT_STARTED = "not-started", "Not started"
    STARTED = "started", "Started"
    SLOW_PROGRESS = "slow-progress", "Slow progress"
    GOOD_PROGRESS = "good-progress", "Good progress"
    NEEDS_REVIEW = "needs-review", "Needs code review"
    BLOCKED = "blocked", "Blocked"
    IMPLEMENTED = "implemented", "Implemented"
    DEFERRED = "deferred", "Deferred"

    @property
    def badge_class(self):
        """The CSS class of this status's badge (see static/css/site.css)."""
        return f"status-{self.value}"

    @property
    def symbol(self):
        """A glyph shown beside the label, so the badge never relies on colour alone."""
        return STATUS_SYMBOLS[self]


#: Glyphs that common fonts (DejaVu, Liberation, Segoe UI, Noto) all carry, so no reader
#: sees an empty box.
STATUS_SYMBOLS = {
    Status.NOT_STARTED: "○",
    Status.STARTED: "◔",
    Status.SLOW_PROGRESS: "◑",
    Status.GOOD_PROGRESS: "◕",
    Status.NEEDS_REVIEW: "◷",
    Status.BLOCKED: "✖",
    Status.IMPLEMENTED: "✔",
    Status.DEFERRED: "‖",
}


class Trend(models.TextChoices):
    """How a priority area's status moved since it was last reported."""

    IMPROVED = "improved", "Improved"
    SLIPPED = "slipped", "Slipped"
    UNCHANGED = "unchanged", "Unchanged"
    NEW = "new", "New"

    @property
    def symbol(self):
        return TREND_SYMBOLS[self]


TREND_SYMBOLS = {Trend.IMPROVED: "↑", Trend.SLIPPED: "↓", Trend.UNCHANGED: "=", Trend.NEW: "+"}

#: How far along each status is, to tell an improvement from a slip. Deferred and blocked
#: rank lowest, so moving to either is a slip whatever came before.
STATUS_PROGRESS = {
    Status.DEFERRED: 0,
    Status.BLOCKED: 1,
    Status.NOT_STARTED: 2,
    Status.STARTED: 3,
    Status.SLOW_PROGRESS: 4,
    Status.GOOD_PROGRESS: 5,
    Status.NEEDS_REVIEW: 6,
    Status.IMPLEMENTED: 7,
}


@dataclass(frozen=True)
class StatusChange:
    """A status set against the one its area had before: "Good progress, was Slow progress
    on day 1". ``previous_when`` says where that was: "on day 1", or "at <meetup>, day 3"
    when it was at an earlier meetup."""

    status: Status
    previous_status: Status | None = None
    previous_when: str = ""

    @property
    def trend(self):
        if self.previous_status is None:
            return Trend.NEW
        before, now = STATUS_PROGRESS[self.previous_status], STATUS_PROGRESS[self.status]
        if now > before:
            return Trend.IMPROVED
        if now < before:
            return Trend.SLIPPED
        return Trend.UNCHANGED

    @property
    def since_text(self):
        """ "was Slow progress on day 1", "as on day 1" or "first status report"."""
        if self.previous_status is None:
            return "first status report"
        if self.trend == Trend.UNCHANGED:
            return f"as {self.previous_when}"
        return f"was {self.previous_status.label} {self.previous_when}"

    @property
    def description(self):
        """ "Good progress, was Slow progress on day 1": what the page and report say."""
        return f"{self.status.label}, {self.since_text}"


class SessionKind(models.TextChoices):
    STATUS_ROUND = "status-round", "Status round"
    DISCUSSION = "discussion", "Discussion"
    WHITEBOARD = "whiteboard", "Whiteboard"
    HACKING = "hacking", "Hacking"
    OTHER = "other", "Other"


class PartOfDay(models.TextChoices):
    MORNING = "morning", "Morning"
    AFTERNOON = "afternoon", "Afternoon"
    EVENING = "evening", "Evening"


class Delivery(models.TextChoices):
    """Whether an update was given in the room or written down by an absent lead."""

    IN_PERSON = "in-person", "In person"
    IN_WRITING = "in-writing", "In writing"


#: How much Markdown one field holds: a long session's notes, or a few pages elsewhere.
NOTES_MAX_LENGTH = 50_000
MARKDOWN_MAX_LENGTH = 20_000
OUTCOME_MAX_LENGTH = 5_000


def _choice_values(choices):
    return [value for value, _label in choices.choices]


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

    def filtered(self, *, meetup=None, status=None):
        """Keep the meetup with slug ``meetup`` and/or those with an update in ``status``.

        With a status, each meetup is annotated with ``status_update_count``, how many of its
        updates have that status. Still one query.
        """
        queryset = self
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


class Meetup(models.Model):
    """A gathering of the team over one or more consecutive days."""

    name = models.CharField(max_length=200, validators=ONE_LINE)
    slug = models.SlugField(max_length=100, unique=True)
    project = models.CharField(max_length=100, help_text="e.g. OpenStack Nova", validators=ONE_LINE)
    cycle = models.CharField(max_length=50, blank=True, help_text="e.g. Kilo", validators=ONE_LINE)
    location = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    start_date = models.DateField()
    end_date = models.DateField()
    description = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )

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

    def scoreboard(self, days):
        """One row per priority area: the status each area ended each of ``days`` with.

        Areas appear if they are active or have any update at this meetup. Two queries,
        whatever the number of updates.
        """
        latest = (
            StatusUpdate.objects.filter(session__day__meetup=self)
            .latest_per_area("session__day")
            .values_list("priority_area_id", "session__day_id", "status")
        )
        cells = {(area_id, day_id): status for area_id, day_id, status in latest}
        reported_area_ids = {area_id for area_id, _day_id in cells}
        areas = list(PriorityArea.objects.filter(Q(active=True) | Q(pk__in=reported_area_ids)))
        before = {}
        if days:
            earlier = StatusUpdate.objects.latest_before(days[0].date, [area.pk for area in areas])
            before = {update.priority_area_id: update for update in earlier}
        return [
            ScoreboardRow(area, _scoreboard_cells(days, cells, area, before.get(area.pk)))
            for area in areas
        ]

    @property
    def dates_display(self):
        if self.start_date == self.end_date:
            return self.start_date.isoformat()
        return f"{self.start_date.isoformat()} to {self.end_date.isoformat()}"

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


@dataclass
class ScoreboardRow:
    area: "PriorityArea"
    cells: list

    @property
    def statuses(self):
        return [cell.status for cell in self.cells]


@dataclass
class ScoreboardCell:
    """The status an area ended a day with, and how it moved since it was last reported."""

    status: str | None
    change: StatusChange | None = None


def _scoreboard_cells(days, statuses, area, previous_update):
    """An area's cells across ``days``, each compared with the last status before it: the
    previous reported day, or for the first, ``previous_update`` from an earlier meetup."""
    cells = []
    previous = None
    if previous_update is not None:
        previous_day = previous_update.session.day
        previous = (Status(previous_update.status), previous_day.described_from(days[0]))
    for day in days:
        status = statuses.get((area.pk, day.pk))
        if status is None:
            cells.append(ScoreboardCell(None))
            continue
        status = Status(status)
        change = StatusChange(status, *previous) if previous else StatusChange(status)
        cells.append(ScoreboardCell(status, change))
        previous = (status, f"on day {day.number}")
    return cells


@dataclass
class AreaReport:
    """A priority area's updates on one day; ``latest`` is the status it ended the day with.

    ``previous`` is the area's last update before the day (at an earlier day or meetup),
    ``change`` the day's status set against it. ``leads_absent`` is true when the day's
    attendance is recorded, the area has leads, and none of them was in the room.
    """

    area: "PriorityArea"
    updates: list = field(default_factory=list)
    previous: "StatusUpdate | None" = None
    previous_when: str = ""
    change: StatusChange | None = None
    leads_absent: bool = False

    @property
    def latest(self):
        return self.updates[-1] if self.updates else None


@dataclass
class DayContents:
    sessions: list
    area_reports: list


class DayQuerySet(models.QuerySet):
    def with_update_counts(self):
        return self.annotate(update_count=Count("sessions__updates"))


class Day(VersionedModel):
    """One numbered day of a meetup."""

    meetup = models.ForeignKey(Meetup, on_delete=models.PROTECT, related_name="days")
    number = models.PositiveSmallIntegerField(help_text="1 for the first day of the meetup.")
    date = models.DateField()
    summary = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )

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

    def contents(self):
        """What the day page and the report show: its sessions with their outcomes, and
        every priority area reported on (or still active) with its updates in order.

        Each area report also says how the area's status moved since its last update
        before this day, and whether any of its leads attended.

        Nine queries however large the day. Each session and area is loaded once and shared
        by its updates, rather than copied into every update by ``select_related``.
        """
        sessions = list(self.sessions.prefetch_related(*outcome_prefetches()))
        sessions_by_id = {session.pk: session for session in sessions}
        updates = list(StatusUpdate.objects.filter(session__day=self).in_day_order())
        area_ids = {update.priority_area_id for update in updates}
        areas = list(
            PriorityArea.objects.filter(Q(active=True) | Q(pk__in=area_ids)).prefetch_related(
                "leads"
            )
        )
        reports = {area.pk: AreaReport(area) for area in areas}
        for update in updates:
            update.session = sessions_by_id[update.session_id]
            report = reports[update.priority_area_id]
            update.priority_area = report.area
            report.updates.append(update)
        for previous in StatusUpdate.objects.latest_before(self.date, list(reports)):
            report = reports[previous.priority_area_id]
            report.previous = previous
            report.previous_when = previous.session.day.described_from(self)
        attendee_ids = set(self.attendances.order_by().values_list("person_id", flat=True))
        for report in reports.values():
            if report.latest is not None:
                status = Status(report.latest.status)
                report.change = (
                    StatusChange(status, Status(report.previous.status), report.previous_when)
                    if report.previous
                    else StatusChange(status)
                )
            leads = report.area.leads.all()
            report.leads_absent = bool(
                attendee_ids and leads and not any(lead.pk in attendee_ids for lead in leads)
            )
        return DayContents(sessions=sessions, area_reports=list(reports.values()))

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


class Session(VersionedModel):
    """A slot of a day: a status round, a discussion, a whiteboard session..."""

    day = models.ForeignKey(Day, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(max_length=200, validators=ONE_LINE)
    kind = models.CharField(max_length=20, choices=SessionKind, default=SessionKind.DISCUSSION)
    part_of_day = models.CharField(max_length=20, choices=PartOfDay, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=1, help_text="Position within the day.")
    facilitator = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    notes = models.TextField(
        blank=True,
        max_length=NOTES_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(NOTES_MAX_LENGTH),
    )

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
                condition=Q(kind__in=_choice_values(SessionKind)),
                name="session_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(part_of_day__in=["", *_choice_values(PartOfDay)]),
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


class Person(models.Model):
    """Someone who leads a priority area or attends meetups."""

    name = models.CharField(max_length=200, validators=LABEL)
    irc_nick = models.CharField(
        "IRC nick",
        max_length=50,
        blank=True,
        validators=ONE_LINE,
        help_text="As typed in the meeting channel; quick notes map #action owners by it.",
    )
    affiliation = models.CharField(max_length=200, blank=True, validators=ONE_LINE)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="person_name_unique",
                violation_error_message="There is already a person with this name.",
            ),
            models.UniqueConstraint(
                Lower("irc_nick"),
                condition=~Q(irc_nick=""),
                name="person_irc_nick_unique",
                violation_error_message="Someone else already has this IRC nick.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="person_name_not_empty",
                violation_error_message="A person needs a name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.irc_nick})" if self.irc_nick else self.name


class Attendance(models.Model):
    """Who came to a meetup, and on which of its days."""

    meetup = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="attendances")
    days = models.ManyToManyField(
        Day,
        blank=True,
        related_name="attendances",
        help_text="The days this person was in the room.",
    )

    class Meta:
        ordering = ["meetup_id", "person__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meetup", "person"],
                name="attendance_unique_per_meetup",
                violation_error_message="This person is already listed for this meetup.",
            ),
        ]

    def __str__(self):
        return f"{self.person.name} at {self.meetup.name}"


class PriorityAreaQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def with_latest_update(self):
        """Annotate each area with the id of its most recent status update, newest day first."""
        latest = StatusUpdate.objects.filter(priority_area=OuterRef("pk")).newest_first()
        return self.annotate(latest_update_id=Subquery(latest.values("pk")[:1]))


class PriorityArea(models.Model):
    """Something the team committed to for the cycle, e.g. Cells v2."""

    name = models.CharField(max_length=100, unique=True, validators=LABEL)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    leads = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="led_areas",
        help_text="Who leads this area. A day page flags the area when none of them attended.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    active = models.BooleanField(default=True, help_text="Still a priority this cycle.")

    objects = PriorityAreaQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("priorities:priority-detail", kwargs={"slug": self.slug})


class StatusUpdateQuerySet(models.QuerySet):
    def newest_first(self):
        """Newest day first, then latest session: read from ``update_area_timeline_idx``."""
        return self.order_by("-day_date", "-session_order", "-created_at", "-pk")

    def in_day_order(self):
        return self.order_by("session__order", "created_at", "pk")

    def latest_per_area(self, *partition_by):
        """Keep only the most recent update of each priority area (within each partition).

        ``latest_per_area("session__day")`` gives the status each area ended each day with,
        computed by the database with a window function rather than by loading every update.
        """
        ranked = self.annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("priority_area"), *(F(field) for field in partition_by)],
                order_by=[
                    F("session__day__date").desc(),
                    F("session__order").desc(),
                    F("created_at").desc(),
                    F("pk").desc(),
                ],
            )
        )
        return ranked.filter(recency=1)

    def latest_before(self, date, area_ids):
        """Each of the areas' last update on a day before ``date``, at any meetup, with its
        session, day and meetup. One query: one index probe per area."""
        last = (
            StatusUpdate.objects.filter(priority_area=OuterRef("pk"), day_date__lt=date)
            .newest_first()
            .values("pk")[:1]
        )
        last_ids = (
            PriorityArea.objects.filter(pk__in=area_ids)
            .order_by()
            .annotate(last_id=Subquery(last))
            .values("last_id")
        )
        return self.filter(pk__in=last_ids).select_related("session__day__meetup").order_by()

    def for_priority_area(self, area):
        """An area's timeline across days and meetups, newest first."""
        return self.filter(priority_area=area).select_related("session__day__meetup").newest_first()

    def filtered(self, *, meetup=None, status=None):
        """Keep the updates given at the meetup with slug ``meetup`` and/or in ``status``."""
        queryset = self
        if meetup:
            queryset = queryset.filter(session__day__meetup__slug=meetup)
        if status:
            queryset = queryset.filter(status=status)
        return queryset

    def recent(self):
        """The most recently posted first, with what a feed entry shows: for feeds."""
        return self.select_related("session__day__meetup", "priority_area").order_by(
            "-created_at", "-pk"
        )


class StatusUpdate(VersionedModel):
    """One priority area's status as reported in one session."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="updates")
    priority_area = models.ForeignKey(
        PriorityArea, on_delete=models.PROTECT, related_name="updates"
    )
    status = models.CharField(max_length=20, choices=Status)
    headline = models.CharField(
        max_length=200, help_text="One line: where the area stands.", validators=ONE_LINE
    )
    body = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    reported_by = models.CharField(max_length=200, blank=True, validators=ONE_LINE)
    delivery = models.CharField(
        "reported", max_length=20, choices=Delivery, default=Delivery.IN_PERSON
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="status_updates_saved",
        help_text="The editor who last saved this update.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Copies of the session's day date and position, so that an area's timeline is read
    # newest first from one index rather than by sorting every update of the area through
    # two joins (78 ms for 8,000 updates on PostgreSQL). save() sets them; Session.save()
    # and Day.save() keep them in step.
    day_date = models.DateField(null=True, editable=False)
    session_order = models.PositiveSmallIntegerField(null=True, editable=False)

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["session_id", "priority_area_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "priority_area"],
                name="one_update_per_area_per_session",
                violation_error_message="This priority area already has an update in this session.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=_choice_values(Status)), name="update_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=_choice_values(Delivery)), name="update_delivery_valid"
            ),
            models.CheckConstraint(
                condition=~Q(headline=""),
                name="update_headline_not_empty",
                violation_error_message="An update needs a headline.",
            ),
        ]
        indexes = [
            models.Index(
                F("priority_area"),
                F("day_date").desc(),
                F("session_order").desc(),
                F("created_at").desc(),
                F("id").desc(),
                name="update_area_timeline_idx",
            ),
        ]

    def __str__(self):
        return f"{self.priority_area}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.day_date = self.session.day.date
        self.session_order = self.session.order
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "day_date", "session_order"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.session.day.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"update-{self.pk}"

    @property
    def in_writing(self):
        return self.delivery == Delivery.IN_WRITING


class OutcomeQuerySet(models.QuerySet):
    def for_meetup(self, meetup):
        return self.filter(session__day__meetup=meetup)

    def recent(self):
        """The most recently recorded first, with their session, day and area: for feeds."""
        return self.select_related("session__day__meetup", "priority_area").order_by(
            "-created_at", "-pk"
        )

    #: Newest day first, then in the day's order. Days have no index on their date alone
    #: (only ``(meetup, date)``), so this sorts the filtered rows; meetups that share a date
    #: are kept apart by the day.
    register_ordering = (
        "-session__day__date",
        "session__day_id",
        "session__order",
        "session__start_time",
        "session_id",
        "order",
        "pk",
    )

    def register(self):
        """Newest day first, with what a register entry shows: one query."""
        return self.select_related("session__day__meetup", "priority_area").order_by(
            *self.register_ordering
        )

    def by_owner(self):
        """Action items only: by owner (case-insensitively sorted), each owner's newest day
        first, with what the list of action items shows.

        The exact owner follows its lower-cased form, so that "alice" and "Alice" are never
        interleaved (a page groups consecutive items by owner).
        """
        return self.register().order_by(Lower("owner"), "owner", *self.register_ordering)

    def open(self):
        """Action items only: those not done yet."""
        return self.filter(done=False)

    def filtered(self, *, meetup=None, area=None, text=None):
        """Keep the outcomes of the meetup with slug ``meetup``, of the priority area with
        slug ``area``, and/or whose text holds ``text`` (case-insensitively)."""
        queryset = self
        if meetup:
            queryset = queryset.filter(session__day__meetup__slug=meetup)
        if area:
            queryset = queryset.filter(priority_area__slug=area)
        if text:
            queryset = queryset.filter(text__icontains=text)
        return queryset


class Outcome(VersionedModel):
    """What a session produced, optionally tied to a priority area."""

    text = models.TextField(
        max_length=OUTCOME_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(OUTCOME_MAX_LENGTH),
    )
    order = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    anchor_prefix = "outcome"

    objects = OutcomeQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["session_id", "order", "pk"]

    def __str__(self):
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first_line[:80]

    def get_absolute_url(self):
        return f"{self.session.day.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"{self.anchor_prefix}-{self.pk}"


def _outcome_constraints(name):
    return [
        models.CheckConstraint(
            condition=~Q(text=""),
            name=f"{name}_text_not_empty",
            violation_error_message="The text cannot be empty.",
        )
    ]


class Decision(Outcome):
    """Something the room agreed, e.g. "devstack moves to Neutron"."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="decisions")
    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    anchor_prefix = "decision"

    class Meta(Outcome.Meta):
        constraints = _outcome_constraints("decision")


class ActionItem(Outcome):
    """A next step with an owner."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="action_items")
    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    owner = models.CharField(max_length=200, validators=LABEL)
    done = models.BooleanField(default=False)

    anchor_prefix = "action"

    class Meta(Outcome.Meta):
        constraints = [
            *_outcome_constraints("action_item"),
            models.CheckConstraint(
                condition=~Q(owner=""),
                name="action_item_owner_not_empty",
                violation_error_message="An action item needs an owner.",
            ),
        ]


class Risk(Outcome):
    """Something that may stop a priority area from landing this cycle."""

    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="risks")
    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
    )

    anchor_prefix = "risk"

    class Meta(Outcome.Meta):
        constraints = _outcome_constraints("risk")


def outcome_prefetches():
    """Prefetches that load a session's outcomes with their priority area, in order."""
    return [
        Prefetch(name, queryset=model.objects.select_related("priority_area"))
        for name, model in (
            ("decisions", Decision),
            ("action_items", ActionItem),
            ("risks", Risk),
        )
    ]


class ContentVersion(models.Model):
    """A counter of every change to what the site shows, kept in the database.

    Page caches and ``ETag``/``Last-Modified`` headers are keyed by it, so every app server
    sees a change on the next request, deletions included, without sharing any memory.
    One row; ``bump()`` is called by signals on every save and delete of the app's models.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="content_version_single_row"),
        ]

    def __str__(self):
        return f"version {self.version} ({self.changed_at.isoformat()})"

    @classmethod
    def current(cls):
        """(version, changed_at): one query, creating the row on first use."""
        row = cls.objects.filter(pk=cls.SINGLETON).values_list("version", "changed_at").first()
        if row is None:
            obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON)
            row = (obj.version, obj.changed_at)
        return row

    @classmethod
    def bump(cls):
        updated = cls.objects.filter(pk=cls.SINGLETON).update(
            version=F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=cls.SINGLETON)


def violated_rule_message(error):
    """The message of the constraint an ``IntegrityError`` names, or "" if it names none.

    PostgreSQL and SQLite name the constraint in their message; SQLite names a unique
    constraint on fields by its columns instead ("UNIQUE constraint failed: table.a, table.b").
    """
    from django.apps import apps

    text = str(error)
    for model in apps.get_app_config("priorities").get_models():
        for constraint in model._meta.constraints:
            names = [constraint.name]
            if getattr(constraint, "fields", ()):
                table = model._meta.db_table
                columns = [model._meta.get_field(name).column for name in constraint.fields]
                names.append(", ".join(f"{table}.{column}" for column in columns))
            if any(name in text for name in names):
                return constraint.get_violation_error_message()
    return ""
