"""Quick notes' commands: what the planner (``notes_plan``) takes, and the problems found.

A pasted log and hand-typed notes are read alike (``irc_logs``, whose vocabulary is
``irc_commands``); ``irc_import.commands_of`` turns the meeting's items into ``Command``s, and
``parse_status`` reads a ``#status``'s status. Hand-typed notes larger than ``MAX_NOTES_BYTES``
are refused before they are planned.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple

from ..enums import Status

DEFAULT_TITLE = "Quick notes"

#: The most quick notes one import takes (UTF-8), checked before they are planned: a day's
#: worth of typed notes is a few tens of KB.
MAX_NOTES_BYTES = 256 * 1024


def notes_size_problem(size):
    """What is wrong with notes of ``size`` bytes, or None when they are small enough."""
    if size <= MAX_NOTES_BYTES:
        return None
    return (
        f"The notes are larger than {MAX_NOTES_BYTES // 1024} KB ({size // 1024} KB): "
        "import them in parts."
    )


class LineError(NamedTuple):
    """A problem with the notes: its line (None when it comes from no line) and what is wrong."""

    line: int | None
    message: str

    def __str__(self):
        return self.message if self.line is None else f"line {self.line}: {self.message}"


class NotesError(Exception):
    """Notes that cannot be imported; ``errors`` holds every (line, message) pair, in order."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda error: (error.line or 0, error.message))
        super().__init__("; ".join(str(error) for error in self.errors))


@dataclass(frozen=True)
class Command:
    """One thing the notes say, from their line ``line``: ``name`` is "startmeeting" (the
    title), "topic", "status", "inwriting", "info", "link", "agreed", "action" or "risk"; ``text``
    the text, trimmed."""

    line: int
    name: str
    text: str = ""
    status: str = ""  # #status: the status value; ``text`` is then the headline
    owner: str = ""  # #action: one owner, a nick or a name; ``text`` is then the task
    url: str = ""  # #link: the URL; ``text`` is then the link text


#: What may part a status from its headline: a colon or bar, or a dash followed by a space
#: (the "-" of "#status started -1" is the headline's).
_HEADLINE_SEPARATOR = re.compile(r"^\s*(?:[:|]|[\-\u2013\u2014](?=\s|$))?\s*")
#: Status values and labels, lower-cased, longest first so that a label is never cut short.
_STATUS_NAMES = sorted(
    [(status.value, status) for status in Status]
    + [(status.label.lower(), status) for status in Status],
    key=lambda pair: -len(pair[0]),
)


def parse_status(number, rest):
    """The ``Command`` of ``#status <rest>`` on line ``number``: the status is a value or a
    label, any case; a ``LineError`` listing the statuses when it is neither."""
    for name, status in _STATUS_NAMES:
        after = rest[len(name) : len(name) + 1]
        if rest[: len(name)].lower() == name and not (after.isalnum() or after in ("-", "_")):
            headline = _HEADLINE_SEPARATOR.sub("", rest[len(name) :], count=1).strip()
            return Command(number, "status", headline, status=status.value)
    return LineError(
        number,
        f'unknown status "{rest.split()[0]}" (use one of '
        f"{', '.join(status.value for status in Status)}, or their labels)",
    )
