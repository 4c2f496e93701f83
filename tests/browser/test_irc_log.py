"""An organiser pastes a meeting's IRC log, previews it, confirms, and reads the day page."""

import re

import pytest
from django.urls import reverse

from priorities.models import Attendance, Person, Session
from tests.browser.support import BROWSER_MARKS, EDITOR_PASSWORD, expect, save_screenshot

pytestmark = BROWSER_MARKS

#: The remote half of the demo's day 1, as MeetBot logged it in #openstack-meeting-3.
LOG = """\
18:58:02 <sdague> morning all
18:59:40 * mriedem is still finding coffee
19:00:00 <dansmith> #startmeeting Nova remote status
19:00:01 <openstack> Meeting started Mon Jan 26 19:00:00 2015 UTC.  The chair is dansmith.
19:00:02 <openstack> Useful Commands: #action #agreed #help #info #idea #link #topic.
19:00:20 <alaski> o/
19:00:30 <dansmith> #chair alaski
19:01:00 <alaski> #topic cells
19:01:10 <alaski> #status good-progress: the cell mapping series is merged
19:01:30 <sdague> #info the <grenade> job & the cells job both pass
19:02:00 <dansmith> #topic neutron
19:02:10 <dansmith> #startvote Should devstack default to Neutron? Yes, No
19:02:11 <openstack> Begin voting on: Should devstack default to Neutron? Options are Yes, No.
19:02:20 <sdague> #vote Yes
19:02:25 <mriedem> #vote yes
19:02:30 <alaski> #vote No
19:02:40 <dansmith> #endvote
19:02:41 <openstack> Voted on "Should devstack default to Neutron?" Results are
19:03:00 <dansmith> #action sdague, mriedem switch the devstack default
19:03:30 <mriedem> lol
19:04:00 <dansmith> #endmeeting
19:04:01 <openstack> Meeting ended Mon Jan 26 19:04:00 2015 UTC.
19:05:00 <sdague> bye
"""


@pytest.fixture
def organiser(live_server):
    from tests.factories import OrganiserFactory

    return OrganiserFactory(username="organiser")


def test_an_organiser_pastes_an_irc_log_and_reads_its_transcript_on_the_day_page(
    page, demo_day, organiser
):
    for name, nick in [
        ("Dan Smith", "dansmith"),
        ("Sean Dague", "sdague"),
        ("Matt Riedemann", "mriedem"),
        ("Andrew Laski", "alaski"),
    ]:
        Person.objects.filter(name=name).update(irc_nick=nick)
    # Matt Riedemann was not ticked present on day 1: the log shows him there.
    for attendance in Attendance.objects.filter(person__name="Matt Riedemann"):
        attendance.days.remove(demo_day)
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(organiser.username)
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(reverse("admin:priorities_day_notes", args=[demo_day.pk]))
    page.get_by_label("Notes or IRC log").fill(LOG)
    page.get_by_label("Record who was there").check()
    page.get_by_role("button", name="Preview").click()

    expect(page.locator(".log-summary")).to_contain_text(
        "An IRC meeting log (meetbot), “Nova remote status”, 19:00:00 to 19:04:00."
    )
    sections = page.locator(".log-sections")
    expect(sections).to_contain_text('line 9 (19:01:10): create status update of "Cells v2"')
    expect(sections).to_contain_text("Vote: Should devstack default to Neutron? Yes 2, No 1")
    expect(sections).to_contain_text("create action item for Sean Dague")
    expect(sections).to_contain_text("create action item for Matt Riedemann")
    expect(sections).to_contain_text("attendance of Matt Riedemann on day 1")
    expect(page.locator(".log-people")).to_contain_text("dansmith (Dan Smith): 7 lines")
    expect(page.locator(".log-left-out")).to_contain_text("2 lines before #startmeeting")
    save_screenshot(page, "admin-irc-log-preview", full_page=True)
    assert not Session.objects.filter(title="Nova remote status").exists()

    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "1 session, 15 transcript lines, 1 status update, 1 decision and 2 action items; "
        "1 attendance changed"
    )
    session = Session.objects.get(day=demo_day, title="Nova remote status")
    assert Attendance.objects.filter(days=demo_day, person__irc_nick="mriedem").exists()

    page.goto(demo_day.get_absolute_url())
    section = page.locator(f"#{session.anchor}")
    transcript = section.locator("details.transcript")
    expect(transcript).not_to_have_attribute("open", "")
    expect(section.locator(".speakers")).to_contain_text("dansmith (Dan Smith) 7 lines")
    first_line = transcript.locator("li").first
    expect(first_line).to_be_hidden()
    # An item's link opens the transcript at its line.
    section.locator(".said-at-link", has_text="19:03:00").first.click()
    expect(transcript).to_have_attribute("open", "")
    line = transcript.locator("li:target")
    expect(line).to_be_visible()
    expect(line).to_contain_text("#action sdague, mriedem switch the devstack default")
    # What people typed is shown as text.
    expect(transcript).to_contain_text("the <grenade> job & the cells job both pass")
    section.scroll_into_view_if_needed()
    save_screenshot(page, "day-irc-transcript", full_page=False)
