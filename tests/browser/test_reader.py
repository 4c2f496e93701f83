"""A reader in a real browser: from the home page to a day, its priority areas and its report."""

import re

from priorities.interchange.report_export import day_report, report_filename
from priorities.models import PriorityArea
from tests.browser.support import (
    BROWSER_MARKS,
    DESKTOP,
    PHONE,
    PHONE_OPTIONS,
    expect,
    public_urls,
    save_screenshot,
)

pytestmark = BROWSER_MARKS


def test_reader_goes_from_home_to_the_day_and_reads_every_priority_area(page, demo_day):
    meetup = demo_day.meetup
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetups")
    save_screenshot(page, "home", full_page=True)

    page.get_by_role("link", name=meetup.name).click()
    expect(page).to_have_url(re.compile(rf"/meetups/{meetup.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(meetup.name)
    scoreboard = page.get_by_role("table", name="Status of each priority area")
    expect(scoreboard.get_by_role("row")).to_have_count(1 + PriorityArea.objects.count())
    save_screenshot(page, "meetup-scoreboard", full_page=True)

    page.get_by_role("link", name="Day 1", exact=True).first.click()
    expect(page).to_have_url(re.compile(rf"/meetups/{meetup.slug}/days/1/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day 1")

    # Summary first, then the day at a glance, who was there, the areas, the sessions.
    headings = page.locator("main h2").all_inner_texts()
    assert headings == ["Summary", "At a glance", "Who was there", "Priority areas", "Sessions"]

    areas = list(PriorityArea.objects.all())
    glance = page.get_by_role("table", name="Each priority area's status")
    expect(glance.locator("tbody tr")).to_have_count(len(areas))
    for area in areas:
        section = page.locator(f"section#area-{area.slug}")
        expect(section.get_by_role("heading", level=3)).to_have_text(area.name)
        updates = area.updates.filter(session__day=demo_day)
        for update in updates:
            card = section.locator(f"#{update.anchor}")
            expect(card).to_contain_text(update.headline)
            expect(card.locator(".status-badge")).to_contain_text(update.get_status_display())
        if not updates:
            expect(section).to_contain_text("No update recorded this day.")
        # The glance table links to the section on the page.
        glance.get_by_role("link", name=area.name, exact=True).click()
        expect(page).to_have_url(re.compile(rf"#area-{area.slug}$"))
        expect(section).to_be_in_viewport()

    for session in demo_day.sessions.all():
        expect(page.locator(f"#{session.anchor} h3")).to_have_text(session.title)

    # A priority link leads to that area's timeline, which links back to the day.
    area = PriorityArea.objects.filter(updates__session__day=demo_day).first()
    page.locator(f"#area-{area.slug}").get_by_role("heading", level=3).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/priorities/{area.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
    expect(page.locator(".update-card")).to_have_count(area.updates.count())
    page.locator(".update-card").first.get_by_role("link", name=str(demo_day)).click()
    expect(page).to_have_url(re.compile(rf"/meetups/{meetup.slug}/days/1/#update-\d+$"))


def test_reader_downloads_the_markdown_report(page, demo_day):
    page.goto(demo_day.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Markdown").click()
    download = download_info.value
    assert download.suggested_filename == report_filename(demo_day)
    with open(download.path(), encoding="utf-8") as report:
        content = report.read()
    assert content.startswith(f"# {demo_day.meetup.name}")
    assert "Cells v2" in content
    assert content == day_report(demo_day)


def top_of_page(viewport, height):
    return {"x": 0, "y": 0, "width": viewport["width"], "height": height}


def test_day_page_on_desktop_and_phone(new_page, demo_day):
    url = demo_day.get_absolute_url()
    desktop = new_page()
    desktop.goto(url)
    # The top of the page (summary, the day at a glance, the first areas) says what the page is
    # like; the whole page would make a needlessly heavy PNG.
    save_screenshot(desktop, "day-desktop", full_page=True, clip=top_of_page(DESKTOP, 1500))

    dark = new_page(color_scheme="dark")
    dark.goto(url)
    assert dark.evaluate("document.documentElement.dataset.bsTheme") == "dark"
    save_screenshot(dark, "day-dark", full_page=True, clip=top_of_page(DESKTOP, 900))

    phone = new_page(**PHONE_OPTIONS)
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Day 1")
    save_screenshot(phone, "day-phone", full_page=True, clip=top_of_page(PHONE, 1800))


def test_no_page_scrolls_sideways_on_a_phone(new_page, demo_day):
    page = new_page(**PHONE_OPTIONS)
    for name, url in public_urls(demo_day).items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{name} ({url}) is {width}px wide"


def test_reader_filters_the_decision_register_and_follows_a_decision_to_its_day(page, demo_day):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decision register")
    page.get_by_label("Text contains").fill("devstack")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/decisions/\?.*q=devstack"))
    decision = demo_day.sessions.get(decisions__text__icontains="devstack").decisions.get()
    save_screenshot(page, "decisions", full_page=True)

    page.locator(f'a[href="{decision.get_absolute_url()}"]').first.click()
    expect(page).to_have_url(re.compile(rf"/days/1/#{decision.anchor}$"))
    expect(page.locator(f"#{decision.anchor}")).to_be_in_viewport()


def test_reader_sees_what_changed_and_which_areas_had_no_lead_present(page, demo_day):
    page.goto(demo_day.get_absolute_url())
    api = page.locator("section#area-api-v2-1")
    expect(api.locator(".absent-leads")).to_contain_text("No lead present")
    expect(api.locator(".update-card")).to_contain_text("In writing")
    expect(api.locator(".area-change")).to_contain_text("New")
    expect(page.locator(".absent-leads")).to_have_count(1)
    box = api.bounding_box()
    margin = 16
    clip = {
        "x": box["x"] - margin,
        "y": box["y"] - margin,
        "width": box["width"] + 2 * margin,
        "height": box["height"] + 2 * margin,
    }
    save_screenshot(page, "day-absent-lead", full_page=True, clip=clip)


def test_reader_goes_from_the_team_to_an_areas_timeline_and_reads_its_chart(page, demo_day):
    team = demo_day.meetup.team
    page.goto("/")
    page.get_by_role("link", name=team.name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/teams/{team.slug}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    # The current cycle's priorities, in the cycle's order.
    listed = [p.area.name for p in team.current_cycle.priority_list.select_related("area")]
    priorities = page.get_by_role("table", name=re.compile("priorities", re.IGNORECASE))
    expect(priorities.locator("tbody tr")).to_have_count(len(listed))
    expect(priorities.locator("tbody tr").first).to_contain_text(listed[0])
    save_screenshot(page, "team", full_page=True)

    priorities.get_by_role("link", name="Scheduler split", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/teams/{team.slug}/priorities/scheduler/$"))
    chart = page.locator("svg.status-chart-svg")
    expect(chart).to_be_visible()
    expect(chart.locator("g.chart-point")).to_have_count(1)
    expect(chart.locator("g.chart-point title")).to_have_text(re.compile("day 1: "))
    page.get_by_text("The chart as a table").click()
    expect(page.locator("figure table tbody tr")).to_have_count(1)
    save_screenshot(page, "timeline", full_page=True)
