"""Text written by editors never runs in a reader's (or another editor's) browser.

Every input of the hostile corpus (tests/corpora.py) is put in every Markdown and plain text
field of a day, then the pages that show it are parsed as a browser parses them: the day page,
the meetup page, the area's timeline and feed, and the admin pages an editor opens.
"""

import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from priorities.models import Person
from priorities.rendering import render_markdown
from tests.corpora import HOSTILE_MARKDOWN, MARKER
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    DayFactory,
    DecisionFactory,
    MeetupFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    TeamFactory,
)
from tests.html import executable_content, parse, text_of

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]


def test_the_corpus_is_large_enough():
    assert len(HOSTILE_MARKDOWN) >= 40
    assert len(set(HOSTILE_MARKDOWN)) == len(HOSTILE_MARKDOWN)


@pytest.mark.parametrize("hostile", HOSTILE_MARKDOWN)
def test_rendered_markdown_keeps_no_executable_content(hostile):
    html = render_markdown(f"{MARKER}\n\n{hostile}")
    assert executable_content(html) == []
    assert MARKER in text_of(html)


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "[x](javascript:alert(1))"])
def test_rendered_markdown_is_checked_by_the_parser_not_by_luck(hostile):
    """The checker itself finds script in unsanitised HTML (so a pass above means something)."""
    from markdown_it import MarkdownIt

    unsafe = MarkdownIt("commonmark", {"html": True})
    unsafe.validateLink = lambda url: True  # markdown-it refuses javascript: links itself
    assert executable_content(unsafe.render(hostile)) != []


def test_links_are_marked_as_user_content_and_keep_safe_schemes():
    html = render_markdown(
        "[a](https://example.org) [b](http://example.org) [c](mailto:team@example.org) "
        "[d](/meetups/x/) [e](ftp://example.org) ![i](https://example.org/i.png) "
        "![j](/static/i.png)"
    )
    links = {a.text: a.get("href") for a in parse(html).iter("a")}
    assert links == {
        "a": "https://example.org",
        "b": "http://example.org",
        "c": "mailto:team@example.org",
        "d": "/meetups/x/",
        "e": None,
    }
    assert {a.get("rel") for a in parse(html).iter("a")} == {"noopener nofollow ugc"}
    assert [img.get("src") for img in parse(html).iter("img")] == [
        "https://example.org/i.png",
        None,
    ]


def test_allowed_markup_survives():
    html = render_markdown(
        "# Title\n\n*em* **strong** `code`\n\n> quote\n\n- item\n\n1. one\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nx = 1\n```"
    )
    tags = {element.tag for element in parse(html).iter()}
    assert {"h4", "em", "strong", "code", "blockquote", "ul", "ol", "table", "pre"} <= tags


#: The corpus in groups: each group is one day holding every input of the group.
BATCH = 8
BATCHES = [HOSTILE_MARKDOWN[i : i + BATCH] for i in range(0, len(HOSTILE_MARKDOWN), BATCH)]


def hostile_day(batch):
    """A day where every editor-written field holds inputs of ``batch`` next to a benign marker.

    Each input gets its own priority area, update and outcomes, in one session; the texts of
    the day, the session and the meetup hold them all, one after the other.
    """

    def text(hostile):
        return f"{MARKER}\n\n{hostile}".replace("\x00", "\ufffd")  # NUL shows as U+FFFD

    def line(hostile):
        return text(hostile).replace("\n", " ")[:200]

    everything = "\n\n".join(text(hostile) for hostile in batch)
    all_on_one_line = " ".join(line(hostile) for hostile in batch)[:200]
    team = TeamFactory(
        name=all_on_one_line[:100], slug=f"hostile-{BATCHES.index(batch)}", description=everything
    )
    day = DayFactory(meetup=MeetupFactory(team=team, description=everything), summary=everything)
    # Someone attended but no lead did: every area shows its (hostile) leads' names.
    AttendanceFactory(meetup=day.meetup, days=[day])
    session = SessionFactory(
        day=day, title=all_on_one_line, facilitator=all_on_one_line, notes=everything
    )
    for position, hostile in enumerate(batch):
        # Numbered: names are unique whatever their case, and two notes may differ in case only.
        lead = Person.objects.create(name=f"{line(hostile)[:190]} {position}")
        area = PriorityAreaFactory(team=team, description=text(hostile), leads=[lead])
        StatusUpdateFactory(
            session=session,
            priority_area=area,
            headline=line(hostile),
            body=text(hostile),
            reported_by=line(hostile),
        )
        DecisionFactory(session=session, priority_area=area, text=text(hostile))
        ActionItemFactory(session=session, priority_area=area, text=text(hostile))
        RiskFactory(session=session, text=text(hostile))
    return day


@pytest.mark.parametrize("batch", BATCHES)
def test_reader_pages_show_hostile_notes_without_running_them(client, batch):
    day = hostile_day(batch)
    area = day.sessions.get().updates.first().priority_area
    for url in (
        day.get_absolute_url(),
        day.meetup.get_absolute_url(),
        area.get_absolute_url(),
        day.meetup.team.get_absolute_url(),
        reverse("priorities:priority-list"),
        reverse("priorities:search") + "?q=" + MARKER.split()[0],
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert executable_content(response.content) == [], url
        assert MARKER in text_of(response.content), url


@pytest.mark.parametrize("batch", BATCHES)
def test_feeds_carry_hostile_notes_sanitised(client, batch):
    day = hostile_day(batch)
    area = day.sessions.get().updates.first().priority_area
    for url in (
        reverse("priorities:updates-feed"),
        reverse("priorities:meetup-feed", args=[day.meetup.slug]),
        area.get_feed_url(),
    ):
        feed = ET.fromstring(client.get(url).content)  # noqa: S314 (our own feed)
        contents = [
            element.text or ""
            for element in feed.iter()
            if element.tag.endswith(("}summary", "}content")) and element.get("type") == "html"
        ]
        assert contents, url
        for html in contents:
            assert executable_content(html) == [], url


@pytest.mark.parametrize("batch", BATCHES)
def test_admin_pages_show_hostile_notes_as_text(superuser, batch):
    day = hostile_day(batch)
    day.summary += "\n\nEdited."
    day.save()  # so that the day's history shows a difference of hostile text
    session = day.sessions.get()
    editor = Client()
    editor.force_login(superuser)
    urls = [
        reverse(f"admin:priorities_{model}_changelist")
        for model in ("statusupdate", "session", "day", "decision", "actionitem", "risk")
    ]
    urls += [
        reverse("admin:priorities_priorityarea_changelist"),
        reverse("admin:priorities_day_change", args=[day.pk]),
        reverse("admin:priorities_day_history", args=[day.pk]),
        reverse("admin:priorities_meetup_change", args=[day.meetup.pk]),
        reverse("admin:priorities_session_changelist") + "?q=" + MARKER.split()[0],
        # A session's page shows its title and notes, and its updates and outcomes inline.
        reverse("admin:priorities_session_change", args=[session.pk]),
        reverse("admin:priorities_session_delete", args=[session.pk]),
    ]
    for url in urls:
        response = editor.get(url)
        assert response.status_code == 200, url
        assert executable_content(response.content, allow_svg=True) == [], url


def test_history_diff_of_hostile_text_is_shown_as_text(superuser):
    update = StatusUpdateFactory(body="harmless")
    update.body = '<img src=x onerror="alert(1)"> <script>alert(2)</script>'
    update.save()
    admin = Client()
    admin.force_login(superuser)
    response = admin.get(reverse("admin:priorities_statusupdate_history", args=[update.pk]))
    assert executable_content(response.content, allow_svg=True) == []
    assert "<script>alert(2)</script>" in text_of(response.content)
