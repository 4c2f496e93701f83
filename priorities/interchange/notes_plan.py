"""Quick notes planned: the commands a meeting's items make (``irc_import.commands_of``), turned
into the records they describe, given the team's priority areas; nothing here touches the
database.

Looking a topic up among the areas costs the same however many areas there are.
"""

import bisect
import difflib
import re
from dataclasses import dataclass, field

from ..enums import Delivery
from ..models import ActionItem, Decision, PriorityArea, Risk
from .markdown import inline_text, link
from .notes_commands import Command, LineError

_TRAILING_PARENTHETICAL = re.compile(r"\s*\([^()]*\)\s*$")

#: How close a topic must be to an area's name to be taken for a typo of it.
CLOSE_MATCH_CUTOFF = 0.8
#: A topic is compared with at most twice this many names: those closest to it in length
#: that start with the same letter, and those closest in length whatever their first letter
#: (a ratio of 0.8 needs lengths within a ratio of 2/3 anyway). A typo is found among a
#: team's few dozen areas as before; with thousands, a topic still costs the same.
CLOSE_MATCH_CANDIDATES = 16
#: How many topics of one import are looked for among the areas' names: the notes of a
#: meeting have a few dozen topics; past this many, a topic naming no area is taken as a
#: general topic without the hint.
CLOSE_MATCH_LOOKUPS = 200
#: A topic this long at least may name an area by the start of its name or slug, or by one of
#: its words ("cells" finds "Cells v2"); a shorter one must be the whole name.
PARTIAL_MATCH_MIN_LENGTH = 3
#: How many areas an ambiguous topic's error names.
PARTIAL_MATCH_NAMED = 8
_WORD = re.compile(r"\w+")


@dataclass
class PlannedUpdate:
    line: int
    area: PriorityArea
    status: str
    headline: str
    body: str = ""
    delivery: str = Delivery.IN_PERSON
    reported_by: str = ""


@dataclass
class PlannedOutcome:
    line: int
    model: type
    text: str
    area: PriorityArea | None = None
    owner: str = ""
    topic: str = ""  # the general topic it comes under, when that names no priority area


@dataclass
class NotesPlan:
    """What the notes describe: the session's title and notes, its updates and outcomes."""

    title: str = ""
    title_line: int | None = None
    notes: str = ""
    updates: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)
    errors: list = field(default_factory=list)


@dataclass
class _Topic:
    line: int
    text: str
    area: PriorityArea | None
    items: list = field(default_factory=list)  # [Command] of #info and #link
    status: Command | None = None
    in_writing: Command | None = None
    reported_unknown: bool = False


def plan_notes(parsed, areas):
    """Turn ``parsed`` (``Command``s and ``LineError``s) into a ``NotesPlan``, given every
    priority area."""
    return _Planner(areas).plan(parsed)


class _Planner:
    def __init__(self, areas):
        areas = list(areas)
        self.by_name = {}
        self.stripped = {}
        for area in areas:
            self.by_name[area.name.lower()] = area
            self.by_name[area.slug.lower()] = area
            short = _short_name(area)
            self.stripped.setdefault(short, []).append(area)
        self.names = {area.name.lower(): area.name for area in areas}
        self.names.update({area.slug.lower(): area.name for area in areas})
        self.names.update({short: found[0].name for short, found in self.stripped.items()})
        self.by_length = _ByLength(self.names)
        by_letter = {}
        for name in self.names:
            by_letter.setdefault(name[:1], []).append(name)
        self.by_letter = {letter: _ByLength(names) for letter, names in by_letter.items()}
        self.lookups_left = CLOSE_MATCH_LOOKUPS
        # Partial names: every name, slug and short name sorted (a prefix is a range of
        # them, found by bisection), and every word of a name (a dictionary).
        self.by_key = {}
        for area in areas:
            for key in (area.name.lower(), area.slug.lower(), _short_name(area)):
                self.by_key.setdefault(key, {})[area.pk] = area
        self.sorted_keys = sorted(self.by_key)
        self.by_word = {}
        for area in areas:
            for word in _WORD.findall(area.name.lower()):
                if len(word) >= PARTIAL_MATCH_MIN_LENGTH:
                    self.by_word.setdefault(word, {})[area.pk] = area

    def plan(self, parsed):
        self.result = NotesPlan()
        self.topic = None
        self.loose = []  # #info and #link before any topic
        self.sections = []  # (heading, [Command])
        self.status_lines = {}  # area pk -> line of its #status
        for item in parsed:
            if isinstance(item, LineError):
                self.result.errors.append(item)
            else:
                getattr(self, f"on_{item.name}")(item)
        self.close_topic()
        self.result.notes = _notes_text(self.loose, self.sections)
        return self.result

    def error(self, line, message):
        self.result.errors.append(LineError(line, message))

    def find_area(self, text):
        key = text.lower()
        if key in self.by_name:
            return self.by_name[key], None
        found = self.stripped.get(key, [])
        if len(found) == 1:
            return found[0], None
        if len(found) > 1:
            names = " or ".join(f'"{area.name}"' for area in found)
            return None, f'"{text}" could be any of {names}: use the full name'
        if len(key) >= PARTIAL_MATCH_MIN_LENGTH:
            found = self.partial_matches(key)
            if len(found) == 1:
                return found[0], None
            if len(found) > 1:
                names = ", ".join(f'"{area.name}"' for area in found[:PARTIAL_MATCH_NAMED])
                more = len(found) - PARTIAL_MATCH_NAMED
                if more > 0:
                    names += f" and {more} more"
                return None, f'"{text}" could be any of {names}: use more of the name'
        if self.lookups_left <= 0:
            return None, None
        self.lookups_left -= 1
        close = difflib.get_close_matches(key, self.candidates(key), n=1, cutoff=CLOSE_MATCH_CUTOFF)
        if close:
            return None, f'unknown priority area "{text}" (did you mean "{self.names[close[0]]}"?)'
        return None, None

    def partial_matches(self, key):
        """The areas whose name or slug starts with ``key`` or has it as a word, by name;
        at most one more than the error names: found in time logarithmic in the areas."""
        found = dict(self.by_word.get(key, {}))
        at = bisect.bisect_left(self.sorted_keys, key)
        keys = self.sorted_keys
        while at < len(keys) and keys[at].startswith(key) and len(found) <= PARTIAL_MATCH_NAMED:
            found.update(self.by_key[keys[at]])
            at += 1
        return sorted(found.values(), key=lambda area: area.name.lower())

    def candidates(self, key):
        """The names worth comparing with ``key``: a bounded number, see above."""
        same_letter = self.by_letter.get(key[:1])
        found = same_letter.closest(key) if same_letter else []
        return dict.fromkeys([*found, *self.by_length.closest(key)])

    def on_startmeeting(self, command):
        self.result.title_line = command.line
        self.result.title = command.text

    def on_topic(self, command):
        self.close_topic()
        area, problem = self.find_area(command.text)
        if problem:
            self.error(command.line, problem)
        self.topic = _Topic(command.line, command.text, area, reported_unknown=bool(problem))

    def area_topic(self, command):
        """The current topic when it names a priority area; else report why it does not."""
        topic = self.topic
        if topic is None:
            self.error(
                command.line,
                f"#{command.name} needs a #topic naming a priority area before it",
            )
            return None
        if topic.area is None:
            if not topic.reported_unknown:
                self.error(topic.line, f'unknown priority area "{topic.text}"')
                topic.reported_unknown = True
            return None
        return topic

    def on_status(self, command):
        if (topic := self.area_topic(command)) is None:
            return
        first = self.status_lines.get(topic.area.pk)
        if first is not None:
            self.error(
                command.line,
                f'a second #status for "{topic.area.name}" (the first is on line {first}): '
                "a session holds one update per priority area",
            )
            return
        self.status_lines[topic.area.pk] = command.line
        topic.status = command

    def on_inwriting(self, command):
        if (topic := self.area_topic(command)) is None:
            return
        if topic.in_writing is not None:
            self.error(
                command.line, f"a second #inwriting (the first is on line {topic.in_writing.line})"
            )
            return
        topic.in_writing = command

    def on_info(self, command):
        (self.topic.items if self.topic else self.loose).append(command)

    on_link = on_info

    def on_agreed(self, command):
        self.add_outcome(command, Decision)

    def on_action(self, command):
        self.add_outcome(command, ActionItem, owner=command.owner)

    def on_risk(self, command):
        self.add_outcome(command, Risk)

    def add_outcome(self, command, model, **values):
        area = self.topic.area if self.topic else None
        topic = self.topic.text if self.topic and area is None else ""
        self.result.outcomes.append(
            PlannedOutcome(command.line, model, command.text, area, topic=topic, **values)
        )

    def close_topic(self):
        topic, self.topic = self.topic, None
        if topic is None:
            return
        if topic.status is None:
            if topic.in_writing is not None:
                self.error(
                    topic.in_writing.line,
                    f'#inwriting needs a #status for "{topic.area.name}" under the same #topic',
                )
            if topic.items:
                self.sections.append((topic.text, topic.items))
            return
        items = list(topic.items)
        headline = topic.status.text
        if not headline:
            first_info = next((item for item in items if item.name == "info"), None)
            if first_info is None:
                self.error(
                    topic.status.line,
                    f'the #status of "{topic.area.name}" needs a headline: write it after the '
                    "status, or as an #info line under the #topic",
                )
                return
            headline = first_info.text
            items.remove(first_info)
        update = PlannedUpdate(
            topic.status.line,
            topic.area,
            topic.status.status,
            headline,
            body=_bullets(items),
        )
        if topic.in_writing is not None:
            update.delivery = Delivery.IN_WRITING
            update.reported_by = topic.in_writing.text
        self.result.updates.append(update)


def _short_name(area):
    """The area's name without a trailing parenthetical: "API v2.1" for "API v2.1 (...)"."""
    return _TRAILING_PARENTHETICAL.sub("", area.name).lower()


class _ByLength:
    """Names sorted by length, to find those closest in length to a word."""

    def __init__(self, names):
        self.names = sorted(names, key=len)
        self.lengths = [len(name) for name in self.names]

    def closest(self, word, count=CLOSE_MATCH_CANDIDATES):
        start = max(0, bisect.bisect_left(self.lengths, len(word)) - count // 2)
        return self.names[start : start + count]


def _bullets(items):
    return "\n".join(f"- {_item_markdown(item)}" for item in items)


def _item_markdown(item):
    if item.name != "link":
        return item.text  # editors' Markdown, kept as typed
    return link(item.url, item.text)


def _notes_text(loose, sections):
    blocks = []
    if loose:
        blocks.append(_bullets(loose))
    for heading, items in sections:
        blocks.append(f"#### {inline_text(heading)}\n\n{_bullets(items)}")
    return "\n\n".join(blocks)
