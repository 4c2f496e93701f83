"""Sending a day's report from the admin: preview, then send, for organisers of the day's team.

Mail goes to Django's outbox (the tests' locmem backend) unless a test asks for a real SMTP
server (``mailbox``) or for one that is down (``smtp_down``).
"""

import pytest
from django.core import mail as outbox
from django.urls import reverse

from priorities.models import ReportSending
from tests.factories import EditorFactory, OrganiserFactory, browser_for, other_team

pytestmark = pytest.mark.django_db

LIST = "openstack-dev@lists.openstack.org"  # the demo team's list


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def organiser_browser(organiser):
    return browser_for(organiser)


def send_url(day):
    return reverse("admin:priorities_day_send", args=[day.pk])


def preview(browser, day):
    response = browser.get(send_url(day))
    assert response.status_code == 200
    return response


def send(browser, day, **fields):
    """Open the preview, then send what it shows (with ``fields`` changed)."""
    form = preview(browser, day).context["form"]
    data = {
        "recipients": form["recipients"].value(),
        "subject": form["subject"].value(),
        "previewed": preview(browser, day).context["mail"].digest,
        **fields,
    }
    return browser.post(send_url(day), data)


def test_the_preview_shows_the_exact_mail_with_the_team_s_list_filled_in(
    organiser_browser, demo_day
):
    response = preview(organiser_browser, demo_day)
    page = response.content.decode()
    assert response.context["form"]["recipients"].value() == LIST
    assert "[OpenStack Nova] OpenStack Nova Kilo mid-cycle meetup: day 1, 2015-01-26" in page
    assert response.context["mail"].text.split("\n")[0] in page
    assert "Start moving devstack from nova-network to Neutron." in page
    assert outbox.outbox == [] and not ReportSending.objects.exists()


def test_an_organiser_sends_and_the_sending_is_recorded(organiser_browser, organiser, demo_day):
    response = send(organiser_browser, demo_day, recipients=f"{LIST}\nlead@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:priorities_day_change", args=[demo_day.pk])
    [sent] = outbox.outbox
    assert sent.to == [LIST, "lead@example.org"]
    assert sent.alternatives[0].mimetype == "text/html"
    sending = ReportSending.objects.get()
    assert (sending.sent_by, sending.addresses) == (organiser, [LIST, "lead@example.org"])
    assert sending.message_id == sent.extra_headers["Message-ID"]
    messages = [str(m) for m in organiser_browser.get(response["Location"]).context["messages"]]
    assert messages == [f"Sent {demo_day} to {LIST}, lead@example.org."]


def test_the_subject_can_be_changed_before_sending(organiser_browser, demo_day):
    send(organiser_browser, demo_day, subject="Nova mid-cycle, day 1 notes")
    assert outbox.outbox[0].subject == "Nova mid-cycle, day 1 notes"
    assert ReportSending.objects.get().subject == "Nova mid-cycle, day 1 notes"


def test_the_admin_flow_delivers_through_a_real_smtp_server(organiser_browser, demo_day, mailbox):
    assert send(organiser_browser, demo_day).status_code == 302
    [(recipients, received)] = mailbox.messages
    assert recipients == [LIST]
    text = received.get_body(("plain",)).get_content()
    assert not [line for line in text.splitlines() if line.startswith(">")]
    assert received.get_body(("html",)) is not None
    assert ReportSending.objects.count() == 1


def test_sending_again_shows_the_earlier_sendings_and_needs_a_tick(organiser_browser, demo_day):
    send(organiser_browser, demo_day)
    page = preview(organiser_browser, demo_day).content.decode()
    assert "This day was sent before (1 time)" in page and "(the same text as now)" in page
    response = send(organiser_browser, demo_day)
    assert response.status_code == 200
    assert response.context["form"].errors["send_again"] == [
        "This day was sent before: tick this to send it again."
    ]
    assert len(outbox.outbox) == 1
    assert send(organiser_browser, demo_day, send_again="on").status_code == 302
    assert len(outbox.outbox) == 2 and ReportSending.objects.count() == 2


def test_a_day_changed_since_the_preview_is_shown_again_not_sent(organiser_browser, demo_day):
    previewed = preview(organiser_browser, demo_day).context["mail"].digest
    demo_day.summary = "A different summary, saved by someone else meanwhile."
    demo_day.save()
    response = organiser_browser.post(
        send_url(demo_day), {"recipients": LIST, "subject": "Day 1", "previewed": previewed}
    )
    assert response.status_code == 200 and response.context["outdated"]
    assert "A different summary" in response.content.decode()
    assert outbox.outbox == [] and not ReportSending.objects.exists()


def test_bad_recipients_are_a_form_error(organiser_browser, demo_day):
    response = send(organiser_browser, demo_day, recipients="not an address")
    assert response.status_code == 200
    assert response.context["form"].errors["recipients"] == [
        "Not an email address: not, an, address."
    ]
    assert outbox.outbox == [] and not ReportSending.objects.exists()


def test_a_mail_server_that_is_down_is_a_message_not_a_500(organiser_browser, demo_day, smtp_down):
    response = send(organiser_browser, demo_day)
    assert response.status_code == 200
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("The report was not sent: the mail server refused the connection")
    assert message.endswith("Nothing was recorded.")
    assert not ReportSending.objects.exists()


def test_the_action_leads_to_the_preview_of_one_day(organiser_browser, demo_day):
    changelist = reverse("admin:priorities_day_changelist")
    response = organiser_browser.post(
        changelist, {"action": "send_report", "_selected_action": [demo_day.pk]}
    )
    assert response.status_code == 302 and response["Location"] == send_url(demo_day)
    assert (
        b"Send the report"
        in organiser_browser.get(reverse("admin:priorities_day_change", args=[demo_day.pk])).content
    )


def test_an_editor_without_the_permission_is_refused(demo_day):
    editor = browser_for(EditorFactory())
    assert editor.get(send_url(demo_day)).status_code == 403
    response = editor.post(send_url(demo_day), {"recipients": LIST, "subject": "Day 1"})
    assert response.status_code == 403
    changelist = editor.get(reverse("admin:priorities_day_changelist"))
    assert "send_report" not in dict(changelist.context["action_form"].fields["action"].choices)
    response = editor.post(
        reverse("admin:priorities_day_changelist"),
        {"action": "send_report", "_selected_action": [demo_day.pk]},
    )
    assert outbox.outbox == [] and not ReportSending.objects.exists()
    page = editor.get(reverse("admin:priorities_day_change", args=[demo_day.pk]))
    assert b"Send the report" not in page.content


def test_an_organiser_of_another_team_cannot_preview_or_send(demo_day):
    team, _cycle = other_team()
    organiser = OrganiserFactory()
    organiser.teams.add(team)
    browser = browser_for(organiser)
    response = browser.get(send_url(demo_day))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:priorities_day_changelist")
    response = browser.post(send_url(demo_day), {"recipients": LIST, "subject": "Day 1"})
    assert response.status_code == 302
    assert outbox.outbox == [] and not ReportSending.objects.exists()


def test_what_was_sent_is_listed_read_only(organiser_browser, demo_day):
    send(organiser_browser, demo_day)
    sending = ReportSending.objects.get()
    changelist = organiser_browser.get(reverse("admin:priorities_reportsending_changelist"))
    assert changelist.status_code == 200 and LIST in changelist.content.decode()
    change = reverse("admin:priorities_reportsending_change", args=[sending.pk])
    assert organiser_browser.get(change).status_code == 200
    assert organiser_browser.post(change, {"subject": "Rewritten"}).status_code == 403
    delete = reverse("admin:priorities_reportsending_delete", args=[sending.pk])
    assert organiser_browser.post(delete, {"post": "yes"}).status_code == 403
    assert ReportSending.objects.get().subject == sending.subject
