"""The status and meetup filters of the home page and of a priority area's timeline."""

import datetime

import pytest
from django.urls import reverse

from priorities.enums import Status
from tests.factories import DayFactory, MeetupFactory, PriorityAreaFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline():
    """One area's updates at two meetups, in two statuses."""
    area = PriorityAreaFactory(slug="cells")
    kilo = MeetupFactory(slug="kilo")
    juno = MeetupFactory(
        slug="juno", start_date=datetime.date(2014, 7, 28), end_date=datetime.date(2014, 7, 30)
    )
    updates = {}
    for meetup in (kilo, juno):
        day = DayFactory(meetup=meetup)
        for status in (Status.STARTED, Status.BLOCKED):
            updates[meetup.slug, status] = StatusUpdateFactory(
                session__day=day, priority_area=area, status=status
            )
    StatusUpdateFactory(session__day=DayFactory(meetup=kilo, number=2), status=Status.BLOCKED)
    return area, updates


def shown(response):
    assert response.status_code == 200
    return set(response.context["page_obj"])


def test_timeline_filters_by_status(client, timeline):
    area, updates = timeline
    response = client.get(area.get_absolute_url(), {"status": "blocked"})
    assert shown(response) == {updates["kilo", Status.BLOCKED], updates["juno", Status.BLOCKED]}


def test_timeline_filters_by_meetup(client, timeline):
    area, updates = timeline
    response = client.get(area.get_absolute_url(), {"meetup": "juno"})
    assert shown(response) == {updates["juno", Status.STARTED], updates["juno", Status.BLOCKED]}


def test_timeline_filters_combine(client, timeline):
    area, updates = timeline
    response = client.get(area.get_absolute_url(), {"meetup": "kilo", "status": "started"})
    assert shown(response) == {updates["kilo", Status.STARTED]}


def test_timeline_shows_its_filter_form_with_the_current_values(client, timeline):
    area, _updates = timeline
    content = client.get(area.get_absolute_url(), {"status": "blocked"}).content.decode()
    assert 'method="get"' in content
    assert '<option value="blocked" selected>' in content
    assert '<option value="juno">' in content


def test_timeline_says_when_nothing_matches(client, timeline):
    area, _updates = timeline
    response = client.get(area.get_absolute_url(), {"status": "implemented"})
    assert shown(response) == set()
    assert "No status update matches these filters." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"status": "finished"},
        {"meetup": "no-such-meetup"},
        {"meetup": "' OR 1=1 --"},
        {"status": "\x00"},
        {"meetup": "x" * 10_000},
        {"status": "Blocked"},
    ],
)
def test_invalid_filters_are_form_errors_not_server_errors(client, timeline, params):
    area, _updates = timeline
    response = client.get(area.get_absolute_url(), params)
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert "invalid-feedback" in response.content.decode()


def test_an_invalid_filter_leaves_the_valid_ones_applied(client, timeline):
    area, updates = timeline
    response = client.get(area.get_absolute_url(), {"status": "blocked", "meetup": "nope"})
    assert "meetup" in response.context["filter_form"].errors
    assert shown(response) == {updates["kilo", Status.BLOCKED], updates["juno", Status.BLOCKED]}


def test_timeline_pages_keep_the_filters(client):
    area = PriorityAreaFactory()
    day = DayFactory()
    for order in range(55):
        StatusUpdateFactory(priority_area=area, session__day=day, session__order=order)
    response = client.get(area.get_absolute_url(), {"status": "good-progress"})
    assert 'href="?status=good-progress&amp;page=2"' in response.content.decode()
    second = client.get(area.get_absolute_url(), {"status": "good-progress", "page": 2})
    assert len(second.context["page_obj"]) == 5


def test_filtered_timeline_costs_the_same_queries(client, django_assert_num_queries, timeline):
    area, _updates = timeline
    with django_assert_num_queries(7):
        client.get(area.get_absolute_url(), {"status": "blocked", "meetup": "kilo"})


def test_home_filters_by_meetup(client, timeline):
    response = client.get(reverse("priorities:meetup-list"), {"meetup": "juno"})
    assert [meetup.slug for meetup in response.context["meetups"]] == ["juno"]


def test_home_filters_by_status_and_counts_those_updates(client, timeline):
    MeetupFactory(slug="empty")
    StatusUpdateFactory(
        status=Status.IMPLEMENTED,
        session__day__meetup=MeetupFactory(
            slug="liberty",
            start_date=datetime.date(2015, 7, 21),
            end_date=datetime.date(2015, 7, 23),
        ),
    )
    response = client.get(reverse("priorities:meetup-list"), {"status": "blocked"})
    meetups = {meetup.slug: meetup for meetup in response.context["meetups"]}
    assert set(meetups) == {"kilo", "juno"}
    assert meetups["kilo"].status_update_count == 2
    assert meetups["kilo"].update_count == 3
    content = " ".join(response.content.decode().split())
    assert "2 marked Blocked" in content
    assert "/search/?meetup=kilo&amp;status=blocked" in content


def test_home_says_when_no_meetup_matches(client, timeline):
    response = client.get(reverse("priorities:meetup-list"), {"status": "deferred"})
    assert list(response.context["meetups"]) == []
    assert "No meetup matches these filters." in response.content.decode()


@pytest.mark.parametrize("params", [{"status": "nope"}, {"meetup": "nope"}, {"meetup": "\x00"}])
def test_home_invalid_filters_are_form_errors(client, timeline, params):
    response = client.get(reverse("priorities:meetup-list"), params)
    assert response.status_code == 200
    assert response.context["filter_form"].errors
    assert len(response.context["meetups"]) == 2


def test_filtered_home_costs_the_same_queries(client, django_assert_num_queries, timeline):
    with django_assert_num_queries(4):
        client.get(reverse("priorities:meetup-list"), {"status": "blocked", "meetup": "kilo"})
