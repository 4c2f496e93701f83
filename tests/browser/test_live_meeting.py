"""The meeting as it happens, in a real browser: a status round in a few keys an area, a
reader's page that follows it without a reload, and drafts that survive a reload."""

import re

import pytest
from django.urls import reverse

from priorities.enums import Status
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


def test_a_row_someone_else_saved_is_refused_with_their_text_then_saved_on_purpose(
    new_page, editor, afternoon
):
    from tests.factories import EditorFactory

    url = reverse("admin:priorities_session_round", args=[afternoon.pk])
    alice, bob = new_page(), new_page()
    log_in(alice, editor)
    log_in(bob, EditorFactory(username="second-notetaker"))
    alice.goto(url)
    bob.goto(url)
    alice_row = alice.locator("fieldset[data-row]").first
    alice_row.locator("input[name$='-headline']").fill("Alice's headline")
    alice_row.locator("textarea").fill("Alice's note")
    alice_row.locator("input[name$='-headline']").press("Enter")
    expect(alice_row.locator(".round-saved")).to_contain_text("Saved at")

    bob_row = bob.locator("fieldset[data-row]").first
    bob_row.locator("input[name$='-headline']").fill("Bob's headline")
    bob_row.locator("input[name$='-headline']").press("Enter")
    expect(bob_row.locator(".round-saved")).to_contain_text("Not saved")
    expect(bob_row.locator(".errorlist")).to_contain_text("Alice's headline")
    expect(bob_row.locator("textarea")).to_have_value("Alice's note")  # hers, where he typed none
    expect(bob_row.locator("input[name$='-headline']")).to_have_value("Bob's headline")
    bob_row.locator("input[name$='-headline']").press("Enter")  # after comparing: on purpose
    expect(bob_row.locator(".round-saved")).to_contain_text("Saved at")
    update = StatusUpdate.objects.get(session=afternoon)
    assert (update.headline, update.body) == ("Bob's headline", "Alice's note")


def test_saving_every_row_at_once_forgets_their_drafts(new_page, editor, afternoon):
    page = new_page()
    log_in(page, editor)
    page.goto(reverse("admin:priorities_session_round", args=[afternoon.pk]))
    rows = page.locator("fieldset[data-row]")
    rows.nth(0).locator("input[name$='-headline']").fill("First area's headline")
    rows.nth(1).locator("input[name$='-headline']").fill("Second area's headline")
    page.locator("#status-round-form textarea[name='outcome-text']").fill("A risk, typed")
    page.locator("#status-round-form select[name='outcome-kind']").select_option("risk")
    page.get_by_role("button", name="Save every changed row").click()
    expect(page.locator(".messagelist .success")).to_contain_text("2 status updates saved")
    page.reload()
    expect(page.get_by_role("button", name="Restore my text")).to_have_count(0)
    assert afternoon.updates.count() == 2 and afternoon.risks.get().text == "A risk, typed"


def test_a_draft_in_the_session_form_returns_to_its_own_row_after_rows_moved(
    new_page, editor, demo_day
):
    session = Session.objects.filter(day=demo_day).order_by("order").first()
    page = new_page()
    log_in(page, editor)
    page.goto(reverse("admin:priorities_session_change", args=[session.pk]))
    ids = page.locator("input[type=hidden][name^='updates-'][name$='-id']")
    first_id, third_id = ids.nth(0).get_attribute("value"), ids.nth(2).get_attribute("value")
    third = page.locator(f"input[type=hidden][name$='-id'][value='{third_id}']")
    prefix = third.get_attribute("name").removesuffix("-id")
    page.locator(f"[name='{prefix}-headline']").fill("My draft for the third row")
    StatusUpdate.objects.get(pk=first_id).delete()  # meanwhile: the rows below move up one
    page.reload()
    page.get_by_role("button", name="Restore my text").click()
    moved = page.locator(f"input[type=hidden][name$='-id'][value='{third_id}']")
    moved_prefix = moved.get_attribute("name").removesuffix("-id")
    assert moved_prefix != prefix
    expect(page.locator(f"[name='{moved_prefix}-headline']")).to_have_value(
        "My draft for the third row"
    )
    expect(page.locator(f"[name='{prefix}-headline']")).not_to_have_value(
        "My draft for the third row"
    )


def test_a_readers_focus_stays_where_it_was_when_the_page_updates(new_page, editor, afternoon):
    reader = new_page()
    reader.goto(afternoon.day.get_absolute_url())
    link = reader.locator("section#area-scheduler h3 a")
    link.focus()
    StatusUpdate.objects.create(
        session=afternoon,
        priority_area=afternoon.day.meetup.team.areas.get(slug="scheduler"),
        status=Status.GOOD_PROGRESS,
        headline="The interface spec is approved",
    )
    expect(reader.locator("section#area-scheduler")).to_contain_text(
        "The interface spec is approved", timeout=10_000
    )
    focused = reader.evaluate("document.activeElement.getAttribute('href')")
    assert focused == link.get_attribute("href")
