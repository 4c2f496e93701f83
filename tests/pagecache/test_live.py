"""Live pages: the day and meetup pages carry their content version, and a probe says when
it moved; editors of the team get edit links, readers (and their cached pages) never do."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.test.utils import override_script_prefix
from django.urls import reverse, set_script_prefix

from meetup.pagecache.models import ContentVersion
from tests.factories import EditorFactory, StatusUpdateFactory, browser_for, other_team
from tests.html import parse

pytestmark = pytest.mark.django_db

PROBE = "/live/version"


@pytest.fixture
def update():
    return StatusUpdateFactory(headline="Flavors are objectified")


def main_of(response):
    return next(e for e in parse(response.content).iter() if e.tag.endswith("main"))


@pytest.mark.parametrize("page", ["day", "meetup"])
def test_the_day_and_meetup_pages_say_where_to_ask_and_what_they_were_built_from(
    client, update, page
):
    day = update.session.day
    url = day.get_absolute_url() if page == "day" else day.meetup.get_absolute_url()
    main = main_of(client.get(url))
    assert main.get("data-live-url") == f"{PROBE}?page={quote(url, safe='')}"
    assert main.get("data-live-version") == str(ContentVersion.current()[0])
    scripts = [e.get("src") for e in parse(client.get(url).content).iter() if e.tag == "script"]
    assert "/static/js/live.js" in scripts


def test_pages_that_do_not_change_during_a_meeting_are_not_live(client, update):
    main = main_of(client.get(reverse("priorities:decision-list")))
    assert main.get("data-live-url") is None


def test_the_probe_answers_no_content_until_something_is_saved(client, update):
    day_url = update.session.day.get_absolute_url()
    version = main_of(client.get(day_url)).get("data-live-version")
    unchanged = client.get(PROBE, {"since": version})
    assert unchanged.status_code == 204
    assert unchanged.content == b""
    assert "no-cache" in unchanged["Cache-Control"]

    update.headline = "Flavors landed"
    update.save()
    changed = client.get(PROBE, {"since": version})
    assert changed.status_code == 200
    newer = changed.json()["version"]
    assert newer > int(version)
    assert main_of(client.get(day_url)).get("data-live-version") == str(newer)
    assert client.get(PROBE, {"since": newer}).status_code == 204


def test_the_probe_costs_one_query_and_no_session(update, django_assert_num_queries):
    reader = Client()
    with django_assert_num_queries(1):
        response = reader.get(PROBE, {"since": "0"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    # A missing or damaged "since" is simply not the current version.
    assert reader.get(PROBE, {"since": "abc"}).status_code == 200
    assert reader.get(PROBE).status_code == 200


def test_the_probe_takes_only_reads(client):
    assert client.post(PROBE).status_code == 405


def test_an_editor_of_the_team_gets_edit_links_and_readers_none(client, update):
    day = update.session.day
    reader_page = client.get(day.get_absolute_url()).content.decode()
    editor = EditorFactory()
    editor.teams.add(day.meetup.team)
    as_editor = browser_for(editor).get(day.get_absolute_url()).content.decode()
    links = [
        reverse("admin:priorities_day_change", args=[day.pk]),
        reverse("admin:priorities_session_change", args=[update.session.pk]),
        reverse("admin:priorities_session_round", args=[update.session.pk]),
        reverse("admin:priorities_statusupdate_change", args=[update.pk]),
    ]
    for link in links:
        assert link in as_editor
        assert link not in reader_page
    # The page the reader got, and the one the cache now holds, carry none.
    assert "/admin/priorities/" not in client.get(day.get_absolute_url()).content.decode()


def test_edit_links_follow_the_address_the_site_is_served_under(update):
    """The links are reversed once a view and process: under another script prefix (the site
    served at /notes/) they are the prefix's own."""
    day = update.session.day
    editor = EditorFactory()
    editor.teams.add(day.meetup.team)
    browser = browser_for(editor)
    link = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    url = day.get_absolute_url()
    assert f'href="{link}"' in browser.get(url).content.decode()
    set_script_prefix("/notes/")  # as Django's WSGI handler does (the test client does not)
    try:
        under_notes = browser.get(url).content.decode()
    finally:
        set_script_prefix("/")
    assert f'href="/notes{link}"' in under_notes


def test_an_editor_of_another_team_gets_no_edit_links(update):
    neutron, _liberty = other_team()
    stranger = EditorFactory()
    stranger.teams.add(neutron)
    day = update.session.day
    page = browser_for(stranger).get(day.get_absolute_url()).content.decode()
    assert reverse("admin:priorities_day_change", args=[day.pk]) not in page


@pytest.mark.parametrize("script_name", ["", "/notes"])
def test_the_probe_is_answered_before_sessions_and_sign_in_even_under_a_script_prefix(
    client, update, monkeypatch, script_name
):
    """Readers poll: the probe skips the stack, also when the site is served under a prefix."""

    def not_for_the_probe(*args, **kwargs):
        raise AssertionError("the probe went through the session middleware")

    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request", not_for_the_probe
    )
    with override_script_prefix(script_name or "/"):  # as the WSGI handler sets it
        answer = client.get(PROBE, {"since": "-1"}, SCRIPT_NAME=script_name)
    assert answer.status_code == 200
    assert answer.json()["version"] == ContentVersion.current()[0]


def test_an_editor_given_the_team_gets_its_edit_links_at_once(update):
    """Their browser holds the page without links: its ETag must not answer 304 any more."""
    neutron, _liberty = other_team()
    editor = EditorFactory()
    editor.teams.add(neutron)
    browser = browser_for(editor)
    day_url = update.session.day.get_absolute_url()
    before = browser.get(day_url)
    editor.teams.add(update.session.day.meetup.team)
    again = browser.get(day_url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert again.status_code == 200
    edit_link = reverse("admin:priorities_day_change", args=[update.session.day.pk])
    assert edit_link in again.content.decode()
