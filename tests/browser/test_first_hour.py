"""A newcomer's first hour, at 1280 px and at 390 px: search, a feed link, a long day page,
an area not reported that day, the trend legend, signing in."""

import re

import pytest
from django.urls import reverse

from priorities.enums import Status
from tests.browser.support import (
    BROWSER_MARKS,
    DESKTOP,
    EDITOR_PASSWORD,
    PHONE,
    PHONE_OPTIONS,
    expect,
    save_screenshot,
)

pytestmark = BROWSER_MARKS

SIZES = {"desktop": {"viewport": DESKTOP}, "phone": PHONE_OPTIONS}


@pytest.mark.parametrize("size", SIZES)
def test_search_shows_plain_snippets_and_on_a_phone_the_results_come_first(
    new_page, demo_day, size
):
    page = new_page(**SIZES[size])
    page.goto(reverse("priorities:search") + "?q=whiteboard")
    hits = page.locator(".search-hit")
    expect(hits.first).to_be_visible()
    snippets = " ".join(page.locator(".search-snippet").all_inner_texts())
    assert "whiteboard session" in snippets
    assert "**" not in snippets
    expect(page.locator(".search-snippet mark").first).to_have_text(re.compile("whiteboard", re.I))
    # The filters are folded once there are results: the first hit is on the first screen.
    filters = page.locator("details.search-filters")
    expect(filters).not_to_have_attribute("open", "")
    viewport = PHONE if size == "phone" else DESKTOP
    assert hits.first.bounding_box()["y"] < viewport["height"]
    filters.locator("summary").click()
    expect(page.get_by_label("From")).to_have_attribute("type", "date")
    save_screenshot(page, f"search-{size}", full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_a_feed_link_opens_a_readable_page_with_the_address_to_subscribe(new_page, demo_day, size):
    page = new_page(**SIZES[size])
    page.goto(demo_day.meetup.team.get_absolute_url())
    page.get_by_role("link", name=re.compile("Atom feed")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("OpenStack Nova")
    expect(page.get_by_role("heading", name="Follow it in a feed reader")).to_be_visible()
    address = page.get_by_label("Feed address")
    expect(address).to_have_value(re.compile(r"/teams/openstack-nova/feed/$"))
    expect(page.locator(".feed-entry")).to_have_count(9)
    if size == "desktop":
        save_screenshot(page, "feed", full_page=True)


@pytest.mark.parametrize("size", SIZES)
def test_a_long_day_lists_its_contents_and_an_unreported_area_its_last_status(
    new_page, demo_day, size
):
    from tests.factories import DayFactory, SessionFactory, StatusUpdateFactory

    day_2 = DayFactory(meetup=demo_day.meetup, number=2)
    cells = demo_day.meetup.team.areas.get(slug="cells-v2")
    StatusUpdateFactory(
        session=SessionFactory(day=day_2, title="Morning status round"),
        priority_area=cells,
        status=Status.GOOD_PROGRESS,
    )
    page = new_page(**SIZES[size])
    page.goto(day_2.get_absolute_url())
    contents = page.get_by_role("navigation", name="On this page")
    contents.get_by_role("link", name="Morning status round").click()
    expect(page).to_have_url(re.compile(r"#session-\d+$"))
    page.get_by_role("link", name="Back to the top").last.click()
    expect(page).to_have_url(re.compile(r"#content$"))

    glance = page.get_by_role("table", name="Each priority area's status at the end of the day")
    bugs = glance.get_by_role("row").filter(has_text="Bugs")
    expect(bugs).to_contain_text("No update")
    expect(bugs).to_contain_text("Last: Started on day 1")
    if size == "desktop":
        save_screenshot(page, "glance-last-status", clip=glance.bounding_box())


def test_the_scoreboard_legend_states_the_trend_rule(page, demo_day):
    page.goto(demo_day.meetup.get_absolute_url())
    expect(page.locator(".scoreboard-legend")).to_contain_text(
        "A move into slow progress, blocked or deferred is never an improvement"
    )


def test_signing_in_from_a_refused_address_lands_on_the_admin(page, live_server):
    from tests.factories import EditorFactory

    editor = EditorFactory(username="newcomer")
    page.goto(reverse("admin:login") + "?next=https://example.org/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
