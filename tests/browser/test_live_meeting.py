"""The meeting as it happens, in a real browser: a status round in a few keys an area, a
reader's page that follows it without a reload, and drafts that survive a reload."""

import re

import pytest
from django.urls import reverse

from priorities.models import Session, StatusUpdate
from tests.browser.support import BROWSER_MARKS, expect, save_screenshot
from tests.browser.test_editor import log_in

pytestmark = BROWSER_MARKS

#: The nine Kilo priorities' headlines of an afternoon round; two areas change status.
HEADLINES = [
    "Schema for the API database agreed",
    "Flavors merged, instance next",
    "Interface spec approved",
    "Novaclient support posted",
    "First functional job voting",
    "Migration tool in review",
    "Online schema changes merged",
    "Triage day planned",
    "Gate failures halved",
]
CHANGED_STATUS = {1: "Implemented", 7: "Good progress"}  # row index: the status chosen


@pytest.fixture
def editor(live_server):
    from tests.factories import EditorFactory

    return EditorFactory(username="notetaker")


@pytest.fixture
def afternoon(demo_day):
    from tests.factories import SessionFactory

    return SessionFactory(day=demo_day, title="Afternoon status round", order=9, notes="")


class Actions:
    """Counts what a note-taker does besides typing text: clicks and keys."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, locator):
        locator.click()
        self.count += 1

    def press(self, key):
        self.page.keyboard.press(key)
        self.count += 1

    def type(self, text):
        self.page.keyboard.type(text)  # the typed text itself is not counted


def test_a_nine_area_status_round_takes_about_two_actions_an_area(new_page, editor, afternoon):
    page = new_page()
    log_in(page, editor)
    page.goto(reverse("admin:priorities_session_round", args=[afternoon.pk]))
    rows = page.locator("fieldset[data-row]")
    expect(rows).to_have_count(9)
    save_screenshot(page, "status-round", full_page=True)

    actions = Actions(page)
    actions.click(rows.first.locator("select"))
    page.keyboard.press("Escape")  # the click opened the list: closing it is part of the click
    for index, headline in enumerate(HEADLINES):
        row = rows.nth(index)
        expect(row.locator("select")).to_be_focused()
        if index in CHANGED_STATUS:
            actions.press(CHANGED_STATUS[index][0])  # a select jumps to the status's letter
            expect(row.locator("select option:checked")).to_have_text(CHANGED_STATUS[index])
        actions.press("Tab")
        actions.type(headline)
        actions.press("Enter")
        expect(row.locator(".round-saved")).to_contain_text("Saved at")

    saved = dict(StatusUpdate.objects.filter(session=afternoon).values_list("headline", "status"))
    assert set(saved) == set(HEADLINES)
    assert saved["Flavors merged, instance next"] == "implemented"
    per_area = actions.count / len(HEADLINES)
    print(f"\nstatus round: {actions.count} actions for {len(HEADLINES)} areas ({per_area:.2f})")
    assert actions.count == 1 + 2 * len(HEADLINES) + len(CHANGED_STATUS)
    assert per_area <= 2.5


def test_the_session_form_needs_many_more_actions_for_the_same_round(new_page, editor, afternoon):
    """The same nine updates through the session's full admin form, for comparison."""
    page = new_page()
    log_in(page, editor)
    page.goto(reverse("admin:priorities_session_change", args=[afternoon.pk]))
    actions = Actions(page)
    areas = [p.area.name for p in afternoon.day.meetup.cycle.priority_list.select_related("area")]
    group = page.locator("#updates-group")
    for index, (area, headline) in enumerate(zip(areas, HEADLINES, strict=True)):
        actions.click(group.get_by_role("button", name=re.compile("Add another Status update")))
        row = group.locator(".inline-related:not(.empty-form)").nth(index)
        actions.click(row.locator("select[name$='-priority_area']"))
        page.keyboard.press("Escape")
        row.locator("select[name$='-priority_area']").select_option(label=area)
        actions.count += 1  # choosing the option
        actions.click(row.locator("select[name$='-status']"))  # no status is pre-selected
        page.keyboard.press("Escape")
        row.locator("select[name$='-status']").select_option(label="Started")
        actions.count += 1
        actions.click(row.locator("input[name$='-headline']"))
        actions.type(headline)
    actions.click(page.locator('input[name="_continue"]'))
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert StatusUpdate.objects.filter(session=afternoon).count() == 9
    print(f"\nsession form: {actions.count} actions for 9 areas ({actions.count / 9:.2f})")
    assert actions.count == 6 * 9 + 1


def test_a_reader_sees_a_new_update_within_ten_seconds_without_a_reload(
    new_page, editor, afternoon
):
    reader = new_page()
    reader.goto(afternoon.day.get_absolute_url())
    reader.evaluate("window.stillTheSamePage = true")
    note_taker = new_page()
    log_in(note_taker, editor)
    note_taker.goto(reverse("admin:priorities_session_round", args=[afternoon.pk]))
    row = note_taker.locator("fieldset[data-row]").nth(2)
    row.locator("input[name$='-headline']").fill("The interface spec is approved")
    row.get_by_role("button", name=re.compile("Save")).click()
    expect(row.locator(".round-saved")).to_contain_text("Saved at")

    section = reader.locator("section#area-scheduler")
    expect(section).to_contain_text("The interface spec is approved", timeout=10_000)
    assert reader.evaluate("window.stillTheSamePage") is True
    expect(reader.locator("#live-status")).to_contain_text("Updated at")
    expect(reader.locator("#live-status")).to_have_attribute("aria-live", "polite")


def test_a_draft_survives_a_reload_and_an_expired_sign_in(new_page, editor, afternoon):
    page = new_page()
    log_in(page, editor)
    url = reverse("admin:priorities_session_round", args=[afternoon.pk])
    page.goto(url)
    headline = page.locator("fieldset[data-row]").first.locator("input[name$='-headline']")
    headline.fill("Typed, then the tab was closed")
    page.reload()
    expect(headline).to_have_value("")
    page.get_by_role("button", name="Restore my text").click()
    expect(headline).to_have_value("Typed, then the tab was closed")

    # The sign-in expires: the save is refused, the text stays, and so does the draft.
    page.context.clear_cookies()
    headline.press("Enter")
    row = page.locator("fieldset[data-row]").first
    expect(row).to_contain_text("signed out")
    expect(headline).to_have_value("Typed, then the tab was closed")
    assert not StatusUpdate.objects.filter(session=afternoon).exists()

    log_in(page, editor)
    page.goto(url)
    page.get_by_role("button", name="Restore my text").click()
    headline.press("Enter")
    expect(row.locator(".round-saved")).to_contain_text("Saved at")
    page.reload()
    expect(page.get_by_role("button", name="Restore my text")).to_have_count(0)
    assert Session.objects.get(pk=afternoon.pk).updates.get().headline == (
        "Typed, then the tab was closed"
    )
