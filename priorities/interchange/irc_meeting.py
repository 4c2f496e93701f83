"""MeetBot's rules: the lines of a meeting become its minutes, read once, in order.

What the rules are, and which manual each follows, is told in ``irc_logs``, the entry point;
the commands, and who may say each, are ``irc_commands``.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from ..validators import line_problem
from .irc_commands import (
    CHAIR_COMMANDS,
    COMMAND_LIST,
    CONTROL_COMMANDS,
    ITEM_COMMANDS,
    ITEMS_WITHOUT_TEXT,
    KNOWN_COMMANDS,
)
from .irc_formats import NOTES, LogLine
from .irc_nicks import display_nick, nick_key, split_nicks, split_owners


@dataclass(frozen=True)
class Item:
    """One thing for the minutes. ``command`` is normalised: "topic", "info", "idea", "link",
    "help", "agreed", "rejected", "action", "status", "risk", "inwriting" or "vote"."""

    line: int
    time: datetime.time | None
    nick: str  # who said it ("" in hand-typed notes)
    command: str
    text: str  # the text after the command (for "action": the task, owners removed)
    owners: tuple[str, ...] = ()  # "action": the nicks/names it names, in order
    url: str = ""  # "link": the http(s) URL
    tally: tuple[tuple[str, int], ...] = ()  # "vote": (option, count); text is the question


@dataclass
class Meeting:
    """What a log or notes hold: the session's facts, its items, and the problems found."""

    format: str  # one of irc_formats.FORMATS' names, "notes", or "" when unreadable
    title: str = ""
    title_line: int | None = None
    start_time: datetime.time | None = None
    end_time: datetime.time | None = None
    chairs: list[str] = field(default_factory=list)
    transcript: list[LogLine] = field(default_factory=list)  # none in hand-typed notes
    items: list[Item] = field(default_factory=list)
    speakers: Counter = field(default_factory=Counter)
    present: list[str] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)
    errors: list[tuple[int | None, str]] = field(default_factory=list)


def read_meeting(log_format, lines, *, bot_nicks, known_nicks):
    """The ``Meeting`` that ``lines`` (``LogLine``s of ``log_format``, in order) record."""
    return _MeetingReader(log_format, bot_nicks, known_nicks).read(lines)


_COMMAND = re.compile(r"#(?P<name>[A-Za-z][A-Za-z_]*+)(?:[:?]|(?=\s)|$)\s*(?P<rest>.*)")
_BARE_URL = re.compile(r"https?://\S", re.IGNORECASE)
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_VOTE_OPTION_SEPARATOR = re.compile(r"[^\w+-]+")  # MeetBot's choicesSplit_RE
DEFAULT_VOTE_OPTIONS = ("Yes", "No")


@dataclass
class _Vote:
    line: LogLine  # its #startvote
    question: str
    options: tuple[str, ...]
    ballots: dict = field(default_factory=dict)  # voter -> index of the option


class _MeetingReader:
    """The meeting's state while its lines are read, one at a time, once."""

    def __init__(self, log_format, bot_nicks, known_nicks):
        self.meeting = Meeting(format=log_format)
        self.notes = log_format == NOTES
        self.bots = {nick_key(nick) for nick in bot_nicks}
        self.known_nicks = known_nicks
        self.names = {}  # nick key -> the nick as first seen, undecorated
        self.present = set()  # nick keys
        self.chairs = {}  # nick key -> nick
        self.aliases = {}  # #here alias key -> nick key
        self.owner = None
        self.started_at = None
        self.ended_at = None
        self.reported_after_end = False
        self.vote = None

    def read(self, lines):
        for line in lines:
            if self.notes:
                self.read_note(line)
            else:
                self.read_logged(line)
        self.finish()
        return self.meeting

    def read_logged(self, line):
        left_out = self.meeting.left_out
        is_bot = line.kind != "system" and nick_key(line.nick) in self.bots
        if self.ended_at is not None:
            left_out["after the meeting"] += 1
        elif self.started_at is None and not (
            line.kind == "message" and not is_bot and _command_name(line.text) == "startmeeting"
        ):
            left_out["before the meeting"] += 1
        elif line.kind == "system":
            left_out["system"] += 1
        elif is_bot:
            left_out["bot"] += 1
        elif self.visible(line):
            self.meeting.transcript.append(line)
            self.meeting.speakers[self.see(line.nick)] += 1
            if line.kind == "message":
                self.obey(line)

    def read_note(self, line):
        if self.ended_at is not None:
            if not self.reported_after_end:
                self.error(
                    line,
                    f"text after #endmeeting (line {self.ended_at}): remove it, or move "
                    "#endmeeting to the end",
                )
                self.reported_after_end = True
            return
        if self.visible(line):
            self.obey(line)

    def visible(self, line):
        """Whether ``line`` passes the rules of one-line fields; if not, it is an error."""
        if problem := line_problem(line.text):
            self.error(line, problem)
            return False
        return True

    def error(self, line, message):
        self.meeting.errors.append((line.number, message))

    def skip(self, reason):
        self.meeting.left_out[reason] += 1

    def refuse(self, line, reason, message):
        """A command that does nothing: counted as ``reason`` in a log (MeetBot ignores it), an
        error saying ``message`` in hand-typed notes, where nothing typed is dropped unseen."""
        if self.notes:
            self.error(line, message)
        else:
            self.skip(reason)

    def name(self, nick):
        """The nick as the meeting shows it, remembered for owners."""
        return self.names.setdefault(nick_key(nick), display_nick(nick))

    def see(self, nick):
        """``name``, and the nick is present."""
        name = self.name(nick)
        if nick_key(nick) not in self.present:
            self.present.add(nick_key(nick))
            self.meeting.present.append(name)
        return name

    def is_chair(self, line):
        return self.notes or nick_key(line.nick) in self.chairs

    def obey(self, line):
        command = _COMMAND.match(line.text)
        if command is None:
            if _BARE_URL.match(line.text) and self.is_chair(line):
                self.add_link(line, line.text)
            elif self.notes:
                self.add(line, "info", line.text)
            return
        name, rest = command["name"].lower(), command["rest"].strip()
        if name not in KNOWN_COMMANDS:
            self.refuse(
                line,
                "unknown command",
                f"unknown command #{command['name']} (use one of {COMMAND_LIST})",
            )
        elif name in CHAIR_COMMANDS and not self.is_chair(line):
            self.skip("not a chair")
        elif name in ITEM_COMMANDS:
            if rest or name in ITEMS_WITHOUT_TEXT:
                self.on_item(line, name, rest)
            else:
                self.refuse(line, "empty command", f"#{name} needs a text after it")
        elif name in CONTROL_COMMANDS:
            getattr(self, f"on_{name}")(line, rest)

    def add(self, line, command, text, **values):
        nick = self.name(line.nick) if line.nick else ""
        self.meeting.items.append(Item(line.number, line.time, nick, command, text, **values))

    def add_link(self, line, text):
        found = _URL.search(text)
        if found is None:
            self.error(line, "#link needs an http:// or https:// URL (or use #info)")
            return
        url = found.group().rstrip(".,;:!?")
        if url.endswith(")") and "(" not in url:
            url = url[:-1]
        before, after = text[: found.start()], text[found.start() + len(url) :]
        described = f"{before.strip()} {after.lstrip('.,;:!?').strip()}".strip()
        self.add(line, "link", described, url=url)

    def on_item(self, line, name, rest):
        command = ITEM_COMMANDS[name]
        if command == "link":
            self.add_link(line, rest)
        else:
            self.add(line, command, rest)

    def on_startmeeting(self, line, rest):
        meeting = self.meeting
        if self.started_at is not None:
            self.refuse(
                line,
                "meeting already started",
                f"a second #startmeeting (the first is on line {self.started_at})",
            )
            return
        self.started_at = line.number
        meeting.start_time = line.time
        if rest:
            meeting.title, meeting.title_line = rest, line.number
        if not self.notes:
            self.owner = nick_key(line.nick)
            self.chairs[self.owner] = self.name(line.nick)

    def on_endmeeting(self, line, rest):
        self.ended_at = line.number
        self.meeting.end_time = line.time

    def on_meetingname(self, line, rest):
        if rest:
            self.meeting.title, self.meeting.title_line = rest, line.number
        else:
            self.refuse(line, "empty command", "#meetingname needs a title after it")

    def on_chair(self, line, rest):
        for nick in split_nicks(rest):
            self.chairs.setdefault(nick_key(nick), self.name(nick))

    def on_unchair(self, line, rest):
        for nick in split_nicks(rest):
            if nick_key(nick) != self.owner:
                self.chairs.pop(nick_key(nick), None)

    def on_nick(self, line, rest):
        nicks = split_nicks(rest)
        if not nicks:
            self.refuse(line, "empty command", "#nick and #here need the nicks after them")
        for nick in nicks:
            self.see(nick)

    def on_here(self, line, rest):
        if self.notes:  # nobody speaks in typed notes: #here names who is there, as #nick
            self.on_nick(line, rest)
            return
        self.see(line.nick)
        if rest and len(rest.split()) == 1 and nick_key(rest) != nick_key(line.nick):
            self.aliases[nick_key(rest)] = nick_key(line.nick)

    def on_undo(self, line, rest):
        if self.meeting.items:
            self.meeting.items.pop()
            self.skip("undone")
        else:
            self.refuse(line, "nothing to undo", "#undo with nothing before it to undo")

    def on_startvote(self, line, rest):
        if self.vote is not None:
            self.refuse(
                line, "vote already open", "a #startvote while a vote is open: #endvote it first"
            )
            return
        question, mark, choices = rest.rpartition("?")
        if not mark or not question.strip():
            self.refuse(
                line,
                "vote without a question",
                '#startvote needs a question ending in "?", then the options',
            )
            return
        options = tuple(option for option in _VOTE_OPTION_SEPARATOR.split(choices) if option)
        self.vote = _Vote(line, f"{question.strip()}?", options or DEFAULT_VOTE_OPTIONS)

    def on_vote(self, line, rest):
        if self.vote is None:
            self.refuse(line, "no vote open", "#vote with no vote open (#startvote opens one)")
            return
        choices = [option.lower() for option in self.vote.options]
        if rest.lower() not in choices:
            options = ", ".join(self.vote.options)
            self.refuse(
                line, "not a vote option", f'"{rest}" is not an option of the vote ({options})'
            )
            return
        # In notes no line says who votes: each #vote line is one vote.
        voter = line.number if self.notes else nick_key(line.nick)
        self.vote.ballots[voter] = choices.index(rest.lower())

    def on_endvote(self, line, rest):
        vote, self.vote = self.vote, None
        if vote is None:
            self.refuse(line, "no vote open", "#endvote with no vote open")
            return
        counts = Counter(vote.ballots.values())
        tally = tuple((option, counts[index]) for index, option in enumerate(vote.options))
        self.add(line, "vote", vote.question, tally=tally)

    def finish(self):
        meeting = self.meeting
        if not self.notes and self.started_at is None:
            meeting.errors.append(
                (
                    None,
                    "no #startmeeting in the log: the meeting's lines cannot be told from the "
                    "chat around them (add the line, or paste from #startmeeting on)",
                )
            )
        if self.vote is not None:
            self.refuse(self.vote.line, "vote not closed", "a #startvote without its #endvote")
        known = dict(self.names)
        for nick in self.known_nicks:
            known.setdefault(nick_key(nick), nick)
        for alias, key in self.aliases.items():
            known.setdefault(alias, self.names[key])
        meeting.items = [
            owned for item in meeting.items if (owned := self.with_owners(item, known))
        ]
        meeting.chairs = list(self.chairs.values())
        meeting.errors.sort(key=lambda error: error[0] or 0)

    def with_owners(self, item, known):
        """An ``#action`` with its owners (``irc_nicks``), known once every line is read, as
        MeetBot writes its minutes; None for one of typed notes without an owner or a task."""
        if item.command != "action":
            return item
        owners, task = split_owners(item.text, known, typed=self.notes)
        if self.notes and not (owners and task):
            self.meeting.errors.append((item.line, "#action needs an owner and a text after it"))
            return None
        return replace(item, owners=owners, text=task)


def _command_name(text):
    command = _COMMAND.match(text)
    return command["name"].lower() if command else None
