"""Sending through a real SMTP server (aiosmtpd on 127.0.0.1), read back as it was received.

The server starts once for the module; these tests do not depend on the database engine, so
CI runs them once (``any_database``), and ``-m "not smtp"`` leaves them out.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from priorities.interchange.report_sending import SendFailed, send_day_report
from priorities.models import ReportSending

pytestmark = [pytest.mark.django_db, pytest.mark.any_database, pytest.mark.smtp]

SITE = "https://notes.example.org"
DEMO_DAY_URL = f"{SITE}/meetups/nova-kilo-midcycle/days/1/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def test_send_report_delivers_one_message_with_a_text_and_an_html_part(demo_day, mailbox):
    call_command(
        "send_report", "nova-kilo-midcycle", "1", "--to", "list@example.org", stdout=io.StringIO()
    )
    [(recipients, received)] = mailbox.messages
    assert recipients == ["list@example.org"]
    text = received.get_body(("plain",)).get_content()
    assert not [line for line in text.splitlines() if line.startswith(">")]
    assert DEMO_DAY_URL in text
    html = received.get_body(("html",))
    assert html is not None and DEMO_DAY_URL in html.get_content()
    sending = ReportSending.objects.get()
    assert sending.message_id == received["Message-ID"].strip()
    assert sending.addresses == ["list@example.org"]


def test_the_team_s_mailing_list_is_the_default_recipient(demo_day, mailbox):
    team = demo_day.meetup.team
    team.mailing_list = "openstack-dev@lists.example.org"
    team.save()
    call_command("send_report", "nova-kilo-midcycle", "1", stdout=io.StringIO())
    [(recipients, received)] = mailbox.messages
    assert recipients == ["openstack-dev@lists.example.org"]
    assert received["To"] == "openstack-dev@lists.example.org"


def test_a_refused_message_is_a_clear_error_and_nothing_is_recorded(demo_day, mailbox):
    mailbox.refuse_with = "554 5.7.1 Message rejected by policy"
    with pytest.raises(CommandError, match=r"554 5\.7\.1 Message rejected by policy\. Nothing was"):
        call_command("send_report", "nova-kilo-midcycle", "1", "--to", "list@example.org")
    assert not ReportSending.objects.exists()


def test_a_server_that_is_down_is_a_clear_error_and_nothing_is_recorded(demo_day, smtp_down):
    with pytest.raises(SendFailed, match="refused the connection"):
        send_day_report(demo_day, to=["list@example.org"])
    with pytest.raises(CommandError, match=r"not sent: .* Nothing was recorded"):
        call_command("send_report", "nova-kilo-midcycle", "1", "--to", "list@example.org")
    assert not ReportSending.objects.exists()


def test_a_dry_run_prints_the_exact_message_and_sends_nothing(demo_day, mailbox):
    out = io.StringIO()
    call_command(
        "send_report", "nova-kilo-midcycle", "1", "--to", "a@example.org", "--dry-run", stdout=out
    )
    assert mailbox.messages == [] and not ReportSending.objects.exists()
    printed = out.getvalue()
    assert "To: a@example.org" in printed and "Message-ID: <" in printed
    assert "Content-Type: text/html" in printed and DEMO_DAY_URL in printed


def test_a_day_sent_before_is_sent_again_only_when_asked(demo_day, mailbox):
    arguments = ["send_report", "nova-kilo-midcycle", "1", "--to", "list@example.org"]
    call_command(*arguments, stdout=io.StringIO())
    # No terminal to answer the question: refused, and said so.
    with pytest.raises(CommandError, match="was sent before: not sent again"):
        call_command(*arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert len(mailbox.messages) == 1
    call_command(*arguments, "--yes", stdout=io.StringIO())
    assert len(mailbox.messages) == 2 and ReportSending.objects.count() == 2


def test_a_prompt_answered_yes_sends_again(demo_day, mailbox, monkeypatch):
    arguments = ["send_report", "nova-kilo-midcycle", "1", "--to", "list@example.org"]
    call_command(*arguments, stdout=io.StringIO())
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    call_command(*arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert len(mailbox.messages) == 2


def test_bad_arguments_are_refused_before_anything_is_sent(demo_day, mailbox):
    with pytest.raises(CommandError, match="No day 9"):
        call_command("send_report", "nova-kilo-midcycle", "9", "--to", "a@example.org")
    demo_day.meetup.team.mailing_list = ""
    demo_day.meetup.team.save()
    with pytest.raises(CommandError, match="has no mailing list address"):
        call_command("send_report", "nova-kilo-midcycle", "1")
    with pytest.raises(CommandError, match="Not an email address: nobody"):
        call_command("send_report", "nova-kilo-midcycle", "1", "--to", "nobody")
    assert mailbox.messages == [] and not ReportSending.objects.exists()
