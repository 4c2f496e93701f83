"""A reader on a phone (390 px): every cell of the day's glance table and of the meetup's
scoreboard is readable, judged cell by cell from the boxes the browser lays out."""

import datetime

import pytest

from priorities.enums import Status
from priorities.models import Day, Session, StatusUpdate
from tests.browser.support import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    PHONE_OPTIONS,
    expect,
    save_screenshot,
)
from tests.browser.test_accessibility import BLOCKING_IMPACTS, describe, run_axe

pytestmark = BROWSER_MARKS

#: Every visible element of ``cells`` (a selector) inside the wrapper ``wrapper`` that is
#: clipped: its content wider than its box, or its box outside the wrapper or the window.
CLIPPED = """([wrapper, cells]) => {
    const outer = document.querySelector(wrapper).getBoundingClientRect();
    const inside = (box) => box.left >= Math.max(outer.left, 0) - 0.5
        && box.right <= Math.min(outer.right, window.innerWidth) + 0.5;
    return [...document.querySelectorAll(`${wrapper} ${cells}`)]
        .filter((element) => element.getClientRects().length > 0)
        .filter((element) => element.scrollWidth > element.clientWidth + 1
            || !inside(element.getBoundingClientRect()))
        .map((element) => `${element.tagName} "${element.textContent.trim().slice(0, 40)}"`);
}"""

CELLS = "th, td, .status-badge, .status-change, .badge"


@pytest.fixture
def three_days(demo_day):
    """The demo meetup with two more days, where areas improve and slip."""
    statuses = [Status.BLOCKED, Status.IMPLEMENTED, Status.SLOW_PROGRESS, Status.NEEDS_REVIEW]
    first = list(StatusUpdate.objects.filter(session__day=demo_day).order_by("pk"))
    for number in (2, 3):
        day = Day.objects.create(
            meetup=demo_day.meetup,
            number=number,
            date=demo_day.date + datetime.timedelta(days=number - 1),
        )
        session = Session.objects.create(day=day, title="Status round", kind="status-round")
        for index, update in enumerate(first):
            StatusUpdate.objects.create(
                session=session,
                priority_area=update.priority_area,
                status=statuses[(index + number) % len(statuses)],
                headline=f"Day {number}: {update.headline}",
            )
    return demo_day.meetup


def test_every_cell_of_the_glance_table_is_readable_on_a_phone(new_page, three_days):
    page = new_page(**PHONE_OPTIONS)
    for number in (1, 2):
        page.goto(three_days.days.get(number=number).get_absolute_url())
        glance = page.get_by_role("table", name="Each priority area's status")
        expect(glance.locator("tbody tr")).to_have_count(9)
        assert page.evaluate(CLIPPED, [".glance", CELLS]) == []
        wrapper = page.locator(".day-section .table-responsive").first
        assert wrapper.evaluate("e => e.scrollWidth <= e.clientWidth")
    # Day 2 has every kind of change; each is written out whole, where the reader can see it.
    changes = page.locator(".glance .status-change")
    expect(changes.filter(has_text="Slipped").first).to_have_text("↓ Slipped")
    for change in changes.all():
        box = change.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    save_screenshot(page, "day-phone-changes", full_page=True, clip=phone_top(page, ".glance"))


def phone_top(page, selector, height=844):
    """``height`` pixels of page from ``selector``'s section down."""
    top = page.locator(selector).evaluate(
        "e => e.closest('section').getBoundingClientRect().top + window.scrollY"
    )
    return {"x": 0, "y": top, "width": PHONE["width"], "height": height}


def test_the_scoreboard_shows_every_day_on_a_phone(new_page, three_days):
    page = new_page(**PHONE_OPTIONS)
    page.goto(three_days.get_absolute_url())
    scoreboard = page.get_by_role("table", name="Status of each priority area")
    wrapper = page.get_by_role("region", name="Scoreboard table")
    assert wrapper.evaluate("e => e.scrollWidth > e.clientWidth")  # three days do not fit
    hint = page.locator(".scroll-hint")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("scrolls sideways")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    area = scoreboard.get_by_role("rowheader").first
    start = area.bounding_box()

    for number in (1, 2, 3):
        # Scrolled to each day in turn (as a swipe would), that day's column is whole and in
        # view, and the area column still beside it.
        column = scoreboard.get_by_role("columnheader", name=f"Day {number}")
        column.scroll_into_view_if_needed()
        index = column.evaluate("e => e.cellIndex")
        cells = f"tr > :nth-child({index + 1})"
        assert page.evaluate(CLIPPED, [".scoreboard-scroll", cells]) == [], number
        assert area.bounding_box()["x"] == start["x"]
        assert page.evaluate(CLIPPED, [".scoreboard-scroll", "th[scope=row]"]) == []
        if number == 2:
            # The hint, the area column and day 2 beside it: what the README shows.
            save_screenshot(
                page,
                "meetup-scoreboard-phone",
                animations="allow",
                full_page=True,
                clip=phone_top(page, ".scoreboard", height=640),
            )


def test_the_scroll_hint_is_shown_only_when_the_scoreboard_scrolls(new_page, demo_day):
    page = new_page(viewport=DESKTOP)
    page.goto(demo_day.meetup.get_absolute_url())
    expect(page.get_by_role("table", name="Status of each priority area")).to_be_visible()
    assert page.locator(".scroll-hint").count() == 0  # one day: nothing to scroll to
    Day.objects.create(meetup=demo_day.meetup, number=2, date=demo_day.date + datetime.timedelta(1))
    page.reload()
    wrapper = page.get_by_role("region", name="Scoreboard table")
    assert wrapper.evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(page.locator(".scroll-hint")).to_be_hidden()


def test_axe_finds_no_serious_violation_in_the_phone_layouts(new_page, three_days, axe_source):
    page = new_page(**PHONE_OPTIONS)
    page.add_init_script(script=axe_source)
    blocking = []
    for url in [three_days.get_absolute_url(), three_days.days.get(number=2).get_absolute_url()]:
        page.goto(url)
        for violation in run_axe(page)["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                blocking.append(f"{url}: {describe(violation)}")
    assert blocking == []
