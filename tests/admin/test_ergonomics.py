"""The admin while a meetup runs: a new day comes pre-filled, and "day 2" finds day 2."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from priorities.models import Day, Meetup
from tests.factories import (
    CycleFactory,
    DayFactory,
    EditorFactory,
    MeetupFactory,
    browser_for,
    other_team,
)
from tests.html import form_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def meetup_running(days_ago=1, length=4, **fields):
    start = TODAY - datetime.timedelta(days=days_ago)
    return MeetupFactory(
        start_date=start, end_date=start + datetime.timedelta(days=length - 1), **fields
    )


def add_day_form(client, query=""):
    response = client.get(reverse("admin:priorities_day_add") + query)
    assert response.status_code == 200
    data = form_data(response.content)
    return data.get("meetup", ""), data.get("number", ""), data.get("date", "")


# Meetup.next_day and MeetupQuerySet.current: the rules.


def test_the_next_day_follows_the_highest_number_and_the_latest_date():
    meetup = MeetupFactory(
        start_date=datetime.date(2015, 1, 26), end_date=datetime.date(2015, 1, 28)
    )
    assert (meetup.next_day().number, meetup.next_day().date) == (1, datetime.date(2015, 1, 26))
    DayFactory(meetup=meetup, number=1)
    DayFactory(meetup=meetup, number=2)
    following = meetup.next_day()
    assert (following.meetup, following.number, following.date) == (
        meetup,
        3,
        datetime.date(2015, 1, 28),
    )


def test_a_next_day_after_the_meetups_end_has_no_date(django_assert_num_queries):
    meetup = MeetupFactory(
        start_date=datetime.date(2015, 1, 26), end_date=datetime.date(2015, 1, 26)
    )
    DayFactory(meetup=meetup, number=1)
    with django_assert_num_queries(1):
        following = meetup.next_day()
    assert (following.number, following.date) == (2, None)


def test_the_current_meetup_is_the_one_in_progress_else_the_latest(django_assert_num_queries):
    MeetupFactory(start_date=TODAY - datetime.timedelta(days=400), end_date=TODAY)
    assert Meetup.objects.current(TODAY + datetime.timedelta(days=1)) == Meetup.objects.first()
    running = meetup_running()
    later = MeetupFactory(
        start_date=TODAY + datetime.timedelta(days=30), end_date=TODAY + datetime.timedelta(days=32)
    )
    with django_assert_num_queries(1):
        assert Meetup.objects.current(TODAY) == running
    assert Meetup.objects.current(TODAY + datetime.timedelta(days=10)) == later


# Adding a day in the admin.


def test_adding_a_day_prefills_the_meetup_in_progress_its_next_number_and_date(
    organiser_client,
):
    running = meetup_running(days_ago=1)
    MeetupFactory(
        start_date=TODAY + datetime.timedelta(days=60), end_date=TODAY + datetime.timedelta(days=61)
    )
    DayFactory(meetup=running, number=1, date=running.start_date)
    assert add_day_form(organiser_client) == (str(running.pk), "2", TODAY.isoformat())


def test_with_no_meetup_in_progress_the_latest_is_prefilled(organiser_client):
    MeetupFactory(start_date=datetime.date(2014, 6, 2), end_date=datetime.date(2014, 6, 4))
    latest = MeetupFactory(
        start_date=datetime.date(2015, 1, 26), end_date=datetime.date(2015, 1, 28)
    )
    assert add_day_form(organiser_client) == (str(latest.pk), "1", "2015-01-26")


def test_a_meetup_in_the_address_gets_its_own_next_day(organiser_client):
    meetup_running()
    chosen = MeetupFactory(
        start_date=datetime.date(2015, 1, 26), end_date=datetime.date(2015, 1, 28)
    )
    DayFactory(meetup=chosen, number=1)
    assert add_day_form(organiser_client, f"?meetup={chosen.pk}") == (
        str(chosen.pk),
        "2",
        "2015-01-27",
    )
    # A damaged address is left to the form, never a 500.
    assert add_day_form(organiser_client, "?meetup=abc")[1:] == ("", "")


def test_an_editor_of_one_team_gets_their_teams_meetup(client):
    cycle = CycleFactory()
    ours = MeetupFactory(
        team=cycle.team,
        cycle=cycle,
        start_date=datetime.date(2015, 1, 26),
        end_date=datetime.date(2015, 1, 28),
    )
    team, other_cycle = other_team()
    meetup_running(team=team, cycle=other_cycle)  # in progress, but another team's
    editor = EditorFactory()
    editor.teams.add(cycle.team)
    assert add_day_form(browser_for(editor))[0] == str(ours.pk)


def test_the_prefilled_day_saves_as_shown(organiser_client):
    running = meetup_running()
    DayFactory(meetup=running, number=1, date=running.start_date)
    page = organiser_client.get(reverse("admin:priorities_day_add"))
    data = form_data(page.content)
    response = organiser_client.post(reverse("admin:priorities_day_add"), data)
    assert response.status_code == 302
    assert list(running.days.values_list("number", "date")) == [
        (1, running.start_date),
        (2, TODAY),
    ]


# The day autocomplete, as the session form's "day" field asks it.


def autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "priorities", "model_name": "session", "field_name": "day", "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


@pytest.fixture
def two_meetups():
    kilo = CycleFactory(name="Kilo", slug="kilo")
    nova = MeetupFactory(
        team=kilo.team, cycle=kilo, name="Nova Kilo mid-cycle", slug="nova-kilo-midcycle"
    )
    liberty = CycleFactory(team=kilo.team, name="Liberty", slug="liberty")
    later = MeetupFactory(
        team=kilo.team,
        cycle=liberty,
        name="Nova Liberty mid-cycle",
        slug="nova-liberty-midcycle",
        start_date=datetime.date(2015, 7, 21),
        end_date=datetime.date(2015, 7, 23),
    )
    for meetup in (nova, later):
        for number in (1, 2, 3):
            DayFactory(meetup=meetup, number=number, summary="")
    return nova, later


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("day 2", ["Nova Kilo mid-cycle, day 2", "Nova Liberty mid-cycle, day 2"]),
        ("Day2", ["Nova Kilo mid-cycle, day 2", "Nova Liberty mid-cycle, day 2"]),
        ("kilo 2", ["Nova Kilo mid-cycle, day 2"]),
        ("Kilo day 3", ["Nova Kilo mid-cycle, day 3"]),
        ("nova liberty, day 1", ["Nova Liberty mid-cycle, day 1"]),
        ("nova-kilo-midcycle/1", ["Nova Kilo mid-cycle, day 1"]),
        ("kilo", [f"Nova Kilo mid-cycle, day {n}" for n in (1, 2, 3)]),
        ("juno 2", []),
        ("Kilo,day2", ["Nova Kilo mid-cycle, day 2"]),
        ("12", []),
    ],
)
def test_the_day_autocomplete_understands_day_names(organiser_client, two_meetups, term, found):
    assert sorted(autocomplete(organiser_client, term)) == found


def test_long_or_wordy_searches_are_no_day_names(two_meetups):
    """Shapes that would make a backtracking pattern slow are read in one pass (no pattern in
    ``DayQuerySet.named`` can backtrack), and too many words are not a day's name."""
    assert Day.objects.named(" " * 100_000 + "x1" + " " * 100_000).count() == 0
    assert Day.objects.named(", " * 100_000 + "x") is None
    assert Day.objects.named("a " * 9 + "2") is None


def test_the_day_autocomplete_is_one_query_and_keeps_to_the_editors_teams(two_meetups):
    team, cycle = other_team()
    DayFactory(meetup__team=team, meetup__cycle=cycle, meetup__name="Neutron Kilo sprint", number=2)
    editor = EditorFactory()
    editor.teams.add(two_meetups[0].team)
    browser = browser_for(editor)
    assert "Neutron Kilo sprint, day 2" in autocomplete(browser_for(EditorFactory()), "kilo 2")
    assert autocomplete(browser, "kilo 2") == ["Nova Kilo mid-cycle, day 2"]
    with CaptureQueriesContext(connection) as queries:
        autocomplete(browser, "day 2")
    days = [query["sql"] for query in queries.captured_queries if "priorities_day" in query["sql"]]
    # The page of results and, as every autocomplete page has, their count.
    assert len(days) == 2 and "COUNT" in days[0]
    assert Day.objects.count() == 7
