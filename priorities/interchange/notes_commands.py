"""Quick notes' commands, MeetBot style, one a line: read without touching the database.

``parse_notes`` reads the text into ``Command``s and ``LineError``s, one per line at most;
``quick_notes`` turns them into records. Lines after ``#endmeeting`` are an error rather than
ignored: nothing typed is dropped silently. Notes larger than ``MAX_NOTES_BYTES`` are refused
before they are read.
"""

import re
from dataclasses import dataclass
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..enums import Status
from ..validators import LINE_BREAK, UNPRINTABLE, split_lines, unprintable_message, validate_label

DEFAULT_TITLE = "Quick notes"

#: The most quick notes one import takes (UTF-8), checked before they are parsed: a day's
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


#: What each command does, in the order the cheat sheet shows them.
COMMANDS = {
    "startmeeting": '#startmeeting <title>: the session\'s title (default "Quick notes")',
    "topic": "#topic <text>: a priority area's name or slug, or any other topic",
    "status": "#status <status> [headline]: the area's status update, e.g. "
    '"#status slow-progress Moving, but slowly"',
    "inwriting": "#inwriting [name]: the area's update was written down, not given in the room",
    "info": "#info <text>: a point (the update's body under an area topic, else the notes)",
    "link": "#link <http(s) URL> [text]: a link, listed with the #info points",
    "agreed": "#agreed <text>: a decision",
    "action": "#action <owner> <text>: an action item for the owner (an IRC nick works)",
    "risk": "#risk <text>: a risk or blocker",
    "endmeeting": "#endmeeting: the end of the notes (nothing may follow it)",
}
KNOWN_COMMANDS = ", ".join(f"#{name}" for name in COMMANDS)

#: The commands in a few lines: the help of the admin form and of the command.
CHEAT_SHEET = "\n".join(
    [
        "One command a line; a line without a command counts as #info; blank lines are skipped.",
        *COMMANDS.values(),
        "Statuses: "
        + ", ".join(status.value for status in Status)
        + ' (or their labels, such as "Good progress").',
        "Under a #topic that names a priority area, #info and #link lines (but the first one "
        "when it is the headline) make the update's body, and #agreed, #action and #risk are "
        "tied to the area.",
    ]
)

_COMMAND = re.compile(r"#([A-Za-z][^\s:]*):?(.*)", re.DOTALL)
#: What may part a status from its headline: a colon or bar, or a dash followed by a space
#: (the "-" of "#status started -1" is the headline's).
_HEADLINE_SEPARATOR = re.compile(r"^\s*(?:[:|]|[\-\u2013\u2014](?=\s|$))?\s*")

_validate_url = URLValidator(schemes=["http", "https"])


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
    """One line of the notes: ``name`` is the command without its ``#`` ("info" for plain
    lines), ``text`` the rest of the line, trimmed."""

    line: int
    name: str
    text: str = ""
    status: str = ""  # #status: the status value; ``text`` is then the headline
    owner: str = ""  # #action: the owner as typed; ``text`` is then the action
    url: str = ""  # #link: the URL; ``text`` is then the link text


def parse_notes(text):
    """Read the notes into a list of ``Command`` and ``LineError``, one per line at most."""
    parsed = []
    ended_at = None
    # A byte order mark (Windows editors write one) would hide the first line's command.
    text = text.removeprefix("\ufeff")
    for number, raw in enumerate(split_lines(text), start=1):
        line = raw.strip()
        if not line:
            continue
        if ended_at is not None:
            parsed.append(
                LineError(
                    number,
                    f"text after #endmeeting (line {ended_at}): remove it, or move #endmeeting "
                    "to the end",
                )
            )
            break
        # The rules of every field (priorities.validators), with the line they are broken on:
        # IRC clients copy colour and bold codes along with the text.
        if invisible := UNPRINTABLE.search(line):
            parsed.append(LineError(number, unprintable_message(invisible.group())))
            continue
        if LINE_BREAK.search(line):
            parsed.append(LineError(number, "Keep this on a single line: remove the line breaks."))
            continue
        command = _parse_line(number, line)
        parsed.append(command)
        if isinstance(command, Command) and command.name == "endmeeting":
            ended_at = number
    return parsed


def _parse_line(number, line):
    match = _COMMAND.fullmatch(line)
    if not match:
        return Command(number, "info", line)
    name, rest = match[1].lower(), match[2].strip()
    if name not in COMMANDS:
        return LineError(number, f"unknown command #{match[1]} (use one of {KNOWN_COMMANDS})")
    if name in ("startmeeting", "endmeeting", "inwriting"):
        return Command(number, name, rest)
    if not rest:
        return LineError(number, f"#{name} needs a text: {COMMANDS[name]}")
    if name == "status":
        return parse_status(number, rest)
    if name == "link":
        return _parse_link(number, rest)
    if name == "action":
        return _parse_action(number, rest)
    return Command(number, name, rest)


#: Status values and labels, lower-cased, longest first so that a label is never cut short.
_STATUS_NAMES = sorted(
    [(status.value, status) for status in Status]
    + [(status.label.lower(), status) for status in Status],
    key=lambda pair: -len(pair[0]),
)


def parse_status(number, rest):
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


def _parse_link(number, rest):
    url, link_text = [*rest.split(maxsplit=1), ""][:2]
    try:
        _validate_url(url)
    except ValidationError:
        return LineError(number, f'#link needs an http:// or https:// URL, not "{url}"')
    return Command(number, "link", link_text.strip(), url=url)


def _parse_action(number, rest):
    owner, action = [*rest.split(maxsplit=1), ""][:2]
    owner = owner.rstrip(":,")
    if not owner or not action.strip():
        return LineError(number, f"#action needs an owner and a text: {COMMANDS['action']}")
    try:
        validate_label(owner)
    except ValidationError as error:
        return LineError(number, f'#action owner "{owner}": {" ".join(error.messages)}')
    return Command(number, "action", action.strip(), owner=owner)
