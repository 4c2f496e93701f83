import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from priorities.enums import Status
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    MeetupFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    build_day,
)

pytestmark = pytest.mark.django_db


def page_urls(day):
    area = day.sessions.first().updates.first().priority_area
    return {
        "home": reverse("priorities:meetup-list"),
        "meetup": day.meetup.get_absolute_url(),
        "day": day.get_absolute_url(),
        "report": reverse(
            "priorities:day-report", kwargs={"slug": day.meetup.slug, "number": day.number}
        ),
        "priorities": reverse("priorities:priority-list"),
        "priority": area.get_absolute_url(),
        "team": day.meetup.team.get_absolute_url(),
    }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page", ["home", "meetup", "day", "report", "priorities", "priority", "team"]
)
def test_page_query_count_does_not_grow_with_the_day(client, page):
    small = build_day(updates_per_area=1)
    small_count = count_queries(client, page_urls(small)[page])
    large = build_day(updates_per_area=10, outcomes_per_session=3)
    assert large.sessions.count() == 10 * small.sessions.count()
    assert count_queries(client, page_urls(large)[page]) == small_count


@pytest.mark.parametrize(
    ("page", "queries"),
    # home and priority: +1 for the meetup choices of their filter form, home +1 for its team
    # and cycle choices. meetup: +1 for the areas' statuses at the previous meetup; day and
    # report: +3 for the areas' previous updates, their leads and the day's attendance; day
    # +1 for the sessions' IRC transcripts (one prefetch, with each line's person);
    # priority: +1 for the area's leads in the chart's cycle, +1 for the chart (the cycle's
    # days, each with the area's status). team: the team, its cycles, their lists, the lists'
    # leads, its meetups, the current list's latest updates.
    [
        ("home", 4),
        ("meetup", 6),
        ("day", 13),
        ("report", 11),
        ("priorities", 3),
        ("priority", 7),
        ("team", 7),
    ],
)
def test_page_query_counts_are_pinned(client, django_assert_num_queries, page, queries):
    url = page_urls(build_day(updates_per_area=2))[page]
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_home_lists_meetups_newest_first_with_their_size(client):
    older = MeetupFactory(
        name="Juno meetup",
        start_date=datetime.date(2014, 7, 28),
        end_date=datetime.date(2014, 7, 30),
    )
    newer = DayFactory(meetup=MeetupFactory(name="Kilo meetup")).meetup
    StatusUpdateFactory(session=SessionFactory(day=newer.days.get()))
    response = client.get(reverse("priorities:meetup-list"))
    content = response.content.decode()
    assert content.index(newer.name) < content.index(older.name)
    assert "1 day · 1 status update" in " ".join(content.split())
    assert newer.get_absolute_url() in content


def test_meetup_page_shows_days_and_a_scoreboard_of_statuses(client):
    meetup = MeetupFactory()
    day1 = DayFactory(meetup=meetup, number=1, summary="First day **summary**")
    day2 = DayFactory(meetup=meetup, number=2)
    area = PriorityAreaFactory(name="Cells v2")
    StatusUpdateFactory(session=SessionFactory(day=day1), priority_area=area, status=Status.STARTED)
    StatusUpdateFactory(session=SessionFactory(day=day2), priority_area=area, status=Status.BLOCKED)
    response = client.get(meetup.get_absolute_url())
    assert response.status_code == 200
    [row] = response.context["scoreboard"]
    assert row.statuses == [Status.STARTED, Status.BLOCKED]
    content = response.content.decode()
    assert "<strong>summary</strong>" in content
    assert content.index("Started") < content.index("Blocked")
    assert day2.get_absolute_url() in content


def test_day_page_lists_every_priority_update_and_outcome(client):
    day = build_day(updates_per_area=2, areas=3, outcomes_per_session=2)
    response = client.get(day.get_absolute_url())
    content = response.content.decode()
    for session in day.sessions.all():
        assert f'id="{session.anchor}"' in content
        for update in session.updates.all():
            assert f'id="{update.anchor}"' in content
            assert update.headline in content
        for outcome in [
            *session.decisions.all(),
            *session.action_items.all(),
            *session.risks.all(),
        ]:
            assert f'id="{outcome.anchor}"' in content
    assert len(response.context["area_reports"]) == 3


def test_day_page_links_to_previous_and_next_days(client):
    meetup = MeetupFactory()
    first, second, third = (DayFactory(meetup=meetup, number=n) for n in (1, 2, 3))
    content = client.get(second.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{first.get_absolute_url()}"' in content
    assert f'rel="next" href="{third.get_absolute_url()}"' in content
    first_page = client.get(first.get_absolute_url()).content.decode()
    assert 'rel="prev"' not in first_page


def test_day_page_offers_the_markdown_report(client):
    day = DayFactory()
    content = client.get(day.get_absolute_url()).content.decode()
    report_url = reverse(
        "priorities:day-report", kwargs={"slug": day.meetup.slug, "number": day.number}
    )
    assert f'href="{report_url}"' in content
    assert "Download Markdown" in content


def test_day_page_renders_markdown_safely(client):
    update = StatusUpdateFactory(body="**bold** <script>alert('x')</script>")
    content = client.get(update.session.day.get_absolute_url()).content.decode()
    assert "<strong>bold</strong>" in content
    assert "<script>alert" not in content


def test_report_is_served_as_markdown_with_a_filename(client):
    day = DayFactory(meetup__slug="nova-kilo", number=1)
    response = client.get(
        reverse("priorities:day-report", kwargs={"slug": "nova-kilo", "number": 1})
    )
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'filename="nova-kilo-day-1.md"' in response["Content-Disposition"]
    assert response.content.decode().startswith(f"# {day.meetup.name}: day 1, ")


def test_priority_list_shows_each_area_latest_status(client):
    area = PriorityAreaFactory(name="Scheduler split")
    meetup = MeetupFactory()
    day1, day2 = DayFactory(meetup=meetup, number=1), DayFactory(meetup=meetup, number=2)
    StatusUpdateFactory(session=SessionFactory(day=day1), priority_area=area, status=Status.STARTED)
    latest = StatusUpdateFactory(
        session=SessionFactory(day=day2), priority_area=area, status=Status.NEEDS_REVIEW
    )
    PriorityAreaFactory(name="Bugs")
    response = client.get(reverse("priorities:priority-list"))
    areas = {a.name: a for a in response.context["areas"]}
    assert areas["Scheduler split"].latest_update == latest
    assert areas["Bugs"].latest_update is None
    assert "Needs code review" in response.content.decode()


def test_priority_timeline_spans_meetups_newest_first(client):
    area = PriorityAreaFactory()
    old = StatusUpdateFactory(
        priority_area=area,
        session__day__meetup=MeetupFactory(
            start_date=datetime.date(2014, 7, 28), end_date=datetime.date(2014, 7, 30)
        ),
        headline="Juno status",
    )
    new = StatusUpdateFactory(priority_area=area, headline="Kilo status")
    response = client.get(area.get_absolute_url())
    assert list(response.context["page_obj"]) == [new, old]
    content = response.content.decode()
    assert content.index("Kilo status") < content.index("Juno status")
    assert old.get_absolute_url() in content


def test_priority_timeline_paginates(client):
    area = PriorityAreaFactory()
    day = DayFactory()
    for order in range(55):
        StatusUpdateFactory(priority_area=area, session=SessionFactory(day=day, order=order))
    first = client.get(area.get_absolute_url())
    assert len(first.context["page_obj"]) == 50
    second = client.get(area.get_absolute_url(), {"page": 2})
    assert len(second.context["page_obj"]) == 5


@pytest.mark.parametrize(
    "url",
    [
        "/meetups/no-such-meetup/",
        "/meetups/no-such-meetup/days/1/",
        "/meetups/no-such-meetup/days/1/report.md",
        "/priorities/no-such-area/",
        "/meetups/%00/",
        "/meetups/../../etc/passwd",
        "/meetups/test/days/0/",
        "/meetups/test/days/-1/",
        "/meetups/test/days/99999999999999999999/",
        "/meetups/test/days/abc/",
    ],
)
def test_unknown_or_malformed_addresses_answer_404(client, url):
    MeetupFactory(slug="test")
    assert client.get(url).status_code == 404


def test_unknown_day_of_a_known_meetup_answers_404(client):
    day = DayFactory()
    assert client.get(f"{day.meetup.get_absolute_url()}days/2/").status_code == 404


def test_pages_serve_bootstrap_from_our_own_static_files(client):
    content = client.get(reverse("priorities:meetup-list")).content.decode()
    assert "/static/bootstrap/css/bootstrap.min.css" in content
    assert "cdn" not in content.lower()


def test_outcomes_show_on_the_day_page_with_their_area(client):
    session = SessionFactory()
    area = PriorityAreaFactory(name="Neutron migration")
    DecisionFactory(session=session, priority_area=area, text="Move devstack to Neutron")
    ActionItemFactory(session=session, owner="Sean", text="Write the patch", done=True)
    RiskFactory(session=session, text="novaclient support")
    content = client.get(session.day.get_absolute_url()).content.decode()
    for text in ("Move devstack to Neutron", "Neutron migration", "Sean", "Done", "novaclient"):
        assert text in content


def test_demo_day_page_shows_every_priority_area_with_its_status(client, demo_day):
    response = client.get("/meetups/nova-kilo-midcycle/days/1/")
    assert response.status_code == 200
    content = " ".join(response.content.decode().split())
    expected = {
        "Cells v2": "Slow progress",
        "Nova Objects": "Good progress",
        "Scheduler split": "Needs code review",
        "API v2.1 (microversions)": "Good progress",
        "Functional testing": "Started",
        "nova-network to Neutron migration": "Started",
        "Zero-downtime upgrades": "Good progress",
        "Bugs": "Started",
        "Test infrastructure": "Started",
    }
    reports = {r.area.name: r.latest.get_status_display() for r in response.context["area_reports"]}
    assert reports == expected
    for area in expected:
        assert area in content
    for text in (
        "In writing",
        "Whiteboard: the Nova/Scheduler interface",
        "devstack",
        "novaclient",
    ):
        assert text in content


def test_day_page_lists_who_was_there_that_day(client, demo_day):
    response = client.get(demo_day.get_absolute_url())
    content = " ".join(response.content.decode().split())
    assert response.context["attendees"] == [
        "Andrew Laski",
        "Dan Smith",
        "Jay Pipes",
        "John Garbutt",
        "Mark McClain",
        "Matt Riedemann",
        "Sean Dague",
    ]
    assert '<h2 id="attendees-heading">Who was there</h2>' in content
    assert "<bdi>Andrew Laski</bdi>, <bdi>Dan Smith</bdi>" in content


def test_a_day_without_attendance_shows_no_attendees_section(client):
    day = build_day()
    day.attendances.clear()
    response = client.get(day.get_absolute_url())
    assert response.context["attendees"] == []
    assert b"attendees-heading" not in response.content
