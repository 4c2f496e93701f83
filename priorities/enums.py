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
