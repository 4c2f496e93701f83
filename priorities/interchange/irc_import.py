"""IRC meeting logs and hand-typed notes as quick notes: what ``irc_logs`` read, as the
commands the notes' planner takes; for a log, also the session's transcript, who spoke and who
was there.

``read_pasted`` reads either (``irc_formats`` detects the format of the whole text), with the
people's IRC nicks as the nicks actions may name. ``commands_of`` turns a meeting's items into
``Command``s for ``plan_notes``, the same for both: one action item per owner (``Unassigned``
when a log's ``#action`` names nobody), a vote as a decision with its tally, ``#rejected`` as
a decision marked so, ``#idea`` and ``#help`` as points. A log becomes a ``LogImport``, which
adds its transcript as unsaved ``TranscriptLine``s and its speakers matched to people by IRC
nick; hand-typed notes have neither, nor times. ``quick_notes`` saves all of it in one transaction.

Importing a log again adds nothing: a line whose (time, nick, text) the session's transcript
already holds is not added again, nor is any item said on it. A log whose first line a session
of the day already holds goes into that session (``imported_into``), so a second import of the
same log, or a longer copy of it, only adds what is new.
"""

import bisect
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.db.models.functions import Lower

from meetup.pagecache.signals import bump_content_version_after_commit

from ..enums import LineKind
from ..models import Attendance, Person, TranscriptLine
from ..page_scopes import touched_by
from .importing import validation_messages
from .irc_formats import NOTES
from .irc_logs import DEFAULT_BOT_NICKS, read_log
from .irc_nicks import nick_key
from .notes_commands import Command, LineError, notes_size_problem, parse_status

#: The owner of an ``#action`` that names nobody (an action item needs an owner).
UNASSIGNED = "Unassigned"
#: How ``#idea`` and ``#help`` lines read among the points, as MeetBot's minutes label them.
POINT_LABELS = {"idea": "Idea: ", "help": "Help wanted: "}
LEFT_OUT_LABELS = {
    "before the meeting": "lines before #startmeeting",
    "after the meeting": "lines after #endmeeting",
    "bot": "lines of the bot",
    "system": "joins, parts, nick and topic changes",
}


def bot_nicks():
    """The nicks whose lines are a bot's, not the meeting's: ``settings.IRC_BOT_NICKS``, else
    the usual MeetBot bots."""
    return frozenset(getattr(settings, "IRC_BOT_NICKS", None) or DEFAULT_BOT_NICKS)


def read_pasted(text):
    """``(meeting, errors)``: the ``Meeting`` a pasted text records, and its problems
    ([LineError]). ``meeting`` is None when nothing can be made of the text: a log with
    problems, or notes over ``MAX_NOTES_BYTES``. Hand-typed notes come with their problems,
    line by line, to be told together with what planning them finds."""
    known = Person.objects.exclude(irc_nick="").values_list("irc_nick", flat=True)
    meeting = read_log(text, bot_nicks=bot_nicks(), known_nicks=list(known))
    errors = [LineError(line, message) for line, message in meeting.errors]
    if meeting.format == NOTES:
        if problem := notes_size_problem(len(text.encode("utf-8", "surrogatepass"))):
            return None, [LineError(None, problem)]
        return meeting, errors
    return (None, errors) if errors else (meeting, [])


def commands_of(meeting, *, titled=True, said_before=frozenset()):
    """The meeting's items as quick notes' commands, its title first (with ``titled``), but
    the items said on the lines ``said_before`` (topics stay: what follows them needs their
    area)."""
    commands = []
    if meeting.title and titled:
        commands.append(Command(meeting.title_line, "startmeeting", meeting.title))
    for item in meeting.items:
        if item.command != "topic" and item.line in said_before:
            continue
        commands.extend(_commands_of(item))
    return commands


@dataclass
class Speaker:
    """Someone the log shows in the meeting: their nick, lines said, and person if known."""

    nick: str
    lines: int
    person: Person | None = None

    def __str__(self):
        name = f"{self.nick} ({self.person.name})" if self.person else self.nick
        return f"{name}: {self.lines} line{'s' if self.lines != 1 else ''}"


@dataclass
class Section:
    """One topic of the preview: its heading, and the changes made from the lines under it."""

    line: int | None
    time: object
    title: str
    entries: list = field(default_factory=list)  # [(time or None, Change)]


class LogImport:
    """A log on its way into a session: what it adds there, given the lines already in it."""

    def __init__(self, meeting):
        self.meeting = meeting
        self.times = {line.number: line.time for line in meeting.transcript}
        self.people = _people_by_nick(
            {line.nick for line in meeting.transcript} | {*meeting.present}
        )
        self.into_existing = None  # the session that already held the log, if one did
        self.existing = Counter()
        self.last_position = 0
        self.already = set()  # line numbers already in the session's transcript
        self.new_lines = {}  # line number -> unsaved TranscriptLine
        self.attendance = []

    def imported_into(self, day):
        """The session of ``day`` whose transcript already holds the log's first line."""
        first = self.meeting.transcript[0]
        found = TranscriptLine.objects.filter(
            session__day=day, time=first.time, nick=first.nick, text=first.text
        ).select_related("session")
        line = found.order_by("session__order", "session_id").first()
        self.into_existing = line.session if line else None
        return self.into_existing

    def transcript(self, session, *, appending):
        """The log's lines that ``session`` does not hold yet, as unsaved lines after its own."""
        if appending:
            self.existing = Counter(TranscriptLine.objects.filter(session=session).keys())
            last = TranscriptLine.objects.filter(session=session).aggregate(last=Max("position"))
            self.last_position = last["last"] or 0
        left = Counter(self.existing)
        position = self.last_position
        for line in self.meeting.transcript:
            key = (line.time, line.nick, line.text)
            if left[key] > 0:
                left[key] -= 1
                self.already.add(line.number)
                continue
            position += 1
            self.new_lines[line.number] = TranscriptLine(
                session=session,
                position=position,
                time=line.time,
                nick=line.nick,
                kind=LineKind.ACTION if line.kind == "action" else LineKind.MESSAGE,
                text=line.text,
                person=self.people.get(nick_key(line.nick)),
            )
        return list(self.new_lines.values())

    def commands(self, *, appending):
        """``commands_of`` the log, but what the session already holds: the lines it has, and
        when appending its title (a log pasted in parts gives the session its name once)."""
        return commands_of(self.meeting, titled=not appending, said_before=self.already)

    def line_of(self, number):
        """The new transcript line of the log's line ``number``, or None."""
        return self.new_lines.get(number)

    def line_problems(self):
        """[LineError]: the new lines the transcript's field rules refuse."""
        problems = []
        for number, line in self.new_lines.items():
            if problem := _field_problem(line):
                problems.append(LineError(number, f"transcript line: {problem}"))
        return problems

    # -- What the preview tells ---------------------------------------------------------

    @property
    def speakers(self):
        return [
            Speaker(nick, count, self.people.get(nick_key(nick)))
            for nick, count in self.meeting.speakers.most_common()
        ]

    @property
    def present(self):
        """Everyone present (speakers, ``#here``, ``#nick``), in order of appearance."""
        counts = self.meeting.speakers
        return [
            Speaker(nick, counts[nick], self.people.get(nick_key(nick)))
            for nick in self.meeting.present
        ]

    @property
    def unmatched(self):
        return [speaker.nick for speaker in self.present if speaker.person is None]

    @property
    def left_out(self):
        """[(what, how many)]: lines kept out of the transcript, and commands out of the
        minutes (a chair's command said by someone else, an undone item...)."""
        return [
            (_counted(LEFT_OUT_LABELS.get(reason, reason), count), count)
            for reason, count in sorted(self.meeting.left_out.items(), key=lambda kv: -kv[1])
        ]

    def sections(self, changes):
        """The changes grouped under the topic whose lines they come from, each with the
        time of its line; changes of no line (the session, the transcript) come first."""
        topics = [item for item in self.meeting.items if item.command == "topic"]
        sections = [Section(None, None, "The session")]
        sections += [Section(item.line, item.time, item.text) for item in topics]
        starts = [item.line for item in topics]
        for change in changes:
            if change.line is None:
                sections[0].entries.append((None, change))
                continue
            at = bisect.bisect_right(starts, change.line)
            sections[at].entries.append((self.times.get(change.line), change))
        return [section for section in sections if section.entries or section.line]

    # -- Attendance ---------------------------------------------------------------------

    def attendance_marks(self, day):
        """One ``AttendanceMark`` a person present in the meeting and not yet ticked present
        on ``day``. Two queries."""
        people = {}
        for speaker in self.present:
            if speaker.person is not None:
                people.setdefault(speaker.person.pk, speaker.person)
        if not people:
            return []
        records = {
            attendance.person_id: attendance
            for attendance in Attendance.objects.filter(meetup=day.meetup_id, person__in=people)
        }
        ticked = set(
            Attendance.days.through.objects.filter(
                day=day, attendance__person__in=people
            ).values_list("attendance__person_id", flat=True)
        )
        self.attendance = [
            AttendanceMark(day, person, records.get(pk))
            for pk, person in sorted(people.items(), key=lambda item: item[1].name.lower())
            if pk not in ticked
        ]
        return self.attendance


class AttendanceMark:
    """Someone ticked present on a day: their attendance of the meetup made or changed."""

    def __init__(self, day, person, attendance=None):
        self.day, self.person, self.attendance = day, person, attendance
        self.pk = attendance.pk if attendance else None
        self.action = "change" if attendance else "add"
        self.label = f"attendance of {person.name} on day {day.number}"

    def full_clean(self):
        """Nothing to check: the meetup, day and person exist, and the signal that guards
        attendance (``priorities.signals``) checks the day's meetup when it is added."""

    def save(self):
        attendance = self.attendance or Attendance.objects.create(
            meetup_id=self.day.meetup_id, person=self.person
        )
        attendance.days.add(self.day)


class TranscriptBatch:
    """A log's new transcript lines, saved at once after their session."""

    def __init__(self, lines):
        self.lines = lines
        self.pk = None

    def full_clean(self):
        """Checked line by line before (``LogImport.line_problems``), with each line named."""

    def save(self):
        # bulk_create reads each line's session key from its (now saved) session; it sends
        # no post_save, so the pages that show the lines are told here.
        TranscriptLine.objects.bulk_create(self.lines)
        bump_content_version_after_commit(
            *{mark for line in self.lines for mark in touched_by(line, created=True)}
        )


def _commands_of(item):
    line = item.line
    if item.command in ("topic", "info", "agreed", "risk", "inwriting"):
        return [Command(line, item.command, item.text)]
    if item.command in POINT_LABELS:
        return [Command(line, "info", f"{POINT_LABELS[item.command]}{item.text}")]
    if item.command == "link":
        return [Command(line, "link", item.text, url=item.url)]
    if item.command == "rejected":
        return [Command(line, "agreed", f"Rejected: {item.text}")]
    if item.command == "vote":
        tally = ", ".join(f"{option} {count}" for option, count in item.tally)
        return [Command(line, "agreed", f"Vote: {item.text} {tally}")]
    if item.command == "action":
        return [
            Command(line, "action", item.text, owner=owner) for owner in item.owners or [UNASSIGNED]
        ]
    if item.command == "status":
        return [parse_status(line, item.text)]
    raise ValueError(f"unknown item {item.command!r}")  # irc_meeting makes no other


def _counted(label, count):
    """A label of lines for ``count`` of them: "1 line before #startmeeting", "2 lines..."."""
    return label.replace("lines", "line", 1) if count == 1 else label


def _people_by_nick(nicks):
    """{nick key: Person} for the nicks that people have. One query."""
    keys = {nick_key(nick) for nick in nicks if nick}
    if not keys:
        return {}
    found = Person.objects.annotate(nick=Lower("irc_nick")).filter(nick__in=keys)
    return {nick_key(person.irc_nick): person for person in found}


def _field_problem(line):
    try:
        line.clean_fields(exclude=["session", "person"])
    except ValidationError as error:
        return validation_messages(error)
    return ""
