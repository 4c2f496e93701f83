"""Sending a day's mail and recording it: the side effects, kept apart from the pure mail.

The admin's *Send the report* page and ``manage.py send_report`` both call ``send_day_report``.
A sending is recorded only once the mail server has accepted the message: when it refuses it,
or cannot be reached, ``SendFailed`` says why in a sentence an organiser can act on, and
nothing is recorded.
"""

import dataclasses
import smtplib

from django.conf import settings
from django.core.mail import get_connection

from ..models import ReportSending
from ..models.sending import validate_recipients
from .report_mail import day_mail, mail_message


class SendFailed(Exception):
    """The mail server did not take the message; nothing was recorded."""


def _reason(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(sorted(error.recipients))
        return f"the mail server refused the recipients ({refused})"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "the mail server refused the user name or password of EMAIL_URL"
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return f"the mail server answered {error.smtp_code} {message}"
    if isinstance(error, TimeoutError):
        return "the mail server did not answer in time"
    if isinstance(error, ConnectionRefusedError):
        return "the mail server refused the connection (is it running? see EMAIL_URL)"
    return f"the mail server could not be reached: {error}"


def build_message(day, *, to, subject=None, connection=None):
    """The message that would go to ``to`` for ``day`` (under ``subject`` if given, else
    the day's own), and its ``DayMail``."""
    mail = day_mail(day, site_url=settings.SITE_URL)
    if subject:
        mail = dataclasses.replace(mail, subject=subject)
    message = mail_message(
        mail,
        to=to,
        from_email=settings.DEFAULT_FROM_EMAIL,
        site_url=settings.SITE_URL,
        connection=connection,
    )
    return message, mail


def send_day_report(day, *, to, subject=None, sent_by=None):
    """Send ``day``'s report to the addresses ``to`` and record it; the ``ReportSending``.

    Raises ``ValidationError`` for addresses that are no email addresses (before anything is
    sent), ``SendFailed`` when the mail server refuses the message or cannot be reached.
    """
    to = list(to)
    validate_recipients("\n".join(to))
    connection = get_connection(fail_silently=False)
    message, mail = build_message(day, to=to, subject=subject, connection=connection)
    try:
        sent = message.send()
    except (smtplib.SMTPException, OSError) as error:
        raise SendFailed(f"The report was not sent: {_reason(error)}.") from error
    if not sent:
        raise SendFailed("The report was not sent: the mail server took no message.")
    return ReportSending.objects.create(
        day=day,
        sent_by=sent_by,
        recipients="\n".join(message.to),
        subject=mail.subject,
        message_id=message.extra_headers["Message-ID"],
        day_version=day.version,
        content_digest=mail.digest,
    )
