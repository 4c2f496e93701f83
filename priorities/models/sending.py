"""What was sent: a record of every day report mailed to a list."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..validators import ONE_LINE
from .meetups import Day

#: How many addresses one sending may go to: a team's list and a few people, not a mass mailing.
MAX_RECIPIENTS = 20


def recipient_list(text):
    """The addresses of a recipients text: one a line, or separated by commas or spaces."""
    return [address for address in text.replace(",", " ").split() if address]


def validate_recipients(value):
    """At least one address, each a valid one, at most ``MAX_RECIPIENTS``."""
    addresses = recipient_list(value)
    if not addresses:
        raise ValidationError("Give at least one address.", code="no_recipient")
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(
            f"At most {MAX_RECIPIENTS} addresses, not {len(addresses)}.", code="too_many"
        )
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(
            "Not an email address: %(bad)s.", code="invalid", params={"bad": ", ".join(bad)}
        )


class ReportSendingQuerySet(models.QuerySet):
    def for_day(self, day):
        """The sendings of ``day``, newest first, each with who sent it."""
        return self.filter(day=day).select_related("sent_by").order_by("-sent_at", "-pk")


class ReportSending(models.Model):
    """One day report sent by mail: when, by whom, to whom, and which version of the day."""

    day = models.ForeignKey(Day, on_delete=models.PROTECT, related_name="report_sendings")
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_sendings",
        help_text="Who sent it; empty when sent by the send_report command.",
    )
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.TextField(
        validators=[validate_recipients], help_text="The addresses it was sent to, one a line."
    )
    subject = models.CharField(max_length=300, validators=ONE_LINE)
    message_id = models.CharField("Message-ID", max_length=300)
    day_version = models.PositiveIntegerField(
        help_text="The day's version (its own fields) when it was sent."
    )
    content_digest = models.CharField(
        max_length=64,
        help_text=(
            "SHA-256 of the plain-text body: whether the day's contents (its sessions, "
            "updates and outcomes too) changed since."
        ),
    )

    objects = ReportSendingQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = "report sent"
        verbose_name_plural = "reports sent"
        permissions = [("send_report", "Can send day reports to mailing lists")]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                name="report_sending_message_id_unique",
                violation_error_message="A mail with this Message-ID was already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(recipients=""),
                name="report_sending_has_recipients",
                violation_error_message="Give at least one address.",
            ),
        ]

    def __str__(self):
        return f"{self.day}, sent {self.sent_at:%Y-%m-%d %H:%M} to {', '.join(self.addresses)}"

    def get_absolute_url(self):
        return self.day.get_absolute_url()

    @property
    def addresses(self):
        return recipient_list(self.recipients)
