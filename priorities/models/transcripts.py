"""What was said in a session held on IRC: its transcript, a line each, in order."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q

from ..enums import LineKind
from ..validators import ONE_LINE, validate_one_line, validate_printable
from .meetups import Session
from .people import Person

#: The longest line a transcript keeps: IRC itself carries at most 512 bytes a message, and
#: a bridge or a web archive may join a few; anything longer is not one line of a chat.
TRANSCRIPT_TEXT_MAX_LENGTH = 2_000


class TranscriptLineQuerySet(models.QuerySet):
    def keys(self):
        """``(time, nick, text)`` of each line: what tells a line already imported."""
        return self.order_by().values_list("time", "nick", "text")

    def for_page(self):
        """In order, each with the person who said it: what a day page shows."""
        return self.select_related("person").order_by("position")


class TranscriptLine(models.Model):
    """One line of a session's IRC log: when it was said, by whom, and what."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="transcript")
    position = models.PositiveIntegerField(help_text="1 for the session's first line.")
    time = models.TimeField(help_text="As the log shows it (the channel's clock).")
    nick = models.CharField("IRC nick", max_length=64, validators=ONE_LINE)
    kind = models.CharField(max_length=10, choices=LineKind, default=LineKind.MESSAGE)
    text = models.TextField(
        blank=True,
        max_length=TRANSCRIPT_TEXT_MAX_LENGTH,
        validators=[
            validate_printable,
            validate_one_line,
            MaxLengthValidator(TRANSCRIPT_TEXT_MAX_LENGTH),
        ],
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transcript_lines",
        help_text="Whose IRC nick this is, as found when the log was imported.",
    )

    objects = TranscriptLineQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "position"],
                name="transcript_line_position_unique_per_session",
                violation_error_message="This session already has a line at this position.",
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1),
                name="transcript_line_position_positive",
                violation_error_message="Transcript lines are numbered from 1.",
            ),
            models.CheckConstraint(
                condition=~Q(nick=""),
                name="transcript_line_nick_not_empty",
                violation_error_message="A transcript line needs the nick who said it.",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=LineKind.values),
                name="transcript_line_kind_valid",
            ),
        ]

    def __str__(self):
        said = f"* {self.nick} {self.text}" if self.kind == LineKind.ACTION else self.text
        prefix = "" if self.kind == LineKind.ACTION else f"<{self.nick}> "
        return f"{self.time:%H:%M:%S} {prefix}{said}".rstrip()

    def get_absolute_url(self):
        return f"{self.session.day.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self):
        """The line's id on the day page: ``session-12-l-34``, as MeetBot's logs number
        theirs (``l-34``), within its session."""
        return f"session-{self.session_id}-l-{self.position}"
