"""What a session produced: decisions, action items and risks."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from ..validators import LABEL, OUTCOME_MAX_LENGTH, markdown_validators
from .locking import VersionedModel
from .markup import RenderedMarkdownField, RendersMarkdown
from .placement import RemembersPlacement
from .teams import check_area_of_the_meetup_team, filter_to_scope


class OutcomeQuerySet(models.QuerySet):
    def for_meetup(self, meetup):
        return self.filter(session__day__meetup=meetup)

    def recent(self):
        """The most recently recorded first, with their session, day and area: for feeds."""
        return self.select_related("session__day__meetup__team", "priority_area__team").order_by(
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
        return self.select_related("session__day__meetup__team", "priority_area__team").order_by(
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

    def filtered(self, *, team=None, cycle=None, meetup=None, area=None, text=None):
        """Keep the outcomes of the team with slug ``team``, of ``cycle`` ("team/slug"), of the
        meetup with slug ``meetup``, of the priority area ``area`` ("team/slug"), and/or
        whose text holds ``text`` (case-insensitively)."""
        queryset = filter_to_scope(self, team=team, cycle=cycle, meetup=meetup, area=area)
        if text:
            queryset = queryset.filter(text__icontains=text)
        return queryset


class Outcome(RemembersPlacement, RendersMarkdown, VersionedModel):
    """What a session produced, optionally tied to a priority area."""

    text = models.TextField(
        max_length=OUTCOME_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(OUTCOME_MAX_LENGTH),
    )
    text_html = RenderedMarkdownField("text")
    order = models.PositiveSmallIntegerField(default=1)
    transcript_line = models.ForeignKey(
        "TranscriptLine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The line of the session's IRC log it was said on.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    anchor_prefix = "outcome"

    objects = OutcomeQuerySet.as_manager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["session_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(text=""),
                name="%(class)s_text_not_empty",
                violation_error_message="The text cannot be empty.",
            )
        ]

    def clean(self):
        super().clean()
        check_area_of_the_meetup_team(self, "outcome_area_of_its_team")
        check_said_in_its_session(self)

    def __str__(self):
        first_line = self.text.strip().splitlines()[0] if self.text.strip() else ""
        return first_line[:80]

    def get_absolute_url(self):
        return f"{self.session.day.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        return f"{self.anchor_prefix}-{self.pk}"


class Decision(Outcome):
    """Something the room agreed, e.g. "devstack moves to Neutron"."""

    session = models.ForeignKey("Session", on_delete=models.PROTECT, related_name="decisions")
    priority_area = models.ForeignKey(
        "PriorityArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )

    anchor_prefix = "decision"


class ActionItem(Outcome):
    """A next step with an owner."""

    session = models.ForeignKey("Session", on_delete=models.PROTECT, related_name="action_items")
    priority_area = models.ForeignKey(
        "PriorityArea",
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
            *Outcome.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(owner=""),
                name="action_item_owner_not_empty",
                violation_error_message="An action item needs an owner.",
            ),
        ]


class Risk(Outcome):
    """Something that may stop a priority area from landing this cycle."""

    session = models.ForeignKey("Session", on_delete=models.PROTECT, related_name="risks")
    priority_area = models.ForeignKey(
        "PriorityArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risks",
    )

    anchor_prefix = "risk"


def check_said_in_its_session(obj):
    """An item's transcript line is one of its own session's lines."""
    if obj.transcript_line_id is None and not type(obj).transcript_line.is_cached(obj):
        return
    line = obj.transcript_line
    if line is None:
        return
    same = (
        line.session is obj.session
        if line.session_id is None
        else (line.session_id == obj.session_id)
    )
    if not same:
        raise ValidationError(
            {"transcript_line": "The line must be one of this session's transcript."}
        )


def outcome_prefetches():
    """Prefetches that load a session's outcomes with their priority area, in order."""
    return [
        Prefetch(
            name, queryset=model.objects.select_related("priority_area__team", "transcript_line")
        )
        for name, model in (
            ("decisions", Decision),
            ("action_items", ActionItem),
            ("risks", Risk),
        )
    ]
