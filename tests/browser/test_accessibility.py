"""Accessibility in a real browser: axe-core on every public page, and what axe cannot judge.

axe-core comes from npm (``tests/browser/package.json``) and is injected by the test itself as
an init script, which no Content-Security-Policy of the page can block.
"""

import re

import pytest

from priorities.enums import Delivery, Status
from tests.browser.support import BROWSER_MARKS, PHONE_OPTIONS, expect, public_urls
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
)

pytestmark = BROWSER_MARKS

BLOCKING_IMPACTS = {"serious", "critical"}


def run_axe(page):
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")


def describe(violation):
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
    return f"{violation['impact']} {violation['id']}: {violation['help']} at {targets}"


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation_on_any_public_page(
    new_page, demo_day, axe_source, color_scheme, capsys
):
    page = new_page(color_scheme=color_scheme)
    page.add_init_script(script=axe_source)
    urls = public_urls(demo_day)
    urls["not found"] = "/meetups/no-such-meetup/"
    if "search" in urls:
        urls["search form"] = urls["search"].split("?")[0]
    blocking, minor = [], []
    for name, url in urls.items():
        page.goto(url)
        assert page.evaluate("document.documentElement.dataset.bsTheme") == color_scheme
        for violation in run_axe(page)["violations"]:
            found = blocking if violation["impact"] in BLOCKING_IMPACTS else minor
            found.append(f"{name} ({url}): {describe(violation)}")
    with capsys.disabled():
        print(
            f"\naxe-core, {color_scheme} mode, {len(urls)} pages: {len(blocking)} serious or "
            f"critical, {len(minor)} moderate or minor violation(s)"
        )
        for line in minor:
            print(f"  {line}")
    assert not blocking, "\n".join(blocking)


def test_every_public_page_has_landmarks_and_one_h1(page, demo_day):
    for name, url in public_urls(demo_day).items():
        page.goto(url)
        assert page.locator("h1").count() == 1, name
        expect(page.get_by_role("banner")).to_have_count(1)
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("contentinfo")).to_have_count(1)
        expect(page.get_by_role("navigation", name="Main")).to_have_count(1)
        # Every form field has a label a screen reader announces.
        unlabelled = page.locator("input:not([type=hidden]), select, textarea").evaluate_all(
            """fields => fields.filter(field => !(field.labels.length
                || field.getAttribute('aria-label') || field.getAttribute('aria-labelledby')))
                .map(field => field.name || field.id)"""
        )
        assert unlabelled == [], name


def test_keyboard_focus_is_always_visible(page, demo_day):
    page.goto(demo_day.get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    box = skip.bounding_box()
    assert box["width"] > 20 and box["height"] > 10
    seen = set()
    for _ in range(25):
        focus = page.evaluate(
            """() => { const el = document.activeElement, s = getComputedStyle(el);
                return [el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30),
                        s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
        )
        what, style, width = focus
        assert style != "none" and width >= 2, f"no visible focus on {what}: {style} {width}px"
        seen.add(what)
        page.keyboard.press("Tab")
    assert len(seen) > 15


def relative_luminance(rgb):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground, background):
    lighter, darker = sorted(map(relative_luminance, (foreground, background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def parse_rgb(css):
    values = [float(value) for value in re.findall(r"[\d.]+", css)]
    assert len(values) == 3 or values[3] == 1, f"translucent colour {css}"
    return values[:3]


@pytest.fixture
def every_badge(live_server):
    """A day whose page shows a badge of every status, "No update", Open, Done, In writing."""
    day = DayFactory()
    session = SessionFactory(day=day)
    for status in Status:
        StatusUpdateFactory(
            session=session,
            priority_area=PriorityAreaFactory(name=f"Area {status.label}"),
            status=status,
            delivery=Delivery.IN_WRITING,
        )
    PriorityAreaFactory(name="Area without an update")
    ActionItemFactory(session=session, done=True)
    ActionItemFactory(session=session, done=False)
    return day


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_badges_contrast_and_read_without_colour(new_page, every_badge, color_scheme):
    page = new_page(color_scheme=color_scheme)
    for url in (every_badge.get_absolute_url(), every_badge.meetup.get_absolute_url()):
        page.goto(url)
        badges = page.locator(".badge").evaluate_all(
            """badges => badges.map(b => [b.textContent.trim(), getComputedStyle(b).color,
                getComputedStyle(b).backgroundColor, b.className])"""
        )
        labels = {text for text, *_ in badges}
        expected = {f"{status.symbol} {status.label}" for status in Status} | {"No update"}
        assert expected <= labels
        for text, color, background, classes in badges:
            ratio = contrast(parse_rgb(color), parse_rgb(background))
            assert ratio >= 4.5, f"{text!r} ({classes}) {color} on {background}: {ratio:.2f}"


def test_phone_layout_keeps_long_words_inside_the_screen(new_page, live_server):
    update = StatusUpdateFactory(
        headline="A" * 120,
        body="See https://review.example.org/" + "x" * 200 + " for the whole series.",
    )
    page = new_page(**PHONE_OPTIONS)
    for url in (update.session.day.get_absolute_url(), update.priority_area.get_absolute_url()):
        page.goto(url)
        assert (
            page.evaluate("document.documentElement.scrollWidth")
            <= PHONE_OPTIONS["viewport"]["width"]
        )
