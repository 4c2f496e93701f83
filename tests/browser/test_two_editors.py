"""Two editors in two real browsers on the same session page (issue 12, scenario 1).

Alice and Bob both open the demo's "Morning status round". Alice changes the first area's
headline and saves; Bob, whose page was open all along, changes only the third area's and
saves. Both are told their change was saved, and both changes are there: Bob's page never
writes back the row he did not touch. Then both change the same row: the second is refused,
told who saved it, and keeps his text in the form.
"""

import re

import pytest
from django.urls import reverse

from priorities.models import Session
from tests.browser.support import BROWSER_MARKS, expect
from tests.browser.test_editor import log_in

pytestmark = BROWSER_MARKS


@pytest.fixture
def two_editors(live_server):
    from tests.factories import EditorFactory

    return EditorFactory(username="alice"), EditorFactory(username="bob")


def test_two_editors_saving_different_rows_of_one_session_both_keep_their_work(
    new_page, demo_day, two_editors
):
    session = Session.objects.get(day=demo_day, title="Morning status round")
    updates = list(session.updates.order_by("pk"))
    url = reverse("admin:priorities_session_change", args=[session.pk])
    alice_page, bob_page = new_page(), new_page()
    for page, user in zip((alice_page, bob_page), two_editors, strict=True):
        log_in(page, user)
        page.goto(url)

    def headline_input(page, update):
        row = page.locator(f'input[name^="updates-"][name$="-id"][value="{update.pk}"]')
        name = row.get_attribute("name").removesuffix("-id")
        return page.locator(f'input[name="{name}-headline"]')

    headline_input(alice_page, updates[0]).fill("Alice: cells v2 database split agreed")
    alice_page.locator('input[name="_continue"]').click()
    expect(alice_page.locator(".messagelist")).to_contain_text("was changed successfully")

    headline_input(bob_page, updates[2]).fill("Bob: the third area, from his page")
    bob_page.locator('input[name="_continue"]').click()
    expect(bob_page.locator(".messagelist")).to_contain_text("was changed successfully")

    for update in updates:
        update.refresh_from_db()
    assert updates[0].headline == "Alice: cells v2 database split agreed"
    assert updates[2].headline == "Bob: the third area, from his page"

    # Now both change the first row: Bob's page is older than Alice's second save.
    alice_page.reload()
    bob_page.reload()
    headline_input(alice_page, updates[0]).fill("Alice again")
    alice_page.locator('input[name="_continue"]').click()
    expect(alice_page.locator(".messagelist")).to_contain_text("was changed successfully")
    headline_input(bob_page, updates[0]).fill("Bob's own words")
    bob_page.locator('input[name="_continue"]').click()

    expect(bob_page.locator(".errornote")).to_be_visible()
    expect(bob_page.locator(".errorlist").first).to_contain_text(
        re.compile(r"saved by alice at .* so your changes were not saved")
    )
    expect(headline_input(bob_page, updates[0])).to_have_value("Bob's own words")
    updates[0].refresh_from_db()
    assert updates[0].headline == "Alice again"
