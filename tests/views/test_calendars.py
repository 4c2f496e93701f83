"""The iCalendar feeds of meetups, read back with the icalendar library as a calendar would."""

import datetime

import pytest
from django.urls import reverse
from icalendar import Calendar

from tests.factories import DayFactory, MeetupFactory, other_team
from tests.html import parse

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def get_calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return calendar


def events(calendar):
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def meetups():
    """Nova's mid-cycle meetup of two days, and a one-day Neutron meetup."""
    nova = MeetupFactory(
        name="Nova Kilo mid-cycle",
        slug="nova-kilo",
        location="Palo Alto, California",
        start_date=datetime.date(2015, 1, 26),
        end_date=datetime.date(2015, 1, 28),
        description="The *Kilo* mid-cycle.",
    )
    DayFactory(meetup=nova, number=2)
    DayFactory(meetup=nova, number=1)
    team, cycle = other_team()
    neutron = MeetupFactory(
        name="Neutron Liberty sprint",
        slug="neutron-sprint",
        team=team,
        cycle=cycle,
        location="",
        start_date=datetime.date(2015, 6, 3),
        end_date=datetime.date(2015, 6, 3),
    )
    return nova, neutron


@pytest.mark.usefixtures("meetups")
def test_every_meetup_is_an_all_day_event_with_its_place_and_days(client):
    calendar = get_calendar(client, reverse("priorities:calendar"))
    assert str(calendar["X-WR-CALNAME"]) == "Meetup Notes: meetups"
    found = events(calendar)
    assert set(found) == {"Nova Kilo mid-cycle", "Neutron Liberty sprint"}
    event = found["Nova Kilo mid-cycle"]
    # All-day dates; the end is exclusive: the day after the last day.
    assert event.decoded("DTSTART") == datetime.date(2015, 1, 26)
    assert event.decoded("DTEND") == datetime.date(2015, 1, 29)
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert str(event["LOCATION"]) == "Palo Alto, California"
    assert str(event["URL"]) == f"{BASE}/meetups/nova-kilo/"
    assert str(event["DESCRIPTION"]) == (
        "OpenStack Nova, Kilo cycle.\n\nThe *Kilo* mid-cycle.\n\nDays:\n"
        f"Day 1 (2015-01-26): {BASE}/meetups/nova-kilo/days/1/\n"
        f"Day 2 (2015-01-27): {BASE}/meetups/nova-kilo/days/2/"
    )
    one_day = found["Neutron Liberty sprint"]
    assert one_day.decoded("DTEND") == datetime.date(2015, 6, 4)
    assert "LOCATION" not in one_day
    assert str(one_day["DESCRIPTION"]) == "OpenStack Neutron, Liberty cycle."


def test_a_teams_calendar_holds_only_its_meetups(client, meetups):
    calendar = get_calendar(client, reverse("priorities:team-calendar", args=["openstack-nova"]))
    assert str(calendar["X-WR-CALNAME"]) == "OpenStack Nova: meetups"
    assert set(events(calendar)) == {"Nova Kilo mid-cycle"}
    response = client.get(reverse("priorities:team-calendar", args=["openstack-neutron"]))
    assert response["Content-Disposition"] == 'inline; filename="openstack-neutron-meetups.ics"'


def test_uids_are_stable_across_renames_and_moves(client, meetups):
    nova, _neutron = meetups
    url = reverse("priorities:calendar")
    before = {str(e["UID"]) for e in get_calendar(client, url).walk("VEVENT")}
    nova.name = "Nova mid-cycle (moved)"
    nova.start_date = datetime.date(2015, 1, 25)
    nova.save()
    after = get_calendar(client, url)
    assert {str(e["UID"]) for e in after.walk("VEVENT")} == before
    assert str(events(after)["Nova mid-cycle (moved)"]["UID"]) == f"meetup-{nova.pk}@testserver"
    assert len(before) == 2


def test_the_same_content_gives_the_same_bytes_and_answers_304(client, meetups):
    url = reverse("priorities:calendar")
    first = client.get(url)
    assert client.get(url).content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_an_unknown_team_has_no_calendar(client, meetups):
    assert client.get("/teams/no-such-team/meetups.ics").status_code == 404


def test_a_team_without_meetups_has_an_empty_calendar(client):
    team, _cycle = other_team()
    calendar = get_calendar(client, reverse("priorities:team-calendar", args=[team.slug]))
    assert list(calendar.walk("VEVENT")) == []


@pytest.mark.parametrize("meetup_count", [1, 20])
def test_a_calendar_costs_a_fixed_number_of_queries(
    client, django_assert_num_queries, meetup_count
):
    """The content version, the meetups with their team and cycle, and their days; a team's
    calendar one more, for the team."""
    for _n in range(meetup_count):
        meetup = MeetupFactory(end_date=datetime.date(2015, 3, 1))
        DayFactory(meetup=meetup, number=1)
        DayFactory(meetup=meetup, number=2)
    with django_assert_num_queries(3):
        get_calendar(client, reverse("priorities:calendar"))
    with django_assert_num_queries(4):
        get_calendar(client, reverse("priorities:team-calendar", args=["openstack-nova"]))


def test_home_and_team_pages_link_to_their_calendar(client, meetups):
    for page, calendar in (
        ("/", "/meetups.ics"),
        ("/teams/openstack-nova/", "/teams/openstack-nova/meetups.ics"),
    ):
        tree = parse(client.get(page).content)
        alternates = [
            link.get("href")
            for link in tree.iter("link")
            if link.get("rel") == "alternate" and link.get("type") == "text/calendar"
        ]
        assert alternates == [calendar], page
        assert calendar in [a.get("href") for a in tree.iter("a")], page
