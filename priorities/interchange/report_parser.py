"""Read a Markdown day report (the format ``report_export`` writes) into plain data.

``parse_report`` turns the text into ``ParsedDay`` and its parts, with the line number of
every piece, without touching the database; ``report_import`` then makes a day match it. Any
malformed line raises ``ReportError`` naming it.

Work is bounded: a report larger than ``MAX_REPORT_BYTES`` is refused before it is parsed,
and parsing is linear in the report's size (``benchmarks/pathological.py`` times it on 1 MB
of each awkward shape). A character no field may hold (a control character, NUL, a
noncharacter) is refused with its line before anything else is read.
"""

import datetime
import re
from dataclasses import dataclass, field

from ..enums import Delivery, PartOfDay, SessionKind, Status
from ..validators import UNPRINTABLE, split_lines, unprintable_message
from .markdown import unescape_inline
from .report_export import (
    ATTENDEES_HEADING,
    ATTENDEES_TABLE,
    CHANGE_PREFIX,
    NO_SESSIONS,
    NO_SUMMARY,
    NO_UPDATES,
    OUTCOME_SECTIONS,
)

#: The largest report an upload or ``import_day`` takes, checked before parsing. A day of
#: 1,000 status updates makes a report of about 300 KB.
MAX_REPORT_BYTES = 1024 * 1024


def size_problem(size):
    """What is wrong with a report of ``size`` bytes, or None when it is small enough."""
    if size <= MAX_REPORT_BYTES:
        return None
    return (
        f"The report is larger than {MAX_REPORT_BYTES // 1024} KB "
        f"({size / 1024 / 1024:.1f} MB): split it, or import it day by day."
    )


_DATE = r"\d{4}-\d{2}-\d{2}"
_TITLE = re.compile(rf"^# (?P<name>.*): day (?P<number>\d+), (?P<date>{_DATE})$")
_FACT = re.compile(r"^- (?P<key>[A-Za-z ]+): (?P<value>.*)$")
#: "<name> (`<slug>`)": how the report names a meetup, a team and a cycle.
_NAMED = re.compile(r"^(?P<name>.*) \(`(?P<slug>[^`]+)`\)$")
_MEETUP_DATES = re.compile(rf"^(?P<start>{_DATE}) to (?P<end>{_DATE})$")
_DAY_DATE = re.compile(rf"^(?P<date>{_DATE}) \(day (?P<number>\d+)\)$")
_REPORTED = re.compile(r"^(?P<delivery>in person|in writing)(?: by (?P<by>.*))?$")
_AREA_PREFIX = re.compile(r"^\*\*(?P<area>[^*\[\]\n]+):\*\* (?P<text>.*)$", re.DOTALL)
_ACTION = re.compile(
    r"^\*\*(?P<owner>[^*\[\]\n]+)\*\*(?: \[(?P<area>[^*\[\]\n]+)\])?: (?P<text>.*)$", re.DOTALL
)
_TIME = re.compile(r"^\d{2}:\d{2}$")

STATUS_BY_LABEL = {status.label: status for status in Status}
KIND_BY_LABEL = {kind.label: kind for kind in SessionKind}
PART_BY_LABEL = {part.label: part for part in PartOfDay}
DELIVERY_BY_TEXT = {delivery.label.lower(): delivery for delivery in Delivery}


class ReportError(Exception):
    """A report that cannot be imported, with the (1-based) line at fault."""

    def __init__(self, line, message):
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.message = message


@dataclass
class ParsedUpdate:
    line: int
    area: str
    session_title: str
    status: str = ""
    headline: str = ""
    delivery: str = Delivery.IN_PERSON
    reported_by: str = ""
    body: str = ""


@dataclass
class ParsedOutcome:
    line: int
    kind: str
    text: str
    area: str | None = None
    owner: str = ""
    done: bool = False


@dataclass
class ParsedSession:
    line: int
    title: str
    kind: str = SessionKind.OTHER
    part_of_day: str = ""
    start_time: datetime.time | None = None
    facilitator: str = ""
    notes: str = ""
    outcomes: list = field(default_factory=list)


@dataclass
class ParsedDay:
    meetup_name: str = ""
    meetup_slug: str = ""
    team_name: str = ""
    #: Empty in a report from before teams, which named its "Project" only.
    team_slug: str = ""
    cycle_name: str = ""
    #: Empty in a report from before teams ("- Cycle: Kilo"), or that gave no cycle.
    cycle_slug: str = ""
    location: str = ""
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    date: datetime.date | None = None
    number: int = 0
    facts_line: int = 0
    summary: str = ""
    #: [(line, name)] of the attendees' table; None when the report has none (an import
    #: then leaves the day's attendance as it is).
    attendees: list | None = None
    updates: list = field(default_factory=list)
    sessions: list = field(default_factory=list)


class _Lines:
    """A cursor over the report's lines that reports errors with 1-based line numbers."""

    def __init__(self, text):
        self.lines = split_lines(text)
        if self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.index = 0

    @property
    def number(self):
        return self.index + 1

    def peek(self):
        return self.lines[self.index] if self.index < len(self.lines) else None

    def take(self):
        line = self.peek()
        self.index += 1
        return line

    def error(self, message, line=None):
        return ReportError(line or self.number, message)

    def skip_blank(self):
        while self.peek() is not None and self.peek().strip() == "":
            self.index += 1

    def next_block(self):
        """Skip blank lines and return the next line, or None at the end."""
        self.skip_blank()
        return self.peek()

    def expect(self, expected, what):
        line = self.next_block()
        if line != expected:
            found = "the end of the file" if line is None else repr(line)
            raise self.error(f"expected {what} ({expected!r}), found {found}")
        self.take()

    def quote(self):
        """A block quote's text, or "" when the next block is not a quote."""
        if not (self.next_block() or "").startswith(">"):
            return ""
        text = []
        while (line := self.peek()) is not None and line.startswith(">"):
            text.append(line[2:] if line.startswith("> ") else line[1:])
            self.take()
        return "\n".join(text)

    def facts(self, allowed):
        """A run of ``- Key: value`` lines: {key: (line number, value)}."""
        found = {}
        self.skip_blank()
        while (line := self.peek()) is not None and line.startswith("- "):
            match = _FACT.match(line)
            if not match or match["key"] not in allowed:
                raise self.error(f"expected one of {', '.join(allowed)} as '- Key: value'")
            if match["key"] in found:
                raise self.error(f"{match['key']} is given twice")
            found[match["key"]] = (self.number, match["value"])
            self.take()
        return found

    def list_items(self, marker_pattern):
        """List items: [(line number, marker, text)], further lines unindented."""
        items = []
        self.skip_blank()
        while (line := self.peek()) is not None and (match := marker_pattern.match(line)):
            marker = match.group(0)
            indent = " " * len(marker)
            start = self.number
            text = [line[len(marker) :]]
            self.take()
            while (line := self.peek()) is not None:
                if line.startswith(indent):
                    text.append(line[len(indent) :])
                    self.take()
                elif line == "":
                    # A run of empty lines belongs to the item if an indented line follows
                    # it: looked up once for the whole run, so that parsing stays linear.
                    ahead = self._next_nonempty(self.index)
                    if ahead < len(self.lines) and self.lines[ahead].startswith(indent):
                        text += [""] * (ahead - self.index)
                        self.index = ahead
                    else:
                        break
                else:
                    break
            items.append((start, marker, "\n".join(text)))
        return items

    def _next_nonempty(self, index):
        ahead = index
        while ahead < len(self.lines) and self.lines[ahead] == "":
            ahead += 1
        return ahead


def _date(value, lines, line):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise lines.error(f"{value!r} is not a date", line) from None


def _required(facts, key, lines, line):
    if key not in facts:
        raise lines.error(f"the report does not give '- {key}: ...'", line)
    return facts[key]


def _parse_team_and_cycle(parsed, facts, lines):
    """``- Team: <name> (`<slug>`)`` and ``- Cycle: <name> (`<slug>`)``; a report from before
    teams gives ``- Project: <name>`` and perhaps ``- Cycle: <name>``, without slugs."""
    if "Team" in facts:
        line, value = facts["Team"]
        if not (team := _NAMED.match(value)):
            raise lines.error("expected '- Team: <name> (`<slug>`)'", line)
        parsed.team_name, parsed.team_slug = unescape_inline(team["name"]), team["slug"]
    elif "Project" in facts:
        parsed.team_name = unescape_inline(facts["Project"][1])
    else:
        raise lines.error("the report does not give '- Team: ...'", parsed.facts_line)
    if "Cycle" in facts:
        line, value = facts["Cycle"]
        if cycle := _NAMED.match(value):
            parsed.cycle_name, parsed.cycle_slug = unescape_inline(cycle["name"]), cycle["slug"]
        elif parsed.team_slug:
            raise lines.error("expected '- Cycle: <name> (`<slug>`)'", line)
        else:
            parsed.cycle_name = unescape_inline(value)


def _refuse_unprintable(lines):
    """Refuse a character no field may hold, naming its line: one scan of the whole text."""
    for number, line in enumerate(lines.lines, start=1):
        if match := UNPRINTABLE.search(line):
            raise ReportError(number, unprintable_message(match.group()))


def _parse_attendees(lines):
    """The rows of the attendees' table: [(line, name)]."""
    for head in ATTENDEES_TABLE.split("\n"):
        lines.expect(head, "the attendees' table")
    attendees = []
    while (line := lines.peek()) is not None and line.startswith("|"):
        if not (line.startswith("| ") and line.endswith(" |") and len(line) > 4):
            raise lines.error("expected an attendee's row '| <name> |'")
        attendees.append((lines.number, unescape_inline(line[2:-2])))
        lines.take()
    return attendees


def parse_report(text):
    """Parse a day report into a ``ParsedDay``; raise ``ReportError`` at the first problem."""
    if problem := size_problem(len(text.encode("utf-8", "surrogatepass"))):
        raise ReportError(1, problem)
    # A byte order mark (Windows editors write one) is no part of the title.
    lines = _Lines(text.removeprefix("\ufeff"))
    _refuse_unprintable(lines)
    parsed = ParsedDay()

    title = lines.next_block()
    match = _TITLE.match(title or "")
    if not match:
        raise lines.error("expected the title '# <meetup>: day <n>, <YYYY-MM-DD>'")
    title_line = lines.number
    lines.take()

    parsed.facts_line = lines.number + 1
    # "Page" (the day page's address) is derived from the day: read past, never imported.
    facts = lines.facts(
        ["Meetup", "Team", "Project", "Cycle", "Location", "Meetup dates", "Date", "Page"]
    )
    line, value = _required(facts, "Meetup", lines, parsed.facts_line)
    if not (meetup := _NAMED.match(value)):
        raise lines.error("expected '- Meetup: <name> (`<slug>`)'", line)
    parsed.meetup_name, parsed.meetup_slug = unescape_inline(meetup["name"]), meetup["slug"]
    _parse_team_and_cycle(parsed, facts, lines)
    parsed.location = unescape_inline(facts.get("Location", (0, ""))[1])
    line, value = _required(facts, "Meetup dates", lines, parsed.facts_line)
    if not (dates := _MEETUP_DATES.match(value)):
        raise lines.error("expected '- Meetup dates: <YYYY-MM-DD> to <YYYY-MM-DD>'", line)
    parsed.start_date = _date(dates["start"], lines, line)
    parsed.end_date = _date(dates["end"], lines, line)
    line, value = _required(facts, "Date", lines, parsed.facts_line)
    if not (day_date := _DAY_DATE.match(value)):
        raise lines.error("expected '- Date: <YYYY-MM-DD> (day <n>)'", line)
    parsed.date = _date(day_date["date"], lines, line)
    parsed.number = int(day_date["number"])
    if (int(match["number"]), match["date"]) != (parsed.number, day_date["date"]):
        raise lines.error("the title and the Date line name different days", title_line)

    lines.expect("## Summary", "the Summary section")
    if lines.next_block() == NO_SUMMARY:
        lines.take()
    else:
        parsed.summary = lines.quote()

    if lines.next_block() == ATTENDEES_HEADING:
        lines.take()
        parsed.attendees = _parse_attendees(lines)

    lines.expect("## Priority areas", "the Priority areas section")
    if lines.next_block() == NO_UPDATES:
        lines.take()
    while (lines.next_block() or "").startswith("|"):
        lines.take()
    while (line := lines.next_block()) is not None and line.startswith("### "):
        area = unescape_inline(line[4:])
        lines.take()
        if (lines.next_block() or "").startswith(CHANGE_PREFIX):
            lines.take()
        if not (lines.next_block() or "").startswith("#### "):
            raise lines.error(f"expected a '#### <session title>' update under {area!r}")
        while (line := lines.next_block()) is not None and line.startswith("#### "):
            parsed.updates.append(_parse_update(lines, area))

    lines.expect("## Sessions", "the Sessions section")
    if lines.next_block() == NO_SESSIONS:
        lines.take()
    while (line := lines.next_block()) is not None and line.startswith("### "):
        parsed.sessions.append(_parse_session(lines))

    if lines.next_block() is not None:
        raise lines.error(f"unexpected line {lines.peek()!r}")
    return parsed


def _parse_update(lines, area):
    update = ParsedUpdate(lines.number, area, unescape_inline(lines.take()[5:]))
    facts = lines.facts(["Status", "Headline", "Reported"])
    line, label = _required(facts, "Status", lines, update.line)
    if label not in STATUS_BY_LABEL:
        raise lines.error(
            f"unknown status {label!r}; use one of {', '.join(STATUS_BY_LABEL)}", line
        )
    update.status = STATUS_BY_LABEL[label]
    update.headline = unescape_inline(_required(facts, "Headline", lines, update.line)[1])
    line, value = _required(facts, "Reported", lines, update.line)
    if not (reported := _REPORTED.match(value)):
        raise lines.error("expected '- Reported: in person|in writing [by <name>]'", line)
    update.delivery = DELIVERY_BY_TEXT[reported["delivery"]]
    update.reported_by = unescape_inline(reported["by"] or "")
    update.body = lines.quote()
    return update


_DECISION_MARKER = re.compile(r"^- ")
_ACTION_MARKER = re.compile(r"^- \[[ xX]\] ")


def _parse_session(lines):
    session = ParsedSession(lines.number, unescape_inline(lines.take()[4:]))
    facts = lines.facts(["Kind", "When", "Facilitator"])
    line, label = _required(facts, "Kind", lines, session.line)
    if label not in KIND_BY_LABEL:
        raise lines.error(f"unknown session kind {label!r}", line)
    session.kind = KIND_BY_LABEL[label]
    if "When" in facts:
        line, value = facts["When"]
        for part in value.split(", "):
            if part in PART_BY_LABEL and not session.part_of_day:
                session.part_of_day = PART_BY_LABEL[part]
            elif _TIME.match(part) and session.start_time is None:
                try:
                    session.start_time = datetime.time.fromisoformat(part)
                except ValueError:
                    raise lines.error(f"{part!r} is not a time", line) from None
            else:
                raise lines.error("expected '- When: <Morning|Afternoon|Evening>, <HH:MM>'", line)
    session.facilitator = unescape_inline(facts.get("Facilitator", (0, ""))[1])
    session.notes = lines.quote()

    seen = set()
    while (line := lines.next_block()) is not None and line.startswith("#### "):
        kind = line[5:]
        if kind not in OUTCOME_SECTIONS or kind in seen:
            raise lines.error(f"expected one of '#### {', '.join(OUTCOME_SECTIONS)}' once each")
        seen.add(kind)
        lines.take()
        marker = _ACTION_MARKER if kind == "Action items" else _DECISION_MARKER
        items = lines.list_items(marker)
        if not items:
            raise lines.error(f"expected list items under '#### {kind}'")
        session.outcomes += [_parse_outcome(lines, kind, *item) for item in items]
    return session


def _parse_outcome(lines, kind, line, marker, text):
    outcome = ParsedOutcome(line, kind, text)
    if kind == "Action items":
        if not (match := _ACTION.match(text)):
            raise lines.error("expected '- [ ] **<owner>** [<priority area>]: <text>'", line)
        outcome.owner, outcome.text = unescape_inline(match["owner"]), match["text"]
        outcome.area = unescape_inline(match["area"]) if match["area"] else None
        outcome.done = marker[3] in "xX"
    elif text.startswith("\\"):
        outcome.text = text[1:]
    elif text.startswith("**"):
        if not (match := _AREA_PREFIX.match(text)):
            raise lines.error("expected '- **<priority area>:** <text>'", line)
        outcome.area, outcome.text = unescape_inline(match["area"]), match["text"]
    return outcome
