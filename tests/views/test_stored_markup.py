"""Readers are shown the HTML stored when the text was saved: no page renders Markdown."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from markdown_it import MarkdownIt

import priorities.rendering
from tests.factories import build_day

pytestmark = pytest.mark.django_db


def read_urls(day):
    """Every page showing editors' text. (Not the search page: its snippets read each hit's
    Markdown as plain words, ``priorities.search``, not as HTML.)"""
    area = day.sessions.first().updates.first().priority_area
    meetup, team = day.meetup, day.meetup.team
    return [
        reverse("priorities:meetup-list"),
        meetup.get_absolute_url(),
        day.get_absolute_url(),
        reverse("priorities:day-report", kwargs={"slug": meetup.slug, "number": day.number}),
        reverse("priorities:priority-list"),
        area.get_absolute_url(),
        team.get_absolute_url(),
        reverse("priorities:decision-list"),
        reverse("priorities:action-list"),
        reverse("priorities:updates-feed"),
        reverse("priorities:team-feed", kwargs={"team": team.slug}),
        area.get_feed_url(),
        reverse("priorities:meetup-feed", kwargs={"slug": meetup.slug}),
    ]


def refuse_markdown_rendering(monkeypatch):
    """From now on, record any rendering of Markdown, however it is reached: the site's
    function, the parser under it, or the sanitiser. (A render that raises is caught and shown
    as text, so each call is recorded rather than trusted to fail the page.)"""
    calls = []

    def refuse(name):
        def called(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} called while reading a page")

        return called

    priorities.rendering.render_markdown.cache_clear()  # as in a worker that has just started
    monkeypatch.setattr(priorities.rendering, "render_markdown", refuse("render_markdown"))
    monkeypatch.setattr(MarkdownIt, "parse", refuse("MarkdownIt.parse"))
    monkeypatch.setattr(priorities.rendering.nh3, "clean", refuse("nh3.clean"))
    return calls


def test_no_page_or_feed_renders_markdown(client, monkeypatch):
    day = build_day(updates_per_area=1)
    day.summary = "The day's **summary**."
    day.save()
    day.meetup.description = "A *meetup*."
    day.meetup.save()
    cache.clear()  # no page is cached: each is built now
    calls = refuse_markdown_rendering(monkeypatch)
    for url in read_urls(day):
        for accept in ("*/*", "text/html"):  # a feed is a page too, in a browser
            assert client.get(url, HTTP_ACCEPT=accept).status_code == 200, url
    assert calls == []
    page = client.get(day.get_absolute_url()).content.decode()
    assert "The day's <strong>summary</strong>." in page
    assert "Some <em>progress</em> was made." in page
    assert "A <em>meetup</em>." in client.get(day.meetup.get_absolute_url()).content.decode()
