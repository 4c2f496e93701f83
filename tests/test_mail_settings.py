"""EMAIL_URL: every way an operator writes it becomes the mail settings Django expects."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from meetup.mail_settings import DEFAULT_TIMEOUT, admins, email_settings
from tests.test_production_settings import manage

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = pytest.mark.any_database

SMTP = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE = "django.core.mail.backends.console.EmailBackend"


def test_unset_is_the_console_when_debugging_and_the_local_mail_server_in_production():
    assert email_settings(None, debug=True)["EMAIL_BACKEND"] == CONSOLE
    production = email_settings("", debug=False)
    assert (production["EMAIL_BACKEND"], production["EMAIL_HOST"], production["EMAIL_PORT"]) == (
        SMTP,
        "localhost",
        25,
    )


def test_smtp_with_credentials_and_starttls():
    mail = email_settings(
        "smtp://notes%40example.org:p%40ss%2Fw@mail.example.org:587?tls=1", debug=False
    )
    assert mail == {
        "EMAIL_BACKEND": SMTP,
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "notes@example.org",
        "EMAIL_HOST_PASSWORD": "p@ss/w",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": DEFAULT_TIMEOUT,
    }


def test_smtps_is_tls_from_the_first_byte_on_port_465_unless_given():
    mail = email_settings("smtps://user:secret@mail.example.org", debug=False)
    assert (mail["EMAIL_USE_SSL"], mail["EMAIL_USE_TLS"], mail["EMAIL_PORT"]) == (True, False, 465)
    assert mail["EMAIL_HOST_USER"] == "user"
    assert email_settings("smtps://mail.example.org:2465", debug=False)["EMAIL_PORT"] == 2465
    assert email_settings("smtp://mail.example.org:465?ssl=1", debug=False)["EMAIL_USE_SSL"]


def test_a_timeout_can_be_given():
    assert email_settings("smtp://localhost?timeout=3", debug=False)["EMAIL_TIMEOUT"] == 3


def test_console_and_memory_need_no_host():
    assert email_settings("console:", debug=False)["EMAIL_BACKEND"] == CONSOLE
    memory = email_settings("memory:", debug=False)
    assert memory["EMAIL_BACKEND"] == "django.core.mail.backends.locmem.EmailBackend"
    assert memory["EMAIL_HOST_USER"] == memory["EMAIL_HOST_PASSWORD"] == ""


def test_an_unknown_scheme_stops_the_site_at_start_up():
    with pytest.raises(ImproperlyConfigured, match="unknown scheme 'smpt'"):
        email_settings("smpt://mail.example.org", debug=False)


def test_the_sender_is_default_from_email_alone():
    mail = email_settings("smtp://localhost?_default_from_email=x@example.org", debug=False)
    assert "DEFAULT_FROM_EMAIL" not in mail


def test_the_settings_read_email_url_and_default_from_email_from_the_environment():
    shown = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings as s; "
        "print(s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, s.SITE_URL)",
        EMAIL_URL="smtp://relay.example.org:587?tls=1",
        DEFAULT_FROM_EMAIL="Nova notes <notes@example.org>",
    )
    assert shown.stdout.split() == [
        "relay.example.org",
        "587",
        "True",
        "Nova",
        "notes",
        "<notes@example.org>",
        "https://notes.example.org",
    ], shown.stderr


def test_admins_are_read_with_or_without_their_names():
    assert admins("Ops <ops@example.org>, dev@example.org") == [
        ("Ops", "ops@example.org"),
        ("dev@example.org", "dev@example.org"),
    ]
    assert admins("") == [] and admins(None) == []
    with pytest.raises(ImproperlyConfigured, match="not an email address"):
        admins("ops at example.org")


def test_production_reads_django_admins():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.ADMINS)",
        DJANGO_ADMINS="Ops <ops@example.org>",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[('Ops', 'ops@example.org')]"


@pytest.mark.django_db
def test_a_server_error_is_mailed_to_the_admins(client, settings, monkeypatch, mailoutbox):
    """Through the mail settings, as the day reports are: the locmem backend in tests."""
    settings.ADMINS = [("Ops", "ops@example.org")]
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("priorities.views.MeetupListView.get_queryset", broken)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500
    (report,) = mailoutbox
    assert report.to == ["ops@example.org"]
    assert "Internal Server Error: /" in report.subject
    assert "the disk is full" in report.body


@pytest.mark.django_db
def test_no_server_error_mail_without_admins(client, settings, monkeypatch, mailoutbox):
    settings.ADMINS = []

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("priorities.views.MeetupListView.get_queryset", broken)
    client.raise_request_exception = False
    assert client.get("/").status_code == 500
    assert mailoutbox == []
