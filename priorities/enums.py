"""The site's vocabularies: statuses, how a status moved, kinds of session, parts of a day."""

from django.db import models


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

    @property
    def legend(self):
        """What the symbol means, as a legend says it: "improved", "first report"."""
        return "first report" if self is Trend.NEW else self.label.lower()


TREND_SYMBOLS = {Trend.IMPROVED: "↑", Trend.SLIPPED: "↓", Trend.UNCHANGED: "=", Trend.NEW: "+"}

#: The statuses that say an area is at risk, mildest first. In Launchpad's vocabulary slow
#: progress means "high risk of not being delivered on time", so none of them is good news.
AT_RISK = (Status.SLOW_PROGRESS, Status.BLOCKED, Status.DEFERRED)
#: The others, in the order an area moves through them.
ON_TRACK = (
    Status.NOT_STARTED,
    Status.STARTED,
    Status.GOOD_PROGRESS,
    Status.NEEDS_REVIEW,
    Status.IMPLEMENTED,
)
#: How far along each status is: the order of the status chart's rows, most advanced on top.
#: Read from the two lists above, so that a line going down the chart is what
#: ``trend_between`` calls a slip: the at-risk statuses below the on-track ones, worst lowest.
STATUS_PROGRESS = {status: rank for rank, status in enumerate([*reversed(AT_RISK), *ON_TRACK])}


def trend_between(before, now):
    """How an area moved from status ``before`` to ``now`` (``before`` None: a first report).

    The rule readers are told (the meetup page's legend, the README): a move into an at-risk
    status (slow progress, blocked, deferred) is never an improvement. Into one from an
    on-track status, or to a worse one, is a slip; from one at-risk status to a milder one is
    unchanged, still at risk. Out of the at-risk statuses is an improvement; between on-track
    statuses, up or down their order is an improvement or a slip.
    """
    if before is None:
        return Trend.NEW
    before, now = Status(before), Status(now)
    if before == now:
        return Trend.UNCHANGED
    if now in AT_RISK:
        if before in AT_RISK and AT_RISK.index(now) < AT_RISK.index(before):
            return Trend.UNCHANGED
        return Trend.SLIPPED
    if before in AT_RISK:
        return Trend.IMPROVED
    return Trend.IMPROVED if ON_TRACK.index(now) > ON_TRACK.index(before) else Trend.SLIPPED


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


class LineKind(models.TextChoices):
    """What a line of an IRC meeting's transcript is: something said, or a ``/me`` action."""

    MESSAGE = "message", "Message"
    ACTION = "action", "Action (/me)"
