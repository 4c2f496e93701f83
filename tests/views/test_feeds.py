import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from priorities.enums import Status
from priorities.feeds import FEED_SIZE
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    MeetupFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "http://testserver"


def get_feed(client, url):
    """The feed at ``url`` parsed as Atom, after checking what every Atom feed must hold."""
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert len(feed.findall(f"{ATOM}{name}")) == 1, name
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Meetup Notes"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
    assert links["self"] == f"{BASE}{url}"
    assert links["alternate"].startswith(f"{BASE}/")
    parse_date(feed.find(f"{ATOM}updated").text)
    ids = [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]
    assert len(ids) == len(set(ids)), "entry ids must be unique"
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
    return feed, links


def parse_date(text):
    value = datetime.datetime.fromisoformat(text)
    assert value.tzinfo is not None
    return value


def entries(feed):
    return [
        {
            "id": entry.find(f"{ATOM}id").text,
            "title": entry.find(f"{ATOM}title").text,
            "link": entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
            "updated": parse_date(entry.find(f"{ATOM}updated").text),
            "published": parse_date(entry.find(f"{ATOM}published").text),
            "summary": entry.find(f"{ATOM}summary").text,
            "categories": [c.get("term") for c in entry.findall(f"{ATOM}category")],
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def test_updates_feed_lists_every_update_newest_first(client):
    area = PriorityAreaFactory(name="Cells v2")
    older = StatusUpdateFactory(priority_area=area, headline="Cells started", status="started")
    newer = StatusUpdateFactory(headline="Objects landed", reported_by="Dan", body="**Done**")
    feed, links = get_feed(client, reverse("priorities:updates-feed"))
    assert feed.find(f"{ATOM}title").text == "Meetup Notes: status updates"
    assert links["alternate"] == f"{BASE}{reverse('priorities:priority-list')}"
    first, second = entries(feed)
    assert first["id"] == first["link"] == f"{BASE}{newer.get_absolute_url()}"
    assert first["link"].endswith(f"#{newer.anchor}")
    assert (
        first["title"]
        == f"OpenStack Nova · {newer.priority_area.name}: Good progress. Objects landed"
    )
    assert "<strong>Done</strong>" in first["summary"]
    assert second["id"] == f"{BASE}{older.get_absolute_url()}"
    assert second["title"] == "OpenStack Nova · Cells v2: Started. Cells started"
    assert second["categories"] == ["OpenStack Nova", "Cells v2", "Started"]
    newer.refresh_from_db()
    assert first["updated"] == newer.updated_at
    assert first["published"] == newer.created_at
    assert parse_date(feed.find(f"{ATOM}updated").text) == newer.updated_at
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Dan"


def test_an_entry_shows_when_it_was_last_changed(client):
    update = StatusUpdateFactory()
    update.headline = "Corrected headline"
    update.save()
    [entry] = entries(get_feed(client, reverse("priorities:updates-feed"))[0])
    assert entry["updated"] == update.updated_at > entry["published"]
    assert entry["title"].endswith("Corrected headline")


def test_feeds_hold_the_latest_entries_only(client):
    session = SessionFactory()
    for _ in range(FEED_SIZE + 3):
        StatusUpdateFactory(session=session)
    feed, _links = get_feed(client, reverse("priorities:updates-feed"))
    assert len(entries(feed)) == FEED_SIZE


def test_feed_summaries_are_sanitised_html(client):
    StatusUpdateFactory(body="<script>alert(1)</script> [x](javascript:alert(1)) & more")
    [entry] = entries(get_feed(client, reverse("priorities:updates-feed"))[0])
    assert "<script" not in entry["summary"]
    assert 'href="javascript:' not in entry["summary"]  # markdown-it shows it as text
    assert "&amp; more" in entry["summary"]


def test_an_empty_feed_is_still_valid(client):
    feed, _links = get_feed(client, reverse("priorities:updates-feed"))
    assert entries(feed) == []


def test_priority_area_feed_holds_that_area_only(client):
    area = PriorityAreaFactory(name="Scheduler split", slug="scheduler-split")
    mine = StatusUpdateFactory(priority_area=area, status=Status.NEEDS_REVIEW, headline="Review")
    StatusUpdateFactory(headline="Another area")
    feed, links = get_feed(client, area.get_feed_url())
    assert feed.find(f"{ATOM}title").text == "Meetup Notes: OpenStack Nova · Scheduler split"
    assert feed.find(f"{ATOM}id").text == links["alternate"] == f"{BASE}{area.get_absolute_url()}"
    [entry] = entries(feed)
    assert entry["id"] == f"{BASE}{mine.get_absolute_url()}"
    assert entry["title"] == "OpenStack Nova · Scheduler split: Needs code review. Review"


def test_meetup_feed_holds_its_decisions_and_action_items(client):
    meetup = MeetupFactory(name="Kilo mid-cycle", slug="kilo")
    session = SessionFactory(day=DayFactory(meetup=meetup))
    area = PriorityAreaFactory(name="Neutron migration")
    decision = DecisionFactory(
        session=session, priority_area=area, text="devstack moves to **Neutron**"
    )
    action = ActionItemFactory(session=session, owner="Sean", text="Write the patch", done=True)
    RiskFactory(session=session, text="A risk is not in this feed")
    DecisionFactory(text="Another meetup's decision")
    feed, links = get_feed(client, reverse("priorities:meetup-feed", kwargs={"slug": "kilo"}))
    assert feed.find(f"{ATOM}title").text == "Kilo mid-cycle: decisions and action items"
    assert links["alternate"] == f"{BASE}{meetup.get_absolute_url()}"
    first, second = entries(feed)
    assert first["id"] == first["link"] == f"{BASE}{action.get_absolute_url()}"
    assert first["title"] == "Action item for Sean (done): Write the patch"
    assert first["categories"] == ["OpenStack Nova", "Action item"]
    assert second["id"] == f"{BASE}{decision.get_absolute_url()}"
    assert second["link"].endswith(f"#{decision.anchor}")
    assert second["title"] == "Decision: devstack moves to **Neutron**"
    assert "<strong>Neutron</strong>" in second["summary"]
    assert second["categories"] == ["OpenStack Nova", "Decision", "Neutron migration"]


def test_long_outcomes_get_a_short_title(client):
    decision = DecisionFactory(text="word " * 100 + "\n\nsecond paragraph")
    url = reverse("priorities:meetup-feed", kwargs={"slug": decision.session.day.meetup.slug})
    [entry] = entries(get_feed(client, url)[0])
    assert entry["title"] == "Decision: " + "word " * 19 + "word…"


@pytest.mark.parametrize(
    "url",
    [
        "/priorities/no-such-area/feed/",
        "/teams/openstack-nova/priorities/no-such-area/feed/",
        "/teams/no-such-team/feed/",
        "/meetups/no-such-meetup/feed/",
    ],
)
def test_feeds_of_unknown_things_answer_404(client, url):
    assert client.get(url).status_code == 404


def feed_urls():
    update = StatusUpdateFactory()
    DecisionFactory(session=update.session)
    ActionItemFactory(session=update.session)
    return {
        "updates": reverse("priorities:updates-feed"),
        "area": update.priority_area.get_feed_url(),
        "team": reverse("priorities:team-feed", args=[update.priority_area.team.slug]),
        "meetup": reverse(
            "priorities:meetup-feed", kwargs={"slug": update.session.day.meetup.slug}
        ),
    }, update


@pytest.mark.parametrize(
    ("feed", "queries"), [("updates", 1), ("area", 2), ("team", 2), ("meetup", 3)]
)
def test_feed_query_counts_do_not_grow(client, feed, queries):
    urls, update = feed_urls()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(urls[feed]).status_code == 200
        counts.append(len(captured))
        for _ in range(20):
            session = SessionFactory(day=update.session.day)
            StatusUpdateFactory(session=session, priority_area=update.priority_area)
            DecisionFactory(session=session)
            ActionItemFactory(session=session)
    assert counts == [queries, queries]


def test_pages_link_to_their_feeds(client):
    urls, update = feed_urls()
    day = update.session.day
    pages = {
        reverse("priorities:meetup-list"): urls["updates"],
        reverse("priorities:priority-list"): urls["updates"],
        update.priority_area.get_absolute_url(): urls["area"],
        day.meetup.get_absolute_url(): urls["meetup"],
        day.get_absolute_url(): urls["meetup"],
    }
    for page, feed_url in pages.items():
        content = client.get(page).content.decode()
        link = re.search(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', content)
        assert link, page
        assert f'href="{feed_url}"' in link.group(), page


BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
READER_ACCEPT = "application/atom+xml,application/rss+xml;q=0.9,*/*;q=0.8"


def test_a_browser_following_a_feed_link_gets_a_readable_page_and_readers_the_feed(client):
    update = StatusUpdateFactory(headline="Flavors are objectified")
    url = reverse("priorities:updates-feed")
    page = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    text = " ".join(page.content.decode().split())
    assert "Follow it in a feed reader" in text
    assert "Flavors are objectified" in text
    assert f'value="http://testserver{url}"' in text
    assert update.get_absolute_url() in text

    for accept in (READER_ACCEPT, "*/*", None):
        headers = {"HTTP_ACCEPT": accept} if accept else {}
        feed = client.get(url, **headers)
        assert feed["Content-Type"].startswith("application/atom+xml"), accept
        assert "Accept" in feed["Vary"]
