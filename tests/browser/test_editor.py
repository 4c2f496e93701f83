"""An editor in a real browser: signs in to the admin, posts an update and a decision, checks."""

import datetime
import re

import pytest
from django.urls import reverse

from priorities.enums import Status
from priorities.models import Decision, PriorityArea, Session, StatusUpdate
from tests.browser.support import BROWSER_MARKS, EDITOR_PASSWORD, expect, save_screenshot

pytestmark = BROWSER_MARKS


@pytest.fixture
def editor(live_server):
    from tests.factories import EditorFactory

    return EditorFactory(username="editor", first_name="Edith", last_name="Editor")


def log_in(page, user):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#user-tools").get_by_role("button", name="Log out")).to_be_visible()


def autocomplete(page, select, search, option):
    """Choose ``option`` in the admin's select2 autocomplete ``select`` after typing ``search``."""
    page.locator(f"{select} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).first.click()
    expect(page.locator(f"{select} + .select2 .select2-selection__rendered")).to_contain_text(
        option
    )


def test_editor_adds_a_status_update_and_a_decision_and_sees_them_on_the_day(
    page, demo_day, editor
):
    # The afternoon whiteboard session: the scheduler split turns out to be blocked.
    session = Session.objects.get(day=demo_day, kind="whiteboard")
    area = PriorityArea.objects.get(slug="scheduler")
    log_in(page, editor)

    # A status update, through its own admin form.
    page.goto(reverse("admin:priorities_statusupdate_add"))
    autocomplete(page, "#id_session", "Whiteboard", session.title)
    page.locator("#id_priority_area").select_option(label=f"OpenStack Nova · {area.name}")
    page.locator("#id_status").select_option(label=Status.BLOCKED.label)
    page.locator("#id_headline").fill("Blocked until the interface is agreed upstream")
    page.locator("#id_body").fill("The split needs **two more** design reviews.\n\n- ask the cores")
    page.locator("#id_reported_by").fill("Scheduler split lead")
    save_screenshot(page, "admin-change-form", full_page=True)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    update = StatusUpdate.objects.get(headline="Blocked until the interface is agreed upstream")
    assert update.saved_by == editor
    assert update.session == session

    # A decision, through the inline of the session's change form.
    page.goto(reverse("admin:priorities_session_change", args=[session.pk]))
    group = page.locator("#decisions-group")
    group.get_by_role("button", name=re.compile("Add another Decision")).click()
    row = group.locator("tr.dynamic-decisions:not(.empty-form)").last
    row.locator("textarea").fill("The scheduler interface gets a **weekly** review slot.")
    page.locator('input[name="_continue"]').click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    decision = Decision.objects.get(text__startswith="The scheduler interface gets")

    # Both are on the public day page, where they belong.
    page.goto(demo_day.get_absolute_url())
    card = page.locator(f"#area-{area.slug} #{update.anchor}")
    expect(card).to_contain_text("Blocked until the interface is agreed upstream")
    expect(card.locator(".status-badge")).to_contain_text("Blocked")
    expect(card.locator("strong")).to_have_text("two more")
    glance_row = page.get_by_role("row", name=re.compile(area.name))
    expect(glance_row.locator(".status-badge")).to_contain_text("Blocked")
    decision_item = page.locator(f"#{session.anchor} #{decision.anchor}")
    expect(decision_item).to_contain_text("The scheduler interface gets a weekly review slot")
    expect(decision_item.locator("strong")).to_have_text("weekly")


QUICK_NOTES = """\
#startmeeting Day 1 wrap-up
#topic Scheduler split
#status slow-progress Interface agreed on the whiteboard; the patches still wait for review
#info The series detaching Service from Compute Node stays the top priority
#agreed The interface drawn on the whiteboard is the target for Kilo
#action scheduler-team Write the whiteboard interface up as a spec update
#topic Process
#info Reviews are not getting worse, which is some stability
"""


def test_editor_adds_quick_notes_previews_them_and_confirms(page, demo_day, editor):
    log_in(page, editor)
    page.goto(reverse("admin:priorities_day_changelist"))
    page.get_by_role("link", name="Add quick notes").click()
    page.get_by_label("Day").select_option(label=str(demo_day))
    page.get_by_label("Notes").fill(QUICK_NOTES)
    page.get_by_role("button", name="Preview").click()

    preview = page.locator(".notes-changes")
    expect(preview.locator("li")).to_have_count(4)
    expect(preview).to_contain_text('session "Day 1 wrap-up" with 1 point in its notes')
    expect(preview).to_contain_text('line 3: create status update of "Scheduler split"')
    save_screenshot(page, "admin-quick-notes", full_page=True)
    assert not Session.objects.filter(title="Day 1 wrap-up").exists()

    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "1 session, 1 status update, 1 decision and 1 action item"
    )
    session = Session.objects.get(day=demo_day, title="Day 1 wrap-up")
    assert session.updates.get().saved_by == editor

    page.goto(session.get_absolute_url())
    section = page.locator(f"#{session.anchor}")
    expect(section.get_by_role("heading", name="Process")).to_be_visible()
    expect(section).to_contain_text("The interface drawn on the whiteboard is the target")
    expect(section).to_contain_text("scheduler-team")


#: Everything on a page that would need sideways scrolling: elements reaching past the window's
#: right edge, and boxes whose content is wider than they are (clipped or scrolled).
OVERFLOWING = """(selector) => [...document.querySelectorAll(selector)]
    .filter((element) => element.offsetParent !== null)
    .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5
        || element.scrollWidth > element.clientWidth + 1)
    .map((element) => element.id || element.name || element.className)"""


def test_the_session_form_fits_1280_px_and_its_inputs_show_what_they_hold(page, demo_day, editor):
    # The status round of the demo: nine updates, a decision, two action items, two risks.
    session = max(demo_day.sessions.all(), key=lambda session: session.updates.count())
    log_in(page, editor)
    page.goto(reverse("admin:priorities_session_change", args=[session.pk]))
    assert page.viewport_size["width"] == 1280
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    groups = "#updates-group, #decisions-group, #action_items-group, #risks-group"
    assert page.evaluate(OVERFLOWING, groups) == []
    assert page.evaluate(OVERFLOWING, ".inline-group th, .inline-group td") == []
    # The owner, done and delete columns of the action items are on screen, beside the text.
    row = page.locator("#action_items-0")
    for cell in ["td.field-text", "td.field-owner", "td.field-done", "td.delete"]:
        box = row.locator(cell).bounding_box()
        assert box["width"] > 20 and box["x"] + box["width"] <= 1280, cell
    assert row.locator("td.field-text textarea").bounding_box()["width"] >= 250
    # One-line inputs hold their whole value without scrolling it.
    one_line = "input.vTextField"
    assert page.locator(one_line).count() > 10
    assert page.evaluate(OVERFLOWING, one_line) == []
    assert page.locator("#id_updates-0-headline").bounding_box()["width"] >= 600
    save_screenshot(page, "admin-session-form", clip={"x": 0, "y": 0, "width": 1280, "height": 800})


def test_a_new_day_comes_prefilled_and_the_day_autocomplete_finds_kilo_1(page, demo_day, editor):
    log_in(page, editor)
    page.goto(reverse("admin:priorities_day_add"))
    meetup = demo_day.meetup
    expect(page.locator("#id_meetup + .select2")).to_contain_text(meetup.name)
    expect(page.locator("#id_number")).to_have_value("2")
    expect(page.locator("#id_date")).to_have_value(
        (demo_day.date + datetime.timedelta(days=1)).isoformat()
    )
    page.goto(reverse("admin:priorities_session_add"))
    autocomplete(page, "#id_day", "kilo 1", str(demo_day))
    page.locator("#id_day + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill("day 1")
    expect(page.locator(".select2-results__option", has_text=str(demo_day))).to_have_count(1)


def test_editor_adds_notes_to_a_session_of_the_day(page, demo_day, editor):
    """A round published area by area: later notes go into the session the first made."""
    log_in(page, editor)
    page.goto(reverse("admin:priorities_day_notes", args=[demo_day.pk]))
    page.get_by_label("Notes").fill(QUICK_NOTES)
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("1 session")

    page.goto(reverse("admin:priorities_day_notes", args=[demo_day.pk]))
    page.get_by_label("Add to").select_option(label="Day 1 wrap-up")
    page.get_by_label("Notes").fill(
        "#topic Scheduler split\n#status blocked Waiting on the spec\n#info the spec slipped\n"
        "#risk The spec may slip past Kilo\n"
    )
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".notes-changes")
    expect(page.get_by_role("heading", name=re.compile("add to “Day 1 wrap-up”"))).to_be_visible()
    expect(preview.locator("li").first).to_contain_text("changing the session's update")
    expect(preview.locator("pre.notes-detail").first).to_have_text("- the spec slipped")
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text("1 risk; 1 status update changed")
    session = Session.objects.get(day=demo_day, title="Day 1 wrap-up")
    update = session.updates.get()
    assert (update.status, update.headline) == (Status.BLOCKED, "Waiting on the spec")
    assert update.body.endswith("stays the top priority\n\n- the spec slipped")
    assert session.decisions.count() == 1 and session.risks.count() == 1
