"""What a page shows: read models built from the domain, each in a fixed number of queries.

The day page and the day report show ``day_contents(day)``; the meetup page shows
``scoreboard(meetup, days)``. Each priority area's status is set against the one it had
before (``StatusChange``): the previous day it was reported, or the previous meetup.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from .enums import STATUS_PROGRESS, Status, trend_between
from .interchange.irc_nicks import display_nick, nick_key
from .models import (
    Cycle,
    CyclePriority,
    Day,
    PriorityArea,
    StatusUpdate,
    TranscriptLine,
    outcome_prefetches,
)


@dataclass(frozen=True)
class StatusChange:
    """A status set against the one its area had before: "Good progress, was Slow progress
    on day 1". ``previous_when`` says where that was: "on day 1", or "at <meetup>, day 3"
    when it was at an earlier meetup."""

    status: Status
    previous_status: Status | None = None
    previous_when: str = ""

    @property
    def trend(self):
        return trend_between(self.previous_status, self.status)

    @property
    def since_text(self):
        """ "was Slow progress on day 1", "as on day 1" or "first status report"."""
        if self.previous_status is None:
            return "first status report"
        if self.previous_status == self.status:
            return f"as {self.previous_when}"
        return f"was {self.previous_status.label} {self.previous_when}"

    @property
    def description(self):
        """ "Good progress, was Slow progress on day 1": what the page and report say."""
        return f"{self.status.label}, {self.since_text}"


@dataclass
class ScoreboardRow:
    area: PriorityArea
    cells: list

    @property
    def statuses(self):
        return [cell.status for cell in self.cells]


@dataclass
class ScoreboardCell:
    """The status an area ended a day with, and how it moved since it was last reported."""

    status: str | None
    change: StatusChange | None = None


def _scoreboard_cells(days, statuses, area, previous_update):
    """An area's cells across ``days``, each compared with the last status before it: the
    previous reported day, or for the first, ``previous_update`` from an earlier meetup."""
    cells = []
    previous = None
    if previous_update is not None:
        previous_day = previous_update.session.day
        previous = (Status(previous_update.status), previous_day.described_from(days[0]))
    for day in days:
        status = statuses.get((area.pk, day.pk))
        if status is None:
            cells.append(ScoreboardCell(None))
            continue
        status = Status(status)
        change = StatusChange(status, *previous) if previous else StatusChange(status)
        cells.append(ScoreboardCell(status, change))
        previous = (status, f"on day {day.number}")
    return cells


@dataclass
class AreaReport:
    """A priority area's updates on one day; ``latest`` is the status it ended the day with.

    ``previous`` is the area's last update before the day (at an earlier day or meetup),
    ``change`` the day's status set against it. ``leads_absent`` is true when the day's
    attendance is recorded, the area has leads this cycle, and none of them was in the room.
    """

    area: PriorityArea
    updates: list = field(default_factory=list)
    previous: StatusUpdate | None = None
    previous_when: str = ""
    change: StatusChange | None = None
    #: The names of those who lead the area in the meetup's cycle.
    leads: list = field(default_factory=list)
    leads_absent: bool = False

    @property
    def latest(self):
        return self.updates[-1] if self.updates else None


@dataclass
class DayContents:
    sessions: list
    area_reports: list
    #: The names of those recorded as in the room that day, in alphabetical order.
    attendees: list = field(default_factory=list)

    @property
    def action_items_by_owner(self):
        """[(owner, [action item])]: the day's action items grouped by owner, owners sorted
        as the action items register sorts them (``ActionItemQuerySet.by_owner``: case-
        insensitively, then exactly), each owner's items in the day's order."""
        by_owner = {}
        for session in self.sessions:
            for item in session.action_items.all():
                by_owner.setdefault(item.owner, []).append(item)
        return sorted(by_owner.items(), key=lambda entry: (entry[0].lower(), entry[0]))


def listed_areas(meetup, reported_ids):
    """The areas a page of ``meetup`` lists: its cycle's priorities in the cycle's order, then
    any other area of its team reported there (``reported_ids``), by name. One query.

    Each area is given the meetup's team, so that its address costs no query.
    """
    in_the_cycle = CyclePriority.objects.filter(cycle_id=meetup.cycle_id, area=OuterRef("pk"))
    areas = list(
        PriorityArea.objects.filter(Exists(in_the_cycle) | Q(pk__in=reported_ids))
        .annotate(place=Subquery(in_the_cycle.values("order")[:1]))
        .order_by(F("place").asc(nulls_last=True), "name", "pk")
    )
    for area in areas:
        area.team = meetup.team
    return areas


def cycle_leads(cycle_id):
    """{area id: [lead's name]}: who leads each area of the cycle's priority list. One query."""
    leads = {}
    rows = CyclePriority.leads.through.objects.filter(cyclepriority__cycle_id=cycle_id)
    for area_id, name in rows.order_by("person__name").values_list(
        "cyclepriority__area_id", "person__name"
    ):
        leads.setdefault(area_id, []).append(name)
    return leads


def day_contents(day, *, transcripts=False):
    """What the day page and the report show: its sessions with their outcomes, and every
    priority area of the meetup's cycle (in the cycle's order), then any other area of the
    team reported that day, with its updates in order.

    Each area report also says how the area's status moved since its last update before this
    day (at an earlier day or meetup of the same team: areas are the team's own), and whether
    any of its leads this cycle attended.

    With ``transcripts`` (the day page), each session also has its IRC transcript, in order,
    and its ``speakers`` (``speakers_of``); the reports leave the transcripts out.

    Nine queries however large the day, ten with the transcripts. Each session and area is
    loaded once and shared by its updates, rather than copied into every update by
    ``select_related``.
    """
    meetup = day.meetup
    prefetches = outcome_prefetches()
    if transcripts:
        prefetches.append(Prefetch("transcript", queryset=TranscriptLine.objects.for_page()))
    sessions = list(day.sessions.prefetch_related(*prefetches))
    for session in sessions:
        session.speakers = speakers_of(session.transcript.all()) if transcripts else []
    sessions_by_id = {session.pk: session for session in sessions}
    updates = StatusUpdate.objects.filter(session__day=day).select_related("transcript_line")
    updates = list(updates.in_day_order())
    areas = listed_areas(meetup, {update.priority_area_id for update in updates})
    reports = {area.pk: AreaReport(area) for area in areas}
    leads = cycle_leads(meetup.cycle_id)
    for update in updates:
        update.session = sessions_by_id[update.session_id]
        report = reports[update.priority_area_id]
        update.priority_area = report.area
        report.updates.append(update)
    for previous in StatusUpdate.objects.latest_before(day.date, list(reports)):
        report = reports[previous.priority_area_id]
        report.previous = previous
        report.previous_when = previous.session.day.described_from(day)
    attendees = list(
        day.attendances.order_by("person__name").values_list("person__name", flat=True)
    )
    attendee_names = set(attendees)
    for report in reports.values():
        if report.latest is not None:
            status = Status(report.latest.status)
            report.change = (
                StatusChange(status, Status(report.previous.status), report.previous_when)
                if report.previous
                else StatusChange(status)
            )
        report.leads = leads.get(report.area.pk, [])
        report.leads_absent = bool(
            attendee_names and report.leads and not attendee_names & set(report.leads)
        )
    return DayContents(sessions=sessions, area_reports=list(reports.values()), attendees=attendees)


@dataclass
class SessionSpeaker:
    """Someone who spoke in a session's IRC meeting: as whom, and how many lines."""

    nick: str
    person: object  # Person or None
    lines: int = 0


def speakers_of(lines):
    """[SessionSpeaker]: who said ``lines`` (transcript lines, with their person), most lines
    first; one entry a person, or a nick (``alice`` and ``alice_`` are one) when no person
    has it."""
    speakers = {}
    for line in lines:
        key = ("person", line.person_id) if line.person_id else ("nick", nick_key(line.nick))
        speaker = speakers.setdefault(key, SessionSpeaker(display_nick(line.nick), line.person))
        speaker.lines += 1
    return sorted(speakers.values(), key=lambda speaker: (-speaker.lines, speaker.nick.lower()))


def scoreboard(meetup, days):
    """One row per priority area: the status each area ended each of ``days`` with.

    The areas are the meetup's cycle's priorities and any other area of its team reported at
    the meetup (see ``listed_areas``): a later cycle's list never changes it. Three queries,
    whatever the number of updates.
    """
    latest = (
        StatusUpdate.objects.filter(session__day__meetup=meetup)
        .latest_per_area("session__day")
        .values_list("priority_area_id", "session__day_id", "status")
    )
    cells = {(area_id, day_id): status for area_id, day_id, status in latest}
    areas = listed_areas(meetup, {area_id for area_id, _day_id in cells})
    before = {}
    if days:
        earlier = StatusUpdate.objects.latest_before(days[0].date, [area.pk for area in areas])
        before = {update.priority_area_id: update for update in earlier}
    return [
        ScoreboardRow(area, _scoreboard_cells(days, cells, area, before.get(area.pk)))
        for area in areas
    ]


def with_latest_updates(areas):
    """Give each of ``areas`` its ``latest_update`` (None if none), with its day and meetup.
    One query: one index probe per area."""
    latest = StatusUpdate.objects.latest_before(datetime.date.max, [area.pk for area in areas])
    by_area = {update.priority_area_id: update for update in latest}
    for area in areas:
        area.latest_update = by_area.get(area.pk)
    return areas


def meetups_by_team(meetups):
    """[(team, [meetup, ...])]: ``meetups`` (newest first) grouped by team, the team with the
    newest meetup first."""
    groups = {}
    for meetup in meetups:
        groups.setdefault(meetup.team_id, (meetup.team, []))[1].append(meetup)
    return list(groups.values())


@dataclass
class ChartPoint:
    day: Day
    status: Status | None
    x: int = 0
    y: int = 0
    #: Whether the point is the first day of a meetup after another: the chart marks the gap.
    starts_meetup: bool = False

    @property
    def label(self):
        """What the point says to a screen reader or on hover: "Nova mid-cycle, day 2: Blocked"."""
        return f"{self.day}: {self.status.label if self.status else 'no update'}"


@dataclass
class ChartRow:
    status: Status
    y: int


@dataclass
class StatusChart:
    """An area's status at the end of each day of a cycle's meetups, laid out for an SVG: one
    column a day, one row a status, most advanced on top (``STATUS_PROGRESS``). Each row is
    labelled with its status and each point carries the status's symbol, so the chart reads
    without colour; the page also gives it as a table."""

    cycle: object
    points: list

    STEP = 44  # px between days
    ROW = 22  # px between statuses
    LEFT = 136  # room for the status labels
    TOP = 12
    BOTTOM = 28  # room for the day labels

    def __post_init__(self):
        for index, point in enumerate(self.points):
            point.x = self.LEFT + index * self.STEP + self.STEP // 2
            point.starts_meetup = index > 0 and (
                point.day.meetup_id != self.points[index - 1].day.meetup_id
            )
            if point.status is not None:
                point.y = self._row_y(point.status)

    def _row_y(self, status):
        rank = len(STATUS_PROGRESS) - 1 - STATUS_PROGRESS[status]
        return self.TOP + rank * self.ROW + self.ROW // 2

    @property
    def rows(self):
        """One labelled row a status, the most advanced first."""
        statuses = sorted(STATUS_PROGRESS, key=STATUS_PROGRESS.get, reverse=True)
        return [ChartRow(status, self._row_y(status)) for status in statuses]

    @property
    def width(self):
        return self.LEFT + max(len(self.points), 1) * self.STEP + 8

    @property
    def plot_bottom(self):
        return self.TOP + len(STATUS_PROGRESS) * self.ROW

    @property
    def height(self):
        return self.plot_bottom + self.BOTTOM

    @property
    def label_y(self):
        return self.plot_bottom + 18

    @property
    def reported(self):
        return [point for point in self.points if point.status is not None]

    @property
    def spans_meetups(self):
        return any(point.starts_meetup for point in self.points)

    @property
    def path(self):
        """The line joining the reported days, as SVG path data."""
        return " ".join(
            f"{'M' if index == 0 else 'L'}{point.x},{point.y}"
            for index, point in enumerate(self.reported)
        )


def status_chart(area):
    """The chart of ``area``'s status across its latest cycle (the cycle of its latest
    update, else its team's current one), or None when that cycle has no days yet.

    One query: the cycle's days, each with the status the area ended it with.
    """
    latest_cycle = (
        StatusUpdate.objects.filter(priority_area=area)
        .newest_first()
        .values("session__day__meetup__cycle")[:1]
    )
    current_cycle = Cycle.objects.filter(team=area.team_id).values("pk")[:1]
    ended_with = (
        StatusUpdate.objects.filter(priority_area=area, session__day=OuterRef("pk"))
        .newest_first()
        .values("status")[:1]
    )
    days = list(
        Day.objects.filter(meetup__cycle=Coalesce(Subquery(latest_cycle), Subquery(current_cycle)))
        .select_related("meetup__cycle")
        .annotate(status=Subquery(ended_with))
        .order_by("date", "pk")
    )
    if not days:
        return None
    points = [ChartPoint(day, Status(day.status) if day.status else None) for day in days]
    return StatusChart(days[0].meetup.cycle, points)
