"""The editors' admin: organisers set up meetups and days, note-takers post what was said."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from simple_history.admin import SimpleHistoryAdmin

from .admin_forms import (
    NotesImportForm,
    ReportImportForm,
    VersionedForm,
    editor_formfield_class,
)
from .locking import VersionConflict
from .models import (
    ActionItem,
    Attendance,
    Day,
    Decision,
    Meetup,
    Person,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
)
from .notes_import import NotesError, count_changes, import_notes
from .report import day_report, report_filename, reports_zip
from .report_import import ReportError, import_report


class ValidKeysOnlyMixin:
    """Django's autocomplete widgets, shown again after a damaged value without crashing.

    Django looks the submitted value up to show it selected; a value that is not a key at all
    (say ``abc``) would make that lookup raise. Such a value is simply not shown: the field
    already says "Select a valid choice".
    """

    def optgroups(self, name, value, attr=None):
        related = self.field.remote_field
        opts = related.model._meta
        # A foreign key names the field it points at; a many-to-many points at the key.
        target = opts.get_field(related.field_name) if hasattr(related, "field_name") else opts.pk
        valid = []
        for item in value:
            try:
                target.run_validators(target.to_python(item))
            except ValidationError:
                continue
            valid.append(item)
        return super().optgroups(name, valid, attr)


class SafeAutocompleteSelect(ValidKeysOnlyMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(ValidKeysOnlyMixin, AutocompleteSelectMultiple):
    pass


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A many-to-many field that calls a key the database cannot hold an invalid choice.

    Django checks each submitted key with a query; ``abc`` or a key too large for the column
    would make that query raise instead of giving the field's error.
    """

    def clean(self, value):
        for key in value or ():
            if not _all_keys(self.queryset.model, [key]):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": key},
                )
        return super().clean(value)


class EditorTextMixin:
    """Admin fields: names and headlines on one line, Markdown stored exactly as typed."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        form_class = editor_formfield_class(db_field)
        if form_class is not None:
            kwargs.setdefault("form_class", form_class)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using")),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs.setdefault(
                "widget",
                SafeAutocompleteSelectMultiple(
                    db_field, self.admin_site, using=kwargs.get("using")
                ),
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class CarriesVersionMixin(EditorTextMixin):
    """Forms (and inline rows) that carry the version they edit: see ``VersionedForm``."""

    form = VersionedForm

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if "version" not in flatten(fields):
            fields.append("version")
        return fields


def _all_keys(model, values):
    """Whether every one of ``values`` is a primary key the database could hold."""
    pk = model._meta.pk
    try:
        for value in values:
            pk.run_validators(pk.to_python(value))
    except ValidationError:
        return False
    return True


class EditorInlineMixin(CarriesVersionMixin):
    """Rows edited inline: at most ``max_num`` of them, however many a damaged form claims."""

    max_num = 100

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)


class DamageProofChangeList(ChangeList):
    """A list whose damaged date hierarchy (``?date__year=9999``, a 20-digit year) is refused
    as Django refuses other bad lookups: the list again, with ``?e=1`` and a message, not a 500.

    Django builds the next year's or month's date to bound the query, which overflows for
    year 9999 (``ValueError``) or for a year too large for a C int (``OverflowError``).
    """

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error


class EditorAdmin(EditorTextMixin, admin.ModelAdmin):
    """What every model page of the admin shares."""

    def get_changelist(self, request, **kwargs):
        return DamageProofChangeList

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history looks the object up without checking the key: "abc" or "1.5"
        # raised ValueError (a 500).
        if not _all_keys(self.model, [unquote(object_id)]):
            raise Http404("No such object.")
        return super().history_view(request, object_id, extra_context)

    def response_action(self, request, queryset):
        # Selected rows come back as primary keys; a damaged one must not reach a query.
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not _all_keys(self.model, selected):
            self.message_user(
                request, "The selection was damaged: select the items again.", messages.ERROR
            )
            return None
        if selected and not queryset.filter(pk__in=selected).exists():
            # Keys that are valid but match nothing (deleted meanwhile, or -1): say so rather
            # than run the action on nothing (the report download gave an empty zip).
            self.message_user(
                request,
                "None of the selected items exists any more: select the items again.",
                messages.WARNING,
            )
            return None
        return super().response_action(request, queryset)

    def _get_list_editable_queryset(self, request, prefix):
        # Django checks the edited rows' keys with to_python only, so a key too large for the
        # database (99999999999999999999) reached the query and crashed it.
        if not _all_keys(self.model, self._get_edited_object_pks(request, prefix)):
            return self.get_queryset(request)
        return super()._get_list_editable_queryset(request, prefix)


class VersionedAdmin(CarriesVersionMixin, EditorAdmin, SimpleHistoryAdmin):
    """A model whose saves are checked against the version the editor opened, with history.

    A save that loses the race between the form's check and its ``UPDATE`` rolls back whole
    (the admin saves in one transaction) and the request is handled again: the form then
    sees the newer version and shows it.
    """

    history_list_display = ["version"]

    conflict_message = (
        "Someone else saved this at the same moment, so nothing was saved. "
        "Check the page and save again."
    )

    def save_model(self, request, obj, form, change):
        restoring = getattr(request, "restoring_from_history", False)
        if change and not form.has_changed() and not restoring:
            return  # nothing changes: leave the version (and the history) as it is
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        for _attempt in range(2):
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            except VersionConflict:
                continue
        self.message_user(request, self.conflict_message, messages.ERROR)
        return redirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except VersionConflict:
            self.message_user(request, self.conflict_message, messages.ERROR)
            return redirect(request.get_full_path())

    # Restoring an earlier version (django-simple-history's "Revert").

    def has_restore_permission(self, request, object_id):
        """Change history and the object itself; a deleted object needs the right to add."""
        if not self.has_change_history_permission(request):
            return False
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_model = self.model.history.model
        if not (
            _all_keys(self.model, [unquote(object_id)])
            and _all_keys(history_model, [unquote(version_id)])
        ):
            raise Http404("No such version.")
        if request.method == "POST" and not self.has_restore_permission(request, object_id):
            raise PermissionDenied
        request.restoring_from_history = True
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except VersionConflict:
            self.message_user(request, self.conflict_message, messages.ERROR)
            return redirect(request.get_full_path())

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and getattr(request, "restoring_from_history", False):
            # The form restores an old version over the current one: it edits the current one.
            current = (
                self.model._default_manager.filter(pk=obj.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None:
                obj.version = current
        return super().get_form(request, obj, change, **kwargs)


class DayInline(EditorInlineMixin, admin.TabularInline):
    model = Day
    fields = ["number", "date"]
    extra = 0
    show_change_link = True


class AttendanceForm(forms.ModelForm):
    """An attendee's row: the meetup's days as checkboxes, listed once for every row."""

    #: [(day id, "Day 1 (2015-01-26)")]: set by ``AttendanceInline.get_formset``.
    day_choices = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].widget = forms.CheckboxSelectMultiple(choices=self.day_choices)


class AttendanceInline(EditorTextMixin, admin.TabularInline):
    """Who came, one row a person, ticking the days they were in the room."""

    model = Attendance
    form = AttendanceForm
    fields = ["person", "days"]
    autocomplete_fields = ["person"]
    extra = 1
    max_num = 500
    verbose_name = "attendee"
    verbose_name_plural = "attendance (save new days first: only saved days can be ticked)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("person", "meetup")
            .prefetch_related("days")
        )

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        formset = super().get_formset(request, obj, **kwargs)
        days = obj.days.order_by("number") if obj else Day.objects.none()
        # Only the meetup's own days validate; the form class is made for this request.
        formset.form.base_fields["days"].queryset = days
        formset.form.day_choices = [
            (day.pk, f"Day {day.number} ({day.date.isoformat()})") for day in days
        ]
        return formset


@admin.register(Meetup)
class MeetupAdmin(EditorAdmin):
    list_display = ["name", "project", "cycle", "location", "start_date", "end_date"]
    list_filter = ["project", "cycle"]
    search_fields = ["name", "project", "cycle", "location"]
    prepopulated_fields = {"slug": ["name"]}
    date_hierarchy = "start_date"
    inlines = [DayInline, AttendanceInline]


class SessionInline(EditorInlineMixin, admin.TabularInline):
    model = Session
    fields = ["order", "title", "kind", "part_of_day", "start_time", "facilitator"]
    extra = 0
    show_change_link = True


@admin.register(Day)
class DayAdmin(VersionedAdmin):
    list_display = ["__str__", "meetup", "number", "date"]
    list_filter = ["meetup"]
    list_select_related = ["meetup"]
    search_fields = ["meetup__name", "summary"]
    autocomplete_fields = ["meetup"]
    date_hierarchy = "date"
    inlines = [SessionInline]
    actions = ["download_reports"]
    change_list_template = "admin/priorities/day/change_list.html"

    @admin.action(description="Download the Markdown report of the selected days")
    def download_reports(self, request, queryset):
        days = list(queryset.select_related("meetup").order_by("meetup__slug", "number"))
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

    def has_add_notes_permission(self, request):
        """Quick notes start a session; what else they create is checked change by change."""
        return request.user.has_perm("priorities.add_session")

    def add_notes_view(self, request, object_id=None):
        """Type quick notes (MeetBot style), preview the records they make, then confirm."""
        if not self.has_add_notes_permission(request):
            raise PermissionDenied
        day = None
        if object_id is not None:
            if _all_keys(self.model, [unquote(object_id)]):
                day = self.get_object(request, unquote(object_id))
            if day is None:
                return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        fixed_day = day
        posted = request.method == "POST"
        form = NotesImportForm(request.POST if posted else None, day=day)
        changes, errors = None, []
        if posted and "edit" not in request.POST and form.is_valid():
            day = form.cleaned_data["day"]
            arguments = {
                "day": day,
                "text": form.cleaned_data["notes"],
                "session_title": form.cleaned_data["session_title"] or None,
                "user": request.user,
            }
            try:
                changes = import_notes(**arguments, dry_run=True)
                denied = sorted(
                    {str(c) for c in changes if not request.user.has_perm(c.permission)}
                )
                if denied:
                    form.add_error(None, "You may not: " + "; ".join(denied) + ".")
                    changes = None
                elif "confirm" in request.POST:
                    changes = import_notes(**arguments)
                    messages.success(
                        request, f"Added quick notes to {day}: {count_changes(changes)}."
                    )
                    return redirect(reverse("admin:priorities_day_change", args=[day.pk]))
            except NotesError as error:
                errors = error.errors
                changes = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Add quick notes",
            "fixed_day": fixed_day,
            "day": day,
            "form": form,
            "changes": changes,
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
        form = ReportImportForm(request.POST or None, request.FILES or None)
        result = None
        if request.method == "POST" and form.is_valid():
            confirmed = "confirm" in request.POST
            try:
                result = import_report(
                    form.cleaned_data["text"],
                    meetup_slug=form.meetup_slug(),
                    create_areas=form.cleaned_data["create_areas"],
                    dry_run=True,
                )
                denied = sorted(
                    {str(c) for c in result.changes if not request.user.has_perm(c.permission)}
                )
                if denied:
                    form.add_error(None, "You may not: " + "; ".join(denied) + ".")
                    result = None
                elif confirmed:
                    result = import_report(
                        form.cleaned_data["text"],
                        meetup_slug=form.meetup_slug(),
                        create_areas=form.cleaned_data["create_areas"],
                        user=request.user,
                    )
                    messages.success(
                        request, f"Imported {result.day}: {len(result.changes)} change(s)."
                    )
                    return redirect(reverse("admin:priorities_day_change", args=[result.day.pk]))
            except ReportError as error:
                form.add_error(None, f"The report cannot be imported: {error}.")
                result = None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import a day report",
            "form": form,
            "result": result,
        }
        return TemplateResponse(request, "admin/priorities/day/import.html", context)


class StatusUpdateInline(EditorInlineMixin, admin.StackedInline):
    model = StatusUpdate
    fields = [
        ("priority_area", "status"),
        "headline",
        "body",
        ("reported_by", "delivery"),
    ]
    autocomplete_fields = ["priority_area"]
    extra = 0


class OutcomeInline(EditorInlineMixin, admin.TabularInline):
    fields = ["order", "priority_area", "text"]
    autocomplete_fields = ["priority_area"]
    extra = 0


class DecisionInline(OutcomeInline):
    model = Decision


class ActionItemInline(OutcomeInline):
    model = ActionItem
    fields = ["order", "priority_area", "text", "owner", "done"]


class RiskInline(OutcomeInline):
    model = Risk


class RecordsEditorMixin:
    """Record the editor who saved each status update, from its own form or an inline."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, StatusUpdate):
            obj.saved_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is StatusUpdate:
            for update in formset.save(commit=False):
                update.saved_by = request.user
                update.save()
            for deleted in formset.deleted_objects:
                deleted.delete()
            formset.save_m2m()
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Session)
class SessionAdmin(RecordsEditorMixin, VersionedAdmin):
    list_display = ["title", "day", "kind", "part_of_day", "order"]
    list_filter = ["day__meetup", "kind"]
    list_select_related = ["day__meetup"]
    search_fields = ["title", "notes", "day__meetup__name"]
    autocomplete_fields = ["day"]
    inlines = [StatusUpdateInline, DecisionInline, ActionItemInline, RiskInline]


@admin.register(PriorityArea)
class PriorityAreaAdmin(EditorAdmin):
    list_display = ["name", "lead_names", "display_order", "active"]
    list_editable = ["display_order", "active"]
    list_filter = ["active"]
    search_fields = ["name", "slug", "leads__name", "leads__irc_nick"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["leads"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leads")

    @admin.display(description="leads")
    def lead_names(self, area):
        return ", ".join(person.name for person in area.leads.all())


@admin.register(Person)
class PersonAdmin(EditorAdmin):
    list_display = ["name", "irc_nick", "affiliation", "areas_led"]
    list_filter = [("led_areas", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "irc_nick", "affiliation"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("led_areas")

    @admin.display(description="leads")
    def areas_led(self, person):
        return ", ".join(area.name for area in person.led_areas.all())


@admin.register(StatusUpdate)
class StatusUpdateAdmin(RecordsEditorMixin, VersionedAdmin):
    list_display = [
        "headline",
        "priority_area",
        "status",
        "session",
        "reported_by",
        "delivery",
        "saved_by",
        "updated_at",
    ]
    list_filter = ["session__day__meetup", "priority_area", "status", "delivery"]
    list_select_related = ["priority_area", "session__day__meetup", "saved_by"]
    search_fields = ["headline", "body", "reported_by", "priority_area__name"]
    autocomplete_fields = ["session", "priority_area"]
    date_hierarchy = "session__day__date"
    readonly_fields = ["saved_by", "created_at", "updated_at"]
    fields = [
        "session",
        ("priority_area", "status"),
        "headline",
        "body",
        ("reported_by", "delivery"),
        ("saved_by", "created_at", "updated_at"),
    ]


class OutcomeAdmin(VersionedAdmin):
    list_display = ["__str__", "priority_area", "session"]
    list_filter = ["session__day__meetup", "priority_area"]
    list_select_related = ["priority_area", "session__day__meetup"]
    search_fields = ["text"]
    autocomplete_fields = ["session", "priority_area"]


@admin.register(Decision)
class DecisionAdmin(OutcomeAdmin):
    pass


@admin.register(ActionItem)
class ActionItemAdmin(OutcomeAdmin):
    list_display = ["__str__", "owner", "done", "priority_area", "session"]
    list_filter = ["done", *OutcomeAdmin.list_filter]
    list_editable = ["done"]
    search_fields = ["text", "owner"]


@admin.register(Risk)
class RiskAdmin(OutcomeAdmin):
    pass
