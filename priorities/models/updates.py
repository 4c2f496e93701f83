"""Status updates: one priority area's status as reported in one session."""

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from simple_history.models import HistoricalRecords

from ..enums import Delivery, Status
from ..validators import MARKDOWN_MAX_LENGTH, ONE_LINE, markdown_validators
from .locking import VersionedModel
from .markup import RenderedMarkdownField, RendersMarkdown
from .outcomes import check_said_in_its_session
from .placement import RemembersPlacement
from .teams import check_area_of_the_meetup_team, filter_to_scope


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
        areas = self.model.priority_area.field.related_model
        last_ids = (
            areas.objects.filter(pk__in=area_ids)
            .order_by()
            .annotate(last_id=Subquery(last))
            .values("last_id")
        )
        return self.filter(pk__in=last_ids).select_related("session__day__meetup").order_by()

    def for_priority_area(self, area):
        """An area's timeline across days and meetups, newest first."""
        return self.filter(priority_area=area).select_related("session__day__meetup").newest_first()

    def filtered(
        self, *, team=None, cycle=None, meetup=None, area=None, status=None, since=None, until=None
    ):
        """Keep the updates of the team with slug ``team``, of ``cycle`` ("team/slug"), given
        at the meetup with slug ``meetup``, of the priority area ``area`` ("team/slug"), in
        ``status``, and/or on days from ``since`` to ``until`` (dates, inclusive)."""
        queryset = filter_to_scope(self, team=team, cycle=cycle, meetup=meetup, area=area)
        if status:
            queryset = queryset.filter(status=status)
        if since:
            queryset = queryset.filter(day_date__gte=since)
        if until:
            queryset = queryset.filter(day_date__lte=until)
        return queryset

    def recent(self):
        """The most recently posted first, with what a feed entry shows: for feeds."""
        return self.select_related("session__day__meetup__team", "priority_area__team").order_by(
            "-created_at", "-pk"
        )


class StatusUpdate(RemembersPlacement, RendersMarkdown, VersionedModel):
    """One priority area's status as reported in one session."""

    session = models.ForeignKey("Session", on_delete=models.PROTECT, related_name="updates")
    priority_area = models.ForeignKey(
        "PriorityArea", on_delete=models.PROTECT, related_name="updates"
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
    body_html = RenderedMarkdownField("body")
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
    transcript_line = models.ForeignKey(
        "TranscriptLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The line of the session's IRC log the status was given on.",
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
                condition=Q(status__in=Status.values), name="update_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="update_delivery_valid"
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

    def clean(self):
        super().clean()
        check_area_of_the_meetup_team(self, "update_area_of_its_team")
        check_said_in_its_session(self)

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
