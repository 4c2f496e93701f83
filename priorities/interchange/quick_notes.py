"""Quick notes, MeetBot style: lines typed in a meeting's IRC channel or pad, or its pasted
IRC log, become a session.

``irc_import.read_pasted`` reads the text, hand-typed notes or a log, with one vocabulary
(``irc_commands``) and MeetBot's rules (``irc_logs``); ``commands_of`` turns the meeting's items
into commands, the same for both; ``plan_notes`` (``notes_plan``) turns those commands into the
records they describe, given the priority areas; ``import_notes`` creates them in a new session
of a day, or adds them to one of its sessions, in one transaction. Every problem is reported
with its (1-based) line, all of them at once, and with any problem nothing is written. A dry
run does the same work and rolls it back, so it also catches what the database refuses.

A log also gives the session its times and transcript (``LogImport``); hand-typed notes have
neither.

Work is bounded: a text larger than ``irc_logs.MAX_LOG_BYTES`` is refused before it is read,
and hand-typed notes larger than ``MAX_NOTES_BYTES`` before they are planned.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Max, Q
from django.utils.text import Truncator

from ..enums import Delivery, SessionKind
from ..models import (
    ActionItem,
    Attendance,
    Person,
    PriorityArea,
    Session,
    StatusUpdate,
    TranscriptLine,
)
from ..models.locking import lock_day
from .importing import Change, ImportResult, apply, row_problem, save_row
from .irc_formats import NOTES
from .irc_import import LogImport, TranscriptBatch, commands_of, read_pasted
from .notes_commands import DEFAULT_TITLE, LineError, NotesError
from .notes_plan import plan_notes

__all__ = ["count_changes", "import_meeting", "import_notes", "plan_notes"]


def import_notes(day, text, **options):
    """The list of ``Change`` that ``import_meeting`` makes (its options are this one's)."""
    return import_meeting(day, text, **options).changes


def import_meeting(
    day,
    text,
    *,
    session_title=None,
    into=None,
    user=None,
    dry_run=False,
    expected_digest=None,
    attendance=False,
):
    """Create a session of ``day`` with what ``text`` holds, in one transaction; or, given
    ``into`` (one of the day's sessions), add it to that session (``_Appending``).

    ``text`` is hand-typed notes or an IRC meeting log (``irc_import``): a log also gives the
    session its times and transcript, links each record to its line, goes into the session that
    already holds it when one does, and, with ``attendance``, ticks the people it shows present
    on the day.

    Returns the ``ImportResult``: its ``changes`` in the text's line order (with ``dry_run``,
    rolled back; with ``expected_digest``, see ``importing.apply``), and its ``log``. Raises
    ``NotesError`` with every problem found; then nothing is written.
    """
    meeting, read_errors = read_pasted(text)
    if meeting is None:
        raise NotesError(read_errors)
    log = None
    if meeting.format == NOTES:
        parsed = commands_of(meeting)
    else:
        log = LogImport(meeting)
        into = into or log.imported_into(day)
        if into is not None:
            log.transcript(into, appending=True)
        parsed = log.commands(appending=into is not None)
    # A "#topic Bugs" finds the meetup's team's Bugs, never another team's.
    plan = plan_notes(parsed, PriorityArea.objects.filter(team=day.meetup.team_id))
    if into is not None:
        target = _Appending(day, plan, into)
    else:
        target = _NewSession(day, plan, session_title)
    if log is not None:
        target.set_times(meeting.start_time, meeting.end_time)
    rows = [*target.session_rows()]
    if log is not None:
        rows += _transcript_rows(log, target.session, appending=into is not None)
    children = []
    for update in plan.updates:
        children.append(target.update_row(update, user))
    owners = _owner_names({outcome.owner for outcome in plan.outcomes if outcome.owner})
    positions = Counter(target.last_positions())
    for outcome in plan.outcomes:
        positions[outcome.model] += 1
        children.append(_outcome_row(target.session, outcome, positions[outcome.model], owners))
    if log is not None:
        for row in children:
            if (line := log.line_of(row.line)) is not None:
                row.obj.transcript_line = line
                if row.action == "change":
                    row.fields = [*row.fields, "transcript_line"]
    # Listed, and so previewed, in the order of the lines they come from.
    rows += sorted(children, key=lambda row: row.line)
    if log is not None and attendance:
        rows += [
            _Row(mark, None, mark.label, action=mark.action, model=Attendance)
            for mark in log.attendance_marks(day)
        ]

    errors = [*read_errors, *plan.errors, *target.errors, *(log.line_problems() if log else [])]
    errors += [
        LineError(row.line, f"{row.label}: {problem}")
        for row in rows
        if (problem := row_problem(row.obj))
    ]
    if errors:
        raise NotesError(errors)

    def work():
        lock_day(day)
        target.check_still_possible()
        changes = []
        for row in rows:
            # Made first: a row changed counts with the version it was read with.
            change = Change.of(
                row.action,
                row.obj,
                row.label,
                row.fields,
                row.line,
                row.detail,
                model=row.model,
                count=row.count,
            )
            if refused := save_row(row.obj):
                raise NotesError([LineError(row.line, f"{row.label}: {refused}")])
            changes.append(change)
        return ImportResult(day, changes, log=log)

    return apply(work, dry_run=dry_run, expected_digest=expected_digest)


def _transcript_rows(log, session, *, appending):
    """The row that saves the log's new lines (none when the session holds them all)."""
    lines = log.new_lines.values() if appending else log.transcript(session, appending=False)
    lines = list(lines)
    for line in lines:
        line.session = session  # the session this import saves (appending: read again)
    if not lines:
        return []
    meeting = log.meeting
    span = " to ".join(
        f"{time:%H:%M:%S}" for time in (meeting.start_time, meeting.end_time) if time
    )
    label = f"transcript: {_count(len(lines), 'line')} of the {meeting.format} log, {span}"
    if log.already:
        label += f" ({_count(len(log.already), 'line')} already in the session)"
    return [_Row(TranscriptBatch(lines), None, label, model=TranscriptLine, count=len(lines))]


def _count(number, noun):
    return f"{number:,} {noun}{'s' if number != 1 else ''}"


@dataclass
class _Row:
    """A record the notes create (``action`` "add") or change, with what the preview says."""

    obj: object
    line: int | None
    label: str
    action: str = "add"
    fields: tuple = ()
    detail: str = ""  # the text it writes, shown under the label
    model: type | None = None  # what it is a row of, when ``obj`` is not a model's row
    count: int = 1  # how many rows it makes


class _NewSession:
    """The notes make a new session of the day, titled by the form, #startmeeting or default."""

    def __init__(self, day, plan, session_title):
        self.day = day
        self.errors = []
        self.title_line = plan.title_line if plan.title else None
        self.title = (session_title or "").strip() or plan.title or DEFAULT_TITLE
        if session_title and session_title.strip():
            self.title_line = None
        if self.title_taken():
            self.errors.append(self.title_taken_error())
        order = (day.sessions.aggregate(last=Max("order"))["last"] or 0) + 1
        self.session = Session(
            day=day, title=self.title, kind=SessionKind.DISCUSSION, order=order, notes=plan.notes
        )
        self.label = f'session "{self.title}"'
        if plan.notes:
            self.label += f" with {_points(plan.notes)} in its notes"

    def title_taken(self):
        return self.day.sessions.filter(title__iexact=self.title).exists()

    def title_taken_error(self):
        return LineError(
            self.title_line,
            f'{self.day} already has a session "{self.title}": choose another title for these '
            "notes, or add them to that session",
        )

    def set_times(self, start, end):
        self.session.start_time, self.session.end_time = start, end

    def session_rows(self):
        yield _Row(self.session, self.title_line, self.label, detail=self.session.notes)

    def update_row(self, update, user):
        return _new_update_row(self.session, update, user)

    def last_positions(self):
        return {}

    def check_still_possible(self):
        if self.title_taken():
            raise NotesError([self.title_taken_error()])


class _Appending:
    """The notes go into an existing session of the day, whose rows stay as they are.

    The session keeps its title (a #startmeeting naming another is an error); its notes get the
    notes' points after theirs. Outcomes are
    numbered after the session's own. A session holds one update per priority area (a rule of
    the database), so an area it already has an update of gets that update changed: the notes'
    status and headline, their points after its body, and their #inwriting if they have one.
    Rows changed count with the version read here, so a confirmation made after someone else
    saved them is shown the new preview instead (``importing.apply``).
    """

    def __init__(self, day, plan, into):
        self.day, self.plan, self.errors = day, plan, []
        self.time_fields = []
        # Read again, never the caller's object: a preview's dry run must leave it as it was.
        self.session = day.sessions.filter(pk=into.pk).first()
        if self.session is None:
            raise NotesError([LineError(None, f'{day} has no session "{into.title}" (any more)')])
        self.updates = {
            update.priority_area_id: update
            for update in StatusUpdate.objects.filter(session=self.session)
        }
        if plan.title and plan.title.lower() != self.session.title.lower():
            # Nothing typed is dropped unseen: a title naming another session is a mistake.
            self.errors.append(
                LineError(
                    plan.title_line,
                    f'these notes go into the session "{self.session.title}", which keeps its '
                    "title: remove the #startmeeting line, or choose that session",
                )
            )

    def set_times(self, start, end):
        """A log's times: the session's start when it has none, its end when later."""
        session = self.session
        if start is not None and session.start_time is None:
            session.start_time = start
            self.time_fields.append("start_time")
        if end is not None and (session.end_time is None or session.end_time < end):
            session.end_time = end
            self.time_fields.append("end_time")

    def session_rows(self):
        session, said = self.session, []
        fields = list(self.time_fields)
        if self.plan.notes:
            session.notes = _after(session.notes, self.plan.notes)
            said.append(f"{_points(self.plan.notes)} added to its notes")
            fields.insert(0, "notes")
        if self.time_fields:
            said.append(f"its {' and '.join(self.time_fields)} from the log")
        if not fields:
            return
        label = f'session "{session.title}": {", ".join(said)}'
        yield _Row(session, None, label, action="change", fields=fields, detail=self.plan.notes)

    def update_row(self, planned, user):
        row = self.updates.get(planned.area.pk)
        if row is None:
            return _new_update_row(self.session, planned, user)
        row.status, row.headline, row.saved_by = planned.status, planned.headline, user
        fields = ["status", "headline"]
        if planned.body:
            row.body = _after(row.body, planned.body)
            fields.append("body")
        if planned.delivery == Delivery.IN_WRITING:
            row.delivery, row.reported_by = planned.delivery, planned.reported_by
            fields += ["delivery", "reported_by"]
        label = f"{_update_label(planned, row)}, changing the session's update of this area"
        return _Row(row, planned.line, label, action="change", fields=fields, detail=planned.body)

    def last_positions(self):
        """{outcome model: the highest order the session's outcomes of it have}."""
        return {
            model: model.objects.filter(session=self.session).aggregate(last=Max("order"))["last"]
            or 0
            for model in {outcome.model for outcome in self.plan.outcomes}
        }

    def check_still_possible(self):
        if not Session.objects.filter(pk=self.session.pk, day=self.day).exists():
            raise NotesError([LineError(None, f'The session "{self.session.title}" was deleted.')])


def _new_update_row(session, update, user):
    row = StatusUpdate(
        session=session,
        priority_area=update.area,
        status=update.status,
        headline=update.headline,
        body=update.body,
        delivery=update.delivery,
        reported_by=update.reported_by,
        saved_by=user,
    )
    return _Row(row, update.line, _update_label(update, row), detail=update.body)


def _outcome_row(session, outcome, order, owners):
    row = outcome.model(session=session, priority_area=outcome.area, text=outcome.text, order=order)
    label = outcome.model._meta.verbose_name
    if outcome.model is ActionItem:
        row.owner = owners.get(outcome.owner.lower(), outcome.owner)
        label += f" for {row.owner}"
    if outcome.area is not None:
        label += f' ("{outcome.area.name}")'
    elif outcome.topic:
        # Said so in the preview: a topic meant as an area but named differently.
        label += f' (topic "{_short(outcome.topic)}", no priority area)'
    detail = outcome.text if _short(outcome.text) != outcome.text else ""
    return _Row(row, outcome.line, f"{label}: {_short(outcome.text)}", detail=detail)


def _update_label(planned, row):
    label = (
        f'status update of "{planned.area.name}": {row.get_status_display()}, '
        f'"{_short(planned.headline)}"'
    )
    if planned.delivery == Delivery.IN_WRITING:
        label += " (in writing)"
    return label


def _points(notes):
    count = sum(1 for line in notes.splitlines() if line.startswith("- "))
    return f"{count} point{'s' if count != 1 else ''}"


def _after(text, more):
    """``more`` after ``text``, a blank line between them (Markdown's paragraph break)."""
    return f"{text.rstrip()}\n\n{more}" if text.strip() else more


def _owner_names(nicks):
    """{nick, lower-cased: person's name} for the nicks that people have."""
    if not nicks:
        return {}
    query = Q()
    for nick in nicks:
        query |= Q(irc_nick__iexact=nick)
    return {
        nick.lower(): name
        for nick, name in Person.objects.filter(query).values_list("irc_nick", "name")
    }


def count_changes(changes):
    """'1 session, 2 status updates and 1 decision': what ``changes`` create, by kind, then
    what they change ('...; 1 status update changed')."""
    added = _counted(change for change in changes if change.action == "add")
    changed = _counted(change for change in changes if change.action == "change")
    if not changed:
        return added or "nothing"
    return f"{added}; {changed} changed" if added else f"{changed} changed"


def _counted(changes):
    counts = Counter()
    for change in changes:
        counts[change.model] += change.count
    parts = [
        f"{count:,} {model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural}"
        for model, count in counts.items()
    ]
    if len(parts) > 1:
        return f"{', '.join(parts[:-1])} and {parts[-1]}"
    return "".join(parts)


def _short(text):
    return Truncator(" ".join(text.split())).chars(80)
