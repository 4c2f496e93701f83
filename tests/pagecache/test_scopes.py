"""An edit invalidates the pages that show it, and only those: the others stay cached.

A page the cache answers costs one query here (the page's versions: each process's own memory
cannot keep them for every app server); a page built again costs a dozen or more.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetup.pagecache import warming
from priorities.interchange.quick_notes import import_meeting
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    DayFactory,
    DecisionFactory,
    PersonFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
    other_team,
)
from tests.pagecache.test_live import PROBE, main_of

pytestmark = pytest.mark.django_db


def served_from_cache(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries) == 1


@pytest.fixture
def meetup_of_two_days():
    """Day 1 and day 2 of a meetup, an update of the same area on each, another area's update
    on day 1, and a later meetup of the same team and one of another team."""
    first = StatusUpdateFactory(headline="Cells: started")
    day1 = first.session.day
    meetup, area = day1.meetup, first.priority_area
    day2 = DayFactory(meetup=meetup, number=2, date=day1.date + datetime.timedelta(days=1))
    second = StatusUpdateFactory(session=SessionFactory(day=day2), priority_area=area)
    other_area = PriorityAreaFactory(team=meetup.team)
    StatusUpdateFactory(session=first.session, priority_area=other_area)
    later_day = DayFactory(
        meetup__team=meetup.team,
        meetup__cycle=meetup.cycle,
        date=day1.date + datetime.timedelta(days=60),
    )
    neutron, liberty = other_team()
    stranger = DayFactory(meetup__team=neutron, meetup__cycle=liberty)
    return {
        "first": first,
        "second": second,
        "day1": day1.get_absolute_url(),
        "day2": day2.get_absolute_url(),
        "meetup": meetup.get_absolute_url(),
        "area": area.get_absolute_url(),
        "other area": other_area.get_absolute_url(),
        "team": reverse("priorities:team-detail", args=[meetup.team.slug]),
        "later meetup day": later_day.get_absolute_url(),
        "later meetup": later_day.meetup.get_absolute_url(),
        "other team's day": stranger.get_absolute_url(),
        "other team's meetup": stranger.meetup.get_absolute_url(),
        "decisions": reverse("priorities:decision-list"),
        "actions": reverse("priorities:action-list"),
        "home": reverse("priorities:meetup-list"),
    }


def read_every_page(client, pages):
    for name, url in pages.items():
        if isinstance(url, str):
            client.get(url)
            assert served_from_cache(client, url), name


def rebuilt(client, pages):
    return {
        name
        for name, url in pages.items()
        if isinstance(url, str) and not served_from_cache(client, url)
    }


def test_an_update_changes_its_day_the_later_days_and_what_reads_them(client, meetup_of_two_days):
    pages = meetup_of_two_days
    read_every_page(client, pages)
    pages["second"].headline = "Cells: done"
    pages["second"].save()
    assert rebuilt(client, pages) == {
        "day2",
        "meetup",
        "area",
        "team",
        "later meetup day",
        "later meetup",
        "home",
    }
    assert "Cells: done" in client.get(pages["day2"]).content.decode()


def test_an_update_of_the_first_day_changes_what_day_two_says_changed(client, meetup_of_two_days):
    pages = meetup_of_two_days
    read_every_page(client, pages)
    pages["first"].status = "blocked"
    pages["first"].save()
    assert {"day1", "day2", "meetup", "area"} <= rebuilt(client, pages)
    assert "other area" not in rebuilt(client, pages)
    assert "Blocked" in client.get(pages["day2"]).content.decode()


def test_an_update_moved_to_another_area_leaves_the_old_timeline_too(client, meetup_of_two_days):
    pages = meetup_of_two_days
    third_area = PriorityAreaFactory(team=pages["second"].priority_area.team)
    read_every_page(client, pages)
    second = type(pages["second"]).objects.get(pk=pages["second"].pk)  # as the admin loads it
    second.priority_area = third_area
    second.save()
    changed = rebuilt(client, pages)
    assert {"area", "day2"} <= changed
    assert "other area" not in changed
    assert second.headline not in client.get(pages["area"]).content.decode()


def test_a_decision_changes_its_day_and_the_decision_register_only(client, meetup_of_two_days):
    pages = meetup_of_two_days
    session = pages["second"].session
    read_every_page(client, pages)
    DecisionFactory(session=session, text="Cells v2 is the default")
    assert rebuilt(client, pages) == {"day2", "meetup", "team", "decisions", "home"}
    ActionItemFactory(session=session, owner="alice")
    assert rebuilt(client, pages) == {"day2", "meetup", "team", "actions", "home"}


def test_attendance_changes_the_days_of_its_meetup_only(client, meetup_of_two_days):
    pages = meetup_of_two_days
    day1 = pages["first"].session.day
    person = PersonFactory()  # someone new: every page may name them
    read_every_page(client, pages)
    attendance = AttendanceFactory(meetup=day1.meetup, person=person)
    assert rebuilt(client, pages) == {"day1", "day2", "meetup", "team", "home"}
    attendance.days.add(day1)
    assert rebuilt(client, pages) == {"day1", "day2", "meetup", "team", "home"}


def test_renaming_an_area_changes_every_page(client, meetup_of_two_days):
    pages = meetup_of_two_days
    read_every_page(client, pages)
    area = pages["first"].priority_area
    area.name = "Cells version two"
    area.save()
    assert rebuilt(client, pages) == {name for name, url in pages.items() if isinstance(url, str)}


def test_the_live_probe_of_a_page_moves_only_when_the_page_changes(client, meetup_of_two_days):
    pages = meetup_of_two_days
    day1 = main_of(client.get(pages["day1"]))
    since = {"page": pages["day1"], "since": day1.get("data-live-version")}
    pages["second"].headline = "Day two only"
    pages["second"].save()
    assert client.get(PROBE, since).status_code == 204
    pages["first"].headline = "Day one too"
    pages["first"].save()
    assert client.get(PROBE, since).status_code == 200


def test_the_pages_an_edit_changes_are_built_again_before_readers_ask(
    client, meetup_of_two_days, settings
):
    settings.PAGE_CACHE_WARMING = "inline"
    pages = meetup_of_two_days
    read_every_page(client, pages)
    pages["second"].headline = "Ready before anyone asks"
    pages["second"].save()
    for name in ("day2", "meetup", "area"):
        assert served_from_cache(client, pages[name]), name
    assert "Ready before anyone asks" in client.get(pages["day2"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_in_the_background_the_pages_are_ready_a_moment_after_the_save(client, settings):
    """What a server does: the editor's save returns at once, a thread builds the pages."""
    settings.PAGE_CACHE_WARMING = "thread"
    update = StatusUpdateFactory(headline="Before")
    url = update.session.day.get_absolute_url()
    client.get(url)
    update.headline = "Built in the background"
    update.save()
    assert warming.wait_until_idle(timeout=30)
    assert served_from_cache(client, url)
    assert "Built in the background" in client.get(url).content.decode()


def test_a_log_appended_to_a_session_changes_what_shows_the_session(client, meetup_of_two_days):
    pages = meetup_of_two_days
    session = pages["second"].session
    lines = [
        "17:00:01 <alice> #startmeeting nova",
        "17:00:05 <bob> hi all, sorry I am late",
        "17:00:09 <alice> #endmeeting",
    ]
    read_every_page(client, pages)
    import_meeting(session.day, "\n".join(lines), into=session)  # the session's times too
    changed = rebuilt(client, pages)
    assert {"day2", "meetup", "area", "later meetup day"} <= changed  # its order: what changed
    assert not {"day1", "other area", "other team's day"} & changed

    # A longer copy of the same log: only its new line is added, to day 2's transcript.
    lines.insert(2, "17:00:07 <bob> one more thing")
    import_meeting(session.day, "\n".join(lines), into=session)
    assert rebuilt(client, pages) == {"day2"}
    assert "one more thing" in client.get(pages["day2"]).content.decode()


def test_a_days_summary_changes_the_day_and_its_meetup_page(client, meetup_of_two_days):
    pages = meetup_of_two_days
    read_every_page(client, pages)
    day2 = type(pages["second"].session.day).objects.get(pk=pages["second"].session.day_id)
    day2.summary = "Cells v2 is *on track*."
    day2.save()
    assert rebuilt(client, pages) == {"day2", "meetup", "team", "home"}
    day2.date += datetime.timedelta(days=1)  # what every "what changed" line may read
    day2.save()
    assert rebuilt(client, pages) == set(
        page for page, url in pages.items() if isinstance(url, str)
    )
