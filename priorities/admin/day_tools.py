"""The day's tools in the admin: the report download, report import and quick notes.

Both imports follow one flow (``preview_then_confirm``): a dry run lists every change and is
checked against the editor's permissions; a confirmation makes exactly the changes its preview
listed, or shows the new list when the day changed in between.
"""

from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header

from ..interchange.importing import ImportResult, PreviewOutdated, changes_digest
from ..interchange.irc_commands import CHEAT_SHEET
from ..interchange.irc_logs import MAX_LOG_BYTES
from ..interchange.notes_commands import NotesError
from ..interchange.quick_notes import count_changes, import_meeting
from ..interchange.report_export import day_report, report_filename, reports_zip
from ..interchange.report_import import import_report
from ..interchange.report_parser import (
    MAX_REPORT_BYTES,
    ReportError,
    parse_report,
    size_problem,
)
from ..models import Day, Meetup, Session
from ..models.locking import VersionConflict
from ..models.teams import in_teams
from .forms import OneLineField
from .hardening import all_keys
from .team_scope import editable_team_ids, in_scope, limit_to_teams


class ReportImportForm(forms.Form):
    """Upload a Markdown day report; the text then travels with the confirmation."""

    report = forms.FileField(
        required=False,
        help_text="A report as written by 'Download Markdown' or export_day (UTF-8, at most 1 MB).",
    )
    text = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)
    meetup = forms.ModelChoiceField(
        Meetup.objects.all(),
        required=False,
        to_field_name="slug",
        help_text="Leave empty to use the meetup the report names.",
    )
    create_areas = forms.BooleanField(
        required=False,
        label="Create missing priority areas",
        help_text="Otherwise a priority area the database lacks is an error.",
    )

    def __init__(self, *args, team_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        limit_to_teams(self.fields["meetup"], team_ids)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("report")
        if upload:
            # Checked before anything is read or parsed; the text sent back with the
            # confirmation is checked again below.
            if upload.size > MAX_REPORT_BYTES:
                raise forms.ValidationError(size_problem(upload.size))
            try:
                cleaned["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The report is not UTF-8 text.") from None
        if not cleaned.get("text"):
            raise forms.ValidationError("Choose a report file to import.")
        if problem := size_problem(len(cleaned["text"].encode("utf-8", "surrogatepass"))):
            raise forms.ValidationError(problem)
        return cleaned

    def meetup_slug(self):
        meetup = self.cleaned_data.get("meetup")
        return meetup.slug if meetup else None


LOG_HELP = (
    "Type the notes, or paste a meeting's IRC log as your client or the archive shows it "
    "(MeetBot's own, ISO-stamped, [HH:MM] bracketed, irssi, WeeChat, or a web page's "
    "HH:MM nick: text), from #startmeeting to #endmeeting. The log's times, transcript and "
    "speakers are kept; pasting it again adds only what is new. At most "
    f"{MAX_LOG_BYTES // 1000:,} KB."
)


class NotesImportForm(forms.Form):
    """Quick notes for a day, MeetBot style; the text travels with the confirmation."""

    day = forms.ModelChoiceField(queryset=None)
    session = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Add to",
        empty_label="a new session",
        help_text="A session of the day: the notes' updates, decisions, action items and risks "
        "are added to it, their points after its notes; an area it already has an update of "
        "gets that update changed. Its other rows stay as they are.",
    )
    session_title = OneLineField(
        required=False,
        max_length=200,
        help_text="A new session's title. Leave empty to use the title after #startmeeting, "
        'or "Quick notes".',
    )
    notes = forms.CharField(
        label="Notes or IRC log",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100, "class": "vLargeTextField"}),
    )
    attendance = forms.BooleanField(
        required=False,
        label="Record who was there",
        help_text="An IRC log: tick the people it shows present (by their IRC nick) as "
        "attending the day. Organisers record attendance.",
    )

    def __init__(self, *args, day=None, team_ids=None, **kwargs):
        super().__init__(*args, **kwargs)
        days = Day.objects.with_meetup().order_by("-meetup__start_date", "meetup_id", "number")
        days = in_teams(days, team_ids)
        if day is not None:
            # Reached from a day: that day, whatever the request says.
            days = days.filter(pk=day.pk)
            self.fields["day"].initial = day
            self.fields["day"].disabled = True
        self.fields["day"].queryset = days
        sessions = Session.objects.filter(day__in=days).select_related("day__meetup")
        self.fields["session"].queryset = sessions.order_by(
            "-day__meetup__start_date", "day__meetup_id", "day__number", "order", "pk"
        )
        if day is not None:
            self.fields["session"].label_from_instance = lambda session: session.title
        self.fields["notes"].help_text = f"{LOG_HELP}\n\n{CHEAT_SHEET}"

    def clean(self):
        cleaned = super().clean()
        day, session = cleaned.get("day"), cleaned.get("session")
        if session is not None:
            if day is not None and session.day_id != day.pk:
                self.add_error("session", f"Choose a session of {day}.")
            if cleaned.get("session_title"):
                self.add_error("session_title", "Leave the title empty: the session keeps its own.")
        return cleaned

    def clean_notes(self):
        """A text too large for a log is refused here; notes' own limit, once the text is
        known to be notes, by the import."""
        notes = self.cleaned_data["notes"]
        if (size := len(notes.encode("utf-8", "surrogatepass"))) > MAX_LOG_BYTES:
            raise forms.ValidationError(
                f"The text is larger than {MAX_LOG_BYTES // 1000:,} KB ({size // 1000:,} KB): "
                "paste the meeting's own lines, from #startmeeting to #endmeeting."
            )
        return notes

    def attendance_changed(self, post):
        """Whether the box was ticked or unticked since the preview shown (then that preview
        is not what a confirmation would do)."""
        return self.cleaned_data["attendance"] != (post.get("previewed_attendance") == "1")


@dataclass
class Preview:
    """What an import would change, shown for the editor to confirm (``interchange.importing``).

    ``outdated`` says that it is shown again because the day changed since the editor's
    previous preview, which is then not what a confirmation would do.
    """

    result: ImportResult
    digest: str
    outdated: bool = False


def preview_then_confirm(request, form, run, *, confirmed=True):
    """The admin's preview-then-confirm flow, shared by the report import and quick notes.

    ``run(dry_run=..., expected_digest=...)`` does the import and returns an ``ImportResult``.
    Every change is checked against the editor's permissions first. Returns ``(preview, None)``
    to show, or ``(None, result)`` once the confirmed changes are made (``confirmed=False``:
    the editor changed an option since the preview, which is shown again): a confirmation counts
    only for the very changes its preview listed (its digest), so an edit of the day made in
    between is never undone unseen.
    """
    result = run(dry_run=True)
    if not in_scope(request, result.day):
        form.add_error(None, f"You may not edit the days of {result.day.meetup.team.name}.")
        return None, None
    denied = sorted({str(c) for c in result.changes if not request.user.has_perm(c.permission)})
    if denied:
        form.add_error(None, "You may not: " + "; ".join(denied) + ".")
        return None, None
    preview = Preview(result, changes_digest(result.changes))
    if "confirm" not in request.POST or not confirmed:
        return preview, None
    # A confirmation that names no preview (a script's) is taken as it stands.
    expected = request.POST.get("preview") or preview.digest
    if expected != preview.digest:
        preview.outdated = True
        return preview, None
    try:
        return None, run(expected_digest=expected)
    except PreviewOutdated as outdated:
        return Preview(outdated.result, changes_digest(outdated.result.changes), True), None
    except VersionConflict:
        # A row was saved between this request's preview and its write: preview again.
        result = run(dry_run=True)
        return Preview(result, changes_digest(result.changes), True), None


def _log_sections(preview):
    """An IRC log's preview, topic by topic (``LogImport.sections``); [] for notes."""
    if preview is None or preview.result.log is None:
        return []
    return preview.result.log.sections(preview.result.changes)


class DayToolsMixin:
    """The report download (an action), report import and quick notes of ``DayAdmin``."""

    @admin.action(description="Download the Markdown report of the selected days")
    def download_reports(self, request, queryset):
        days = list(queryset.with_meetup().order_by("meetup__slug", "number"))
        if len(days) == 1:
            response = HttpResponse(
                day_report(days[0]), content_type="text/markdown; charset=utf-8"
            )
            filename = report_filename(days[0])
        else:
            response = HttpResponse(reports_zip(days), content_type="application/zip")
            filename = "day-reports.zip"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.import_report_view)
        notes_view = self.admin_site.admin_view(self.add_notes_view)
        return [
            path("import/", import_view, name="priorities_day_import"),
            path("notes/", notes_view, name="priorities_day_notes"),
            path("<path:object_id>/notes/", notes_view, name="priorities_day_notes"),
            *super().get_urls(),
        ]

    def _report_meetup_in_scope(self, request, form):
        """Refuse, before any dry run, a report naming another team's meetup: the dry run's
        answers (its errors, its list of changes) would tell of that team's data."""
        slug = form.meetup_slug() or parse_report(form.cleaned_data["text"]).meetup_slug
        meetup = Meetup.objects.filter(slug=slug).first()
        if meetup is None or in_scope(request, meetup):
            return True
        form.add_error(None, f"You may not import into the meetup {slug!r}.")
        return False

    def has_add_notes_permission(self, request):
        """Quick notes start a session; what else they create is checked change by change."""
        return request.user.has_perm("priorities.add_session")

    def add_notes_view(self, request, object_id=None):
        """Type quick notes (MeetBot style), preview the records they make, then confirm."""
        if not self.has_add_notes_permission(request):
            raise PermissionDenied
        day = None
        if object_id is not None:
            if all_keys(self.model, [unquote(object_id)]):
                day = self.get_object(request, unquote(object_id))
            if day is None:
                self.message_user(request, "That day does not exist (any more).", messages.WARNING)
                return redirect(reverse("admin:priorities_day_changelist"))
        fixed_day = day
        posted = request.method == "POST"
        form = NotesImportForm(
            request.POST if posted else None, day=day, team_ids=editable_team_ids(request)
        )
        preview, errors = None, []
        if posted and "edit" not in request.POST and form.is_valid():
            day = form.cleaned_data["day"]
            arguments = {
                "text": form.cleaned_data["notes"],
                "session_title": form.cleaned_data["session_title"] or None,
                "into": form.cleaned_data["session"],
                "user": request.user,
                "attendance": form.cleaned_data["attendance"],
            }

            def run(day=day, **options):
                return import_meeting(day, **arguments, **options)

            try:
                preview, done = preview_then_confirm(
                    request, form, run, confirmed=not form.attendance_changed(request.POST)
                )
            except NotesError as error:
                errors = error.errors
            else:
                if done is not None:
                    messages.success(
                        request, f"Added quick notes to {day}: {count_changes(done.changes)}."
                    )
                    return redirect(reverse("admin:priorities_day_change", args=[day.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add quick notes",
            "fixed_day": fixed_day,
            "day": day,
            "form": form,
            "preview": preview,
            "sections": _log_sections(preview),
            "errors": errors,
        }
        return TemplateResponse(request, "admin/priorities/day/notes.html", context)

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_report_view(self, request):
        """Upload a report, preview what it would change (a dry run), then confirm."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ReportImportForm(
            request.POST or None, request.FILES or None, team_ids=editable_team_ids(request)
        )
        preview = None
        if request.method == "POST" and form.is_valid():
            run = partial(
                import_report,
                form.cleaned_data["text"],
                meetup_slug=form.meetup_slug(),
                create_areas=form.cleaned_data["create_areas"],
                user=request.user,
            )
            try:
                if not self._report_meetup_in_scope(request, form):
                    preview, done = None, None
                else:
                    preview, done = preview_then_confirm(request, form, run)
            except ReportError as error:
                form.add_error(None, f"The report cannot be imported: {error}.")
            else:
                if done is not None:
                    messages.success(
                        request, f"Imported {done.day}: {len(done.changes)} change(s)."
                    )
                    return redirect(reverse("admin:priorities_day_change", args=[done.day.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a day report",
            "form": form,
            "preview": preview,
        }
        return TemplateResponse(request, "admin/priorities/day/import.html", context)
