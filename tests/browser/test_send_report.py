"""An organiser sends the demo day to the mailing list from the admin, in a real browser, and
the mail arrives at a real SMTP server (aiosmtpd on 127.0.0.1)."""

import re

import pytest
from django.urls import reverse

from priorities.models import ReportSending
from tests.browser.support import BROWSER_MARKS, EDITOR_PASSWORD, expect

pytestmark = BROWSER_MARKS


@pytest.fixture
def organiser(live_server):
    from tests.factories import OrganiserFactory

    return OrganiserFactory(username="organiser")


def test_an_organiser_previews_and_sends_the_day(page, demo_day, organiser, mailbox, settings):
    settings.SITE_URL = "https://notes.example.org"
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(reverse("admin:priorities_day_change", args=[demo_day.pk]))
    page.get_by_role("link", name="Send the report").click()
    expect(page.locator("#id_recipients")).to_have_value("openstack-dev@lists.openstack.org")
    expect(page.locator("pre.mail-text")).to_contain_text(
        "The day's page: https://notes.example.org/meetups/nova-kilo-midcycle/days/1/"
    )
    page.locator("#id_recipients").fill("openstack-dev@lists.openstack.org\nlead@example.org")
    page.get_by_role("button", name="Send").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "Sent OpenStack Nova Kilo mid-cycle meetup, day 1 to "
        "openstack-dev@lists.openstack.org, lead@example.org."
    )
    [(recipients, received)] = mailbox.messages
    assert recipients == ["openstack-dev@lists.openstack.org", "lead@example.org"]
    text = received.get_body(("plain",)).get_content()
    assert "https://notes.example.org/meetups/nova-kilo-midcycle/days/1/" in text
    assert received.get_body(("html",)) is not None
    assert ReportSending.objects.get().sent_by == organiser

    # Sending again: the earlier sending is shown, and nothing goes without the tick.
    page.get_by_role("link", name="Send the report").click()
    expect(page.locator(".sent-before")).to_contain_text("This day was sent before (1 time)")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".errorlist")).to_contain_text("tick this to send it again")
    assert len(mailbox.messages) == 1
