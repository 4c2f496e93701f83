"""What changed since last time: each area's status against its previous day or meetup."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priorities.enums import STATUS_PROGRESS, Status, Trend, trend_between
from priorities.interchange.report_export import day_report
from priorities.interchange.report_import import import_report
from priorities.pages import StatusChange
from tests.factories import (
    DayFactory,
    MeetupFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
)
from tests.html import parse, text_of

pytestmark = pytest.mark.django_db


def report(day, area, status, *, order=1, title=None):
    session = day.sessions.filter(order=order).first() or SessionFactory(
        day=day, order=order, title=title or f"Session {order}"
    )
    return StatusUpdateFactory(session=session, priority_area=area, status=status)


@pytest.fixture
def juno():
    return MeetupFactory(
        name="Nova Juno mid-cycle meetup",
        start_date=datetime.date(2014, 7, 28),
        end_date=datetime.date(2014, 7, 30),
    )


@pytest.fixture
def kilo():
    return MeetupFactory(
        name="Nova Kilo mid-cycle meetup",
        start_date=datetime.date(2015, 1, 26),
        end_date=datetime.date(2015, 1, 28),
    )


@pytest.fixture
def cells():
    return PriorityAreaFactory(name="Cells v2", slug="cells-v2")


def area_section(client, day, area):
    html = client.get(day.get_absolute_url()).content.decode()
    section = next(
        element for element in parse(html).iter() if element.get("id") == f"area-{area.slug}"
    )
    return " ".join("".join(section.itertext()).split())


@pytest.mark.parametrize(
    ("before", "after", "trend"),
    [
        (Status.SLOW_PROGRESS, Status.GOOD_PROGRESS, Trend.IMPROVED),
        (Status.GOOD_PROGRESS, Status.NEEDS_REVIEW, Trend.IMPROVED),
        (Status.BLOCKED, Status.STARTED, Trend.IMPROVED),
        (Status.GOOD_PROGRESS, Status.BLOCKED, Trend.SLIPPED),
        (Status.IMPLEMENTED, Status.DEFERRED, Trend.SLIPPED),
        (Status.STARTED, Status.NOT_STARTED, Trend.SLIPPED),
        (Status.STARTED, Status.SLOW_PROGRESS, Trend.SLIPPED),  # was shown as improved
        (Status.STARTED, Status.STARTED, Trend.UNCHANGED),
        (None, Status.STARTED, Trend.NEW),
    ],
)
def test_a_status_change_is_classified_by_how_far_along_each_status_is(before, after, trend):
    change = StatusChange(after, before, "on day 1") if before else StatusChange(after)
    assert change.trend == trend


def test_every_status_has_a_place_in_the_progress_order():
    from priorities.enums import STATUS_PROGRESS

    assert set(STATUS_PROGRESS) == set(Status)


def test_a_change_reads_like_the_issue_example():
    change = StatusChange(Status.GOOD_PROGRESS, Status.SLOW_PROGRESS, "on day 1")
    assert change.description == "Good progress, was Slow progress on day 1"
    assert StatusChange(Status.STARTED, Status.STARTED, "on day 2").description == (
        "Started, as on day 2"
    )
    assert StatusChange(Status.STARTED).description == "Started, first status report"


def test_day_page_marks_an_area_that_improved_since_the_previous_day(client, kilo, cells):
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    report(day1, cells, Status.SLOW_PROGRESS)
    report(day2, cells, Status.GOOD_PROGRESS)

    text = area_section(client, day2, cells)
    assert "Improved Good progress, was Slow progress on day 1" in text


def test_day_page_marks_a_slip_and_an_unchanged_area(client, kilo, cells):
    objects = PriorityAreaFactory(name="Nova Objects")
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    report(day1, cells, Status.GOOD_PROGRESS)
    report(day1, objects, Status.STARTED)
    report(day2, cells, Status.BLOCKED)
    report(day2, objects, Status.STARTED)

    assert "Slipped Blocked, was Good progress on day 1" in area_section(client, day2, cells)
    assert "Unchanged Started, as on day 1" in area_section(client, day2, objects)


def test_day_one_compares_with_the_previous_meetup(client, juno, kilo, cells):
    report(DayFactory(meetup=juno, number=3), cells, Status.STARTED)
    day1 = DayFactory(meetup=kilo, number=1)
    report(day1, cells, Status.GOOD_PROGRESS)

    text = area_section(client, day1, cells)
    assert "Improved Good progress, was Started at Nova Juno mid-cycle meetup, day 3" in text


def test_an_area_reported_for_the_first_time_is_marked_new(client, kilo, cells):
    day1 = DayFactory(meetup=kilo, number=1)
    report(day1, cells, Status.STARTED)

    assert "New Started, first status report" in area_section(client, day1, cells)


def test_the_day_status_is_compared_with_the_previous_day_not_with_earlier_that_day(
    client, kilo, cells
):
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    report(day1, cells, Status.STARTED)
    report(day2, cells, Status.BLOCKED, order=1)
    report(day2, cells, Status.GOOD_PROGRESS, order=2)

    text = area_section(client, day2, cells)
    assert "Improved Good progress, was Started on day 1" in text


def test_a_skipped_day_compares_with_the_last_day_the_area_was_reported(client, kilo, cells):
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    day3 = DayFactory(meetup=kilo, number=3)
    report(day1, cells, Status.STARTED)
    report(day3, cells, Status.STARTED)

    assert "Last reported: Started on day 1" in area_section(client, day2, cells)
    assert "Unchanged Started, as on day 1" in area_section(client, day3, cells)


def test_a_later_meetup_does_not_count_as_before(client, juno, kilo, cells):
    day = DayFactory(meetup=juno, number=1)
    report(day, cells, Status.STARTED)
    report(DayFactory(meetup=kilo, number=1), cells, Status.BLOCKED)

    assert "New Started, first status report" in area_section(client, day, cells)


def test_glance_table_shows_each_change(client, kilo, cells):
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    report(day1, cells, Status.SLOW_PROGRESS)
    latest = report(day2, cells, Status.GOOD_PROGRESS)

    html = client.get(day2.get_absolute_url()).content.decode()
    table = next(
        element for element in parse(html).iter() if element.get("class", "").endswith("glance")
    )
    row = " ".join("".join(table.itertext()).split())
    # The day's own headline (factories number headlines in the order tests run).
    assert f"Cells v2 {latest.headline}" in row
    assert "◕ Good progress ↑ Improved was Slow progress on day 1" in row


def test_scoreboard_marks_each_day_against_the_day_before(client, juno, kilo, cells):
    report(DayFactory(meetup=juno, number=1), cells, Status.NOT_STARTED)
    days = [DayFactory(meetup=kilo, number=n) for n in (1, 2, 3, 4)]
    report(days[0], cells, Status.STARTED)
    report(days[1], cells, Status.BLOCKED)
    report(days[3], cells, Status.BLOCKED)

    html = client.get(kilo.get_absolute_url()).content.decode()
    row = next(
        element for element in parse(html).iter("tr") if "Cells v2" in "".join(element.itertext())
    )
    cells_text = [
        " ".join("".join(cell.itertext()).split()) for cell in row if cell.tag.endswith("td")
    ]
    assert cells_text == [
        "◔ Started ↑Improved: was Not started at Nova Juno mid-cycle meetup, day 1",
        "✖ Blocked ↓Slipped: was Started on day 1",
        "No update",
        "✖ Blocked =Unchanged: as on day 2",
    ]
    assert 'title="Slipped: Blocked, was Started on day 1"' in html


def test_report_gives_each_area_a_change_line_that_the_importer_skips(kilo, cells):
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    report(day1, cells, Status.SLOW_PROGRESS)
    report(day2, cells, Status.GOOD_PROGRESS)

    text = day_report(day2)
    assert "### Cells v2\n\nChange: improved, was Slow progress on day 1\n\n#### " in text

    result = import_report(text, dry_run=True)
    assert result.changes == []
    day2.sessions.get().updates.all().delete()
    result = import_report(text)
    assert [str(change) for change in result.changes] == [
        f"create status update of {cells.name!r} in {day2.sessions.get().title!r}"
    ]
    assert day_report(day2) == text


def test_day_page_query_count_does_not_grow_with_earlier_days_and_meetups(
    client, juno, kilo, cells
):
    areas = [cells, *PriorityAreaFactory.create_batch(3)]
    day = DayFactory(meetup=kilo, number=5, date=datetime.date(2015, 1, 28))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(day.get_absolute_url()).status_code == 200
        return len(queries)

    for area in areas:
        report(day, area, Status.STARTED)
    alone = count()
    for number in (1, 2, 3):
        earlier = DayFactory(meetup=juno, number=number)
        for area in areas:
            report(earlier, area, Status.SLOW_PROGRESS)
    assert count() == alone
    text = text_of(client.get(day.get_absolute_url()).content.decode())
    assert "Started, was Slow progress at Nova Juno mid-cycle meetup, day 3" in text


#: Every pair of statuses, read as a reader should: one row a status before, its columns the
#: status after, in the order NS ST SP GP NR IM BL DE (not started, started, slow progress,
#: good progress, needs review, implemented, blocked, deferred). ↑ improved, ↓ slipped,
#: = unchanged.
ORDER = [
    Status.NOT_STARTED,
    Status.STARTED,
    Status.SLOW_PROGRESS,
    Status.GOOD_PROGRESS,
    Status.NEEDS_REVIEW,
    Status.IMPLEMENTED,
    Status.BLOCKED,
    Status.DEFERRED,
]
EVERY_PAIR = """
    NS ST SP GP NR IM BL DE
NS  =  ↑  ↓  ↑  ↑  ↑  ↓  ↓
ST  ↓  =  ↓  ↑  ↑  ↑  ↓  ↓
SP  ↑  ↑  =  ↑  ↑  ↑  ↓  ↓
GP  ↓  ↓  ↓  =  ↑  ↑  ↓  ↓
NR  ↓  ↓  ↓  ↓  =  ↑  ↓  ↓
IM  ↓  ↓  ↓  ↓  ↓  =  ↓  ↓
BL  ↑  ↑  =  ↑  ↑  ↑  =  ↓
DE  ↑  ↑  =  ↑  ↑  ↑  =  =
"""
SYMBOLS = {"↑": Trend.IMPROVED, "↓": Trend.SLIPPED, "=": Trend.UNCHANGED}


def every_pair():
    rows = EVERY_PAIR.strip().splitlines()[1:]
    for before, row in zip(ORDER, rows, strict=True):
        for after, symbol in zip(ORDER, row.split()[1:], strict=True):
            yield before, after, SYMBOLS[symbol]


@pytest.mark.parametrize(("before", "after", "trend"), list(every_pair()))
def test_every_pair_of_statuses_moves_as_the_legend_says(before, after, trend):
    assert StatusChange(after, before, "on day 1").trend == trend


def test_a_move_into_slow_progress_blocked_or_deferred_is_never_an_improvement():
    at_risk = {Status.SLOW_PROGRESS, Status.BLOCKED, Status.DEFERRED}
    for before, after, trend in every_pair():
        if after in at_risk:
            assert trend != Trend.IMPROVED, (before, after)


def test_a_milder_risk_says_it_was_the_other_status(client):
    change = StatusChange(Status.SLOW_PROGRESS, Status.BLOCKED, "on day 1")
    assert change.trend == Trend.UNCHANGED
    assert change.description == "Slow progress, was Blocked on day 1"


def test_the_meetup_legend_states_the_rule(client):
    from tests.factories import DayFactory

    day = DayFactory()
    text = " ".join(client.get(day.meetup.get_absolute_url()).content.decode().split())
    assert "A move into slow progress, blocked or deferred is never an improvement" in text


def test_an_area_not_reported_that_day_shows_its_last_status_at_a_glance(client, kilo, cells):
    day1 = DayFactory(meetup=kilo, number=1)
    day2 = DayFactory(meetup=kilo, number=2)
    report(day1, cells, Status.GOOD_PROGRESS)
    html = client.get(day2.get_absolute_url()).content.decode()
    glance = next(e for e in parse(html).iter() if "glance" in (e.get("class") or "").split())
    row = next(r for r in glance.iter() if r.tag == "tr" and "Cells" in "".join(r.itertext()))
    text = " ".join("".join(row.itertext()).split())
    assert "No update" in text
    assert "Last: Good progress on day 1" in text


@pytest.mark.parametrize("before", list(Status))
@pytest.mark.parametrize("now", list(Status))
def test_the_status_chart_draws_a_slip_going_down_and_an_improvement_going_up(before, now):
    """The timeline's chart and the day's change column tell the same story."""
    trend = trend_between(before, now)
    if trend is Trend.SLIPPED:
        assert STATUS_PROGRESS[now] < STATUS_PROGRESS[before]
    elif trend is Trend.IMPROVED:
        assert STATUS_PROGRESS[now] > STATUS_PROGRESS[before]
