"""Sending a day's report to the mailing list from the admin, and the record of what was sent.

*Send the report* (an action on days, a button on a day's page) leads to a preview of the exact
mail: its sender, its recipients (the team's list address to start with) and subject, which the
organiser may change, and its plain text. Only users with the ``send_report`` permission
(Organisers, superusers) reach it, and only for the days of their teams. A day sent before
is sent again only once the organiser ticks that they mean it, having seen the earlier
sendings; a preview shown before the day changed is shown again rather than sent. When the
mail server refuses or is down the page says so and nothing is recorded.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from ..interchange.report_sending import SendFailed, build_message, send_day_report
from ..models import ReportSending
from ..models.sending import MAX_RECIPIENTS, recipient_list, validate_recipients
from ..validators import ONE_LINE
from .forms import OneLineField
from .hardening import all_keys
from .team_scope import TeamScopedMixin

SEND_PERMISSION = "priorities.send_report"


class SendReportForm(forms.Form):
    """The recipients and subject of a day's mail, and the organiser's word on sending again."""

    recipients = forms.CharField(
        validators=[validate_recipients],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=f"One address a line (at most {MAX_RECIPIENTS}).",
    )
    subject = OneLineField(max_length=300, validators=ONE_LINE)
    #: The digest of the text the organiser saw, so that what is sent is what they read.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)
    send_again = forms.BooleanField(
        required=False, label="Yes, send this day again, knowing it was sent before"
    )

    def __init__(self, *args, sent_before=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_before = sent_before
        if not sent_before:
            del self.fields["send_again"]

    def clean_send_again(self):
        if self.sent_before and not self.cleaned_data["send_again"]:
            raise forms.ValidationError("This day was sent before: tick this to send it again.")
        return True

    def addresses(self):
        return recipient_list(self.cleaned_data["recipients"])


class SendReportMixin:
    """``DayAdmin``'s *Send the report to the mailing list*: an action and a page per day."""

    def get_urls(self):
        send_view = self.admin_site.admin_view(self.send_report_view)
        return [
            path("<path:object_id>/send/", send_view, name="priorities_day_send"),
            *super().get_urls(),
        ]

    def has_send_report_permission(self, request, obj=None):
        return request.user.has_perm(SEND_PERMISSION) and (
            obj is None or self.has_view_permission(request, obj)
        )

    @admin.action(description="Send the report to the mailing list", permissions=["send_report"])
    def send_report(self, request, queryset):
        days = list(queryset[:2])
        if len(days) != 1:
            self.message_user(
                request, "Choose one day to send: each is previewed first.", messages.WARNING
            )
            return None
        return redirect(reverse("admin:priorities_day_send", args=[days[0].pk]))

    def send_report_view(self, request, object_id):
        """Preview the exact mail of a day, then send it and record the sending."""
        if not self.has_send_report_permission(request):
            raise PermissionDenied
        day = None
        if all_keys(self.model, [unquote(object_id)]):
            day = self.get_object(request, unquote(object_id))
        if day is None or not self.has_send_report_permission(request, day):
            self.message_user(request, "That day does not exist (any more).", messages.WARNING)
            return redirect(reverse("admin:priorities_day_changelist"))
        earlier = list(ReportSending.objects.for_day(day))
        posted = request.method == "POST"
        team_list = day.meetup.team.mailing_list
        message, mail = build_message(day, to=recipient_list(team_list))
        form = SendReportForm(
            request.POST if posted else None,
            initial={"recipients": team_list, "subject": mail.subject},
            sent_before=bool(earlier),
        )
        outdated = False
        if posted and form.is_valid():
            subject = form.cleaned_data["subject"]
            message, mail = build_message(day, to=form.addresses(), subject=subject)
            # The page carries the digest of the text it showed: a day changed since is
            # shown again, never sent unseen.
            outdated = form.cleaned_data["previewed"] != mail.digest
            if not outdated:
                try:
                    sending = send_day_report(
                        day, to=form.addresses(), subject=subject, sent_by=request.user
                    )
                except SendFailed as error:
                    self.message_user(request, f"{error} Nothing was recorded.", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        f"Sent {day} to {', '.join(sending.addresses)}.",
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:priorities_day_change", args=[day.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Send the report of {day}",
            "day": day,
            "form": form,
            "message": message,
            "mail": mail,
            "earlier": earlier,
            "outdated": outdated,
        }
        return TemplateResponse(request, "admin/priorities/day/send.html", context)


class ReportSendingAdmin(TeamScopedMixin, admin.ModelAdmin):
    """What was sent, for the record: nobody adds, changes or deletes it by hand."""

    list_display = ["day", "sent_at", "sent_by", "recipient_list", "subject"]
    list_filter = [("day__meetup", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["day__meetup", "sent_by"]
    search_fields = ["subject", "recipients", "message_id"]
    date_hierarchy = "sent_at"
    fields = [
        "day",
        "sent_at",
        "sent_by",
        "recipients",
        "subject",
        "message_id",
        "day_version",
        "content_digest",
    ]
    readonly_fields = fields

    @admin.display(description="recipients")
    def recipient_list(self, sending):
        return ", ".join(sending.addresses)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
