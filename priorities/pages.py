"""What a page shows: read models built from the domain, each in a fixed number of queries.

The day page and the day report show ``day_contents(day)``; the meetup page shows
``scoreboard(meetup, days)``. Each priority area's status is set against the one it had
before (``StatusChange``): the previous day it was reported, or the previous meetup.
"""

from dataclasses import dataclass, field

from .enums import STATUS_PROGRESS, Status, Trend
from .models import PriorityArea, StatusUpdate, outcome_prefetches


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
        if self.previous_status is None:
            return Trend.NEW
        before, now = STATUS_PROGRESS[self.previous_status], STATUS_PROGRESS[self.status]
        if now > before:
            return Trend.IMPROVED
        if now < before:
            return Trend.SLIPPED
        return Trend.UNCHANGED

    @property
    def since_text(self):
        """ "was Slow progress on day 1", "as on day 1" or "first status report"."""
        if self.previous_status is None:
            return "first status report"
        if self.trend == Trend.UNCHANGED:
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
    attendance is recorded, the area has leads, and none of them was in the room.
    """

    area: PriorityArea
    updates: list = field(default_factory=list)
    previous: StatusUpdate | None = None
    previous_when: str = ""
    change: StatusChange | None = None
    leads_absent: bool = False

    @property
    def latest(self):
        return self.updates[-1] if self.updates else None


@dataclass
class DayContents:
    sessions: list
    area_reports: list


def day_contents(day):
    """What the day page and the report show: its sessions with their outcomes, and every
    priority area reported on (or still active) with its updates in order.

    Each area report also says how the area's status moved since its last update before this
    day, and whether any of its leads attended.

    Nine queries however large the day. Each session and area is loaded once and shared by
    its updates, rather than copied into every update by ``select_related``.
    """
    sessions = list(day.sessions.prefetch_related(*outcome_prefetches()))
    sessions_by_id = {session.pk: session for session in sessions}
    updates = list(StatusUpdate.objects.filter(session__day=day).in_day_order())
    area_ids = {update.priority_area_id for update in updates}
    areas = list(PriorityArea.objects.listed_with(area_ids).prefetch_related("leads"))
    reports = {area.pk: AreaReport(area) for area in areas}
    for update in updates:
        update.session = sessions_by_id[update.session_id]
        report = reports[update.priority_area_id]
        update.priority_area = report.area
        report.updates.append(update)
    for previous in StatusUpdate.objects.latest_before(day.date, list(reports)):
        report = reports[previous.priority_area_id]
        report.previous = previous
        report.previous_when = previous.session.day.described_from(day)
    attendee_ids = set(day.attendances.order_by().values_list("person_id", flat=True))
    for report in reports.values():
        if report.latest is not None:
            status = Status(report.latest.status)
            report.change = (
                StatusChange(status, Status(report.previous.status), report.previous_when)
                if report.previous
                else StatusChange(status)
            )
        leads = report.area.leads.all()
        report.leads_absent = bool(
            attendee_ids and leads and not any(lead.pk in attendee_ids for lead in leads)
        )
    return DayContents(sessions=sessions, area_reports=list(reports.values()))


def scoreboard(meetup, days):
    """One row per priority area: the status each area ended each of ``days`` with.

    Areas appear if they are active or have any update at this meetup. Two queries, whatever
    the number of updates.
    """
    latest = (
        StatusUpdate.objects.filter(session__day__meetup=meetup)
        .latest_per_area("session__day")
        .values_list("priority_area_id", "session__day_id", "status")
    )
    cells = {(area_id, day_id): status for area_id, day_id, status in latest}
    areas = list(PriorityArea.objects.listed_with({area_id for area_id, _day_id in cells}))
    before = {}
    if days:
        earlier = StatusUpdate.objects.latest_before(days[0].date, [area.pk for area in areas])
        before = {update.priority_area_id: update for update in earlier}
    return [
        ScoreboardRow(area, _scoreboard_cells(days, cells, area, before.get(area.pk)))
        for area in areas
    ]
