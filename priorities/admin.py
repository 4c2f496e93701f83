"""The editors' admin: organisers set up meetups and days, note-takers post what was said."""

import re
import time
from dataclasses import dataclass
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten, unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, router, transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from .admin_forms import (
    NotesImportForm,
    ReportImportForm,
    ShownValuesForm,
    VersionedForm,
    editor_formfield_class,
)
from .interchange.importing import ImportResult, PreviewOutdated, changes_digest
from .interchange.quick_notes import NotesError, count_changes, import_notes
from .interchange.report_export import day_report, report_filename, reports_zip
from .interchange.report_import import ReportError, import_report
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
    violated_rule_message,
)
from .models.locking import VersionConflict, is_transient, lock


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


class ShownValuesMixin(EditorTextMixin):
    """Forms (and inline rows) that carry what the page showed: see ``ShownValuesForm``."""

    form = ShownValuesForm
    #: The hidden fields the form carries besides the model's.
    bookkeeping_fields = ("shown",)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        shown = flatten(fields)
        return fields + [name for name in self.bookkeeping_fields if name not in shown]


class CarriesVersionMixin(ShownValuesMixin):
    """Forms (and inline rows) that carry the version they edit: see ``VersionedForm``."""

    form = VersionedForm
    bookkeeping_fields = ("shown", "version")


def _all_keys(model, values):
    """Whether every one of ``values`` is a primary key the database could hold."""
    pk = model._meta.pk
    try:
        for value in values:
            pk.run_validators(pk.to_python(value))
    except ValidationError:
        return False
    return True


class StaleSafeInlineFormSet(BaseInlineFormSet):
    """Inline rows; a row ticked for deletion that someone changed since the page is refused.

    (Django leaves a deleted row's own errors out of the formset's, so its form cannot say it.)
    """

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if not isinstance(form, VersionedForm) or not form.editing:
                continue
            if form.shown_version() not in (None, form.instance.version):
                raise ValidationError(
                    "%(name)s “%(object)s” was changed since you opened this page, so nothing "
                    "was deleted or saved. Check it, then delete it again if you still want to.",
                    code="changed_before_delete",
                    params={
                        "name": capfirst(form.instance._meta.verbose_name),
                        "object": str(form.instance),
                    },
                )


class EditorInlineMixin(CarriesVersionMixin):
    """Rows edited inline: at most ``max_num`` of them, however many a damaged form claims."""

    max_num = 100
    formset = StaleSafeInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        return super().get_formset(request, obj, **kwargs)


class ObjectMissing(Exception):
    """The object a post writes to is not in the database (any more)."""


class ChangedSinceOpened(Exception):
    """An object to delete was saved after the confirmation page showed it."""

    def __init__(self, objects):
        super().__init__(", ".join(str(obj) for obj in objects))
        self.objects = objects


class WriteFailed(Exception):
    """A write lost its race every time it was tried: ``error`` is the last reason."""

    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


#: Why a delete confirmed in the admin may be refused: the objects changed since the page, they
#: gained children meanwhile, or the delete kept losing its race.
DELETE_REFUSALS = (ChangedSinceOpened, ProtectedError, RestrictedError, WriteFailed)


def _delete_refusal(error):
    """What to tell an editor whose delete the database refused (children added meanwhile)."""
    if isinstance(error, ProtectedError | RestrictedError):
        names = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        return (
            "It cannot be deleted: it now has "
            + ", ".join(names)
            + " (added since you opened the page). Nothing was deleted."
        )
    return "It cannot be deleted as things now stand. Nothing was deleted."


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


class EditorAdmin(ShownValuesMixin, admin.ModelAdmin):
    """What every model page of the admin shares: saves that never lose anyone's work.

    Every post that writes runs in one transaction that first locks the object it edits (or
    the change list's rows, in key order): the lock order of ``priorities.locking``. A post
    that loses a race (someone saved the same object, added the same unique row or deadlocked
    with it at that moment) is handled again from the start, so the form then shows what
    happened; after ``write_attempts`` tries, or when the object was deleted meanwhile, the
    editor gets a page with everything they typed. Nothing answers a 500.
    """

    write_attempts = 3

    def lock_objects(self, keys, *, for_delete=False):
        """Lock the rows with these keys (see ``priorities.locking.lock``); return them."""
        return lock(self.model._default_manager.filter(pk__in=keys), key=for_delete)

    def run_write(self, view, *, keys=(), for_delete=False, missing_ok=False):
        """``view()`` in a transaction, after locking the objects with ``keys``; again when
        it loses a race. Raises ``ObjectMissing`` or ``WriteFailed`` (see the class)."""
        failure = None
        for attempt in range(self.write_attempts):
            try:
                with transaction.atomic(using=router.db_for_write(self.model)):
                    locked = self.lock_objects(keys, for_delete=for_delete) if keys else []
                    if len(locked) < len(set(keys)) and not missing_ok:
                        raise ObjectMissing
                    return view()
            except (VersionConflict, IntegrityError) as error:
                failure = error
            except DatabaseError as error:
                if not is_transient(error):
                    raise
                failure = error
                time.sleep(0.05 * (attempt + 1))
        raise WriteFailed(failure)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        if object_id is not None and not _all_keys(self.model, [unquote(object_id)]):
            raise Http404("No such object.")
        view = partial(super().changeform_view, request, object_id, form_url, extra_context)
        keys = [] if object_id is None or "_saveasnew" in request.POST else [unquote(object_id)]
        try:
            return self.run_write(view, keys=keys)
        except ObjectMissing:
            return self.kept_text_response(request, object_id, deleted=True)
        except WriteFailed as failure:
            return self.kept_text_response(request, object_id, failure=failure.error)

    def kept_text_response(self, request, object_id, *, deleted=False, failure=None):
        """A page holding everything the editor typed, when it could not be saved."""
        if not (self.has_change_permission(request) or self.has_add_permission(request)):
            raise PermissionDenied
        if deleted:
            reason = (
                f"This {self.opts.verbose_name} was deleted while you were editing it, so "
                "nothing was saved and it was not created again. Your text is below: copy what "
                "you need, or bring it back from its history and add your changes there."
            )
        else:
            reason = (
                "Nothing was saved: "
                + failure_message(self.model, failure)
                + " Your text is below: go back and save it again."
            )
        typed = [
            (_posted_label(name), value)
            for name, values in request.POST.lists()
            if not _is_bookkeeping(name)
            for value in values
            if value.strip()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Your text was not saved",
            "reason": reason,
            "typed": typed,
            "history_url": (
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_history", args=[object_id]
                )
                if object_id is not None and hasattr(self, "history_view")
                else None
            ),
        }
        return TemplateResponse(request, "admin/priorities/kept_text.html", context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        if not _all_keys(self.model, [unquote(object_id)]):
            raise Http404("No such object.")
        view = partial(super().delete_view, request, object_id, extra_context)
        again = request.get_full_path()
        try:
            return self.run_write(view, keys=[unquote(object_id)], for_delete=True)
        except ObjectMissing:
            self.message_user(request, f"This {self.opts.verbose_name} was already deleted.")
            return redirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
            )
        except DELETE_REFUSALS as refused:
            self.message_user(request, self.refusal_message(refused), messages.ERROR)
        return redirect(again)

    def delete_model(self, request, obj):
        _check_versions(request.POST, [obj], single=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        objects = self.lock_objects([obj.pk for obj in queryset], for_delete=True)
        _check_versions(request.POST, objects)
        super().delete_queryset(request, queryset)

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
        if not request.POST.get("post"):
            return super().response_action(request, queryset)
        try:
            return self.run_write(partial(super().response_action, request, queryset))
        except DELETE_REFUSALS as refused:
            self.message_user(request, self.refusal_message(refused), messages.ERROR)
        return None

    def refusal_message(self, refused):
        """What to tell an editor whose delete was refused (see ``DELETE_REFUSALS``)."""
        if isinstance(refused, ChangedSinceOpened):
            return _changed_message(refused.objects)
        if isinstance(refused, WriteFailed):
            return failure_message(self.model, refused.error)
        return _delete_refusal(refused)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", self.form)
        return super().get_changelist_form(request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        if not (request.method == "POST" and self.list_editable and "_save" in request.POST):
            return super().changelist_view(request, extra_context)
        keys = [value for name, value in request.POST.items() if _CHANGELIST_KEY.fullmatch(name)]
        # Django checks the edited rows' keys with to_python only, so a key too large for the
        # database (99999999999999999999) would reach the query and crash it.
        if not _all_keys(self.model, keys):
            self.message_user(
                request,
                "The list was damaged: reload it and make your changes again.",
                messages.ERROR,
            )
            return redirect(request.get_full_path())
        view = partial(super().changelist_view, request, extra_context)
        try:
            return self.run_write(view, keys=keys, missing_ok=True)
        except WriteFailed as failure:
            self.message_user(request, failure_message(self.model, failure.error), messages.ERROR)
            return redirect(request.get_full_path())


_CHANGELIST_KEY = re.compile(r"form-\d+-id")
_POSTED_ROW = re.compile(r"^(?P<prefix>[a-z_]+)-(?P<row>\d+)-(?P<field>[a-z_]+)$")
_MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def _is_bookkeeping(name):
    field = name.rsplit("-", 1)[-1]
    return (
        name in ("csrfmiddlewaretoken", "_save", "_continue", "_addanother", "post")
        or name.startswith("initial-")
        or field in ("shown", "version", "id", "DELETE", *_MANAGEMENT)
    )


def _posted_label(name):
    """ "Action items, row 1: text" for ``action_items-0-text``; "notes" for ``notes``."""
    if match := _POSTED_ROW.match(name):
        row = int(match["row"]) + 1
        return f"{capfirst(match['prefix'].replace('_', ' '))}, row {row}: {match['field']}"
    return name.replace("_", " ")


def _check_versions(posted, objects, *, single=False):
    """Refuse to delete objects saved after the confirmation page showed them.

    The page says which version it showed (``version`` on a single delete, ``pk:version`` pairs
    in ``_selected_version`` on the change list's action); a post that does not say is taken
    as it is, as Django's own pages are.
    """
    if single:
        shown = {str(objects[0].pk): posted.get("version")} if posted.get("version") else {}
    else:
        shown = dict(
            pair.split(":", 1) for pair in posted.getlist("_selected_version") if ":" in pair
        )
    changed = [
        obj
        for obj in objects
        if hasattr(obj, "version") and shown.get(str(obj.pk), str(obj.version)) != str(obj.version)
    ]
    if changed:
        raise ChangedSinceOpened(changed)


def _changed_message(objects):
    names = ", ".join(f"“{obj}”" for obj in objects)
    return (
        f"Nothing was deleted: {names} changed since you opened the confirmation page. "
        "Check what it holds now, then delete it again if you still want to."
    )


def failure_message(model, error):
    """What to tell an editor whose write failed for ``error`` on every attempt."""
    if isinstance(error, IntegrityError):
        return violated_rule_message(error) or (
            "the database refused it as it stands; check the page and try again."
        )
    if isinstance(error, VersionConflict):
        return f"the {model._meta.verbose_name} kept changing while it was being saved."
    return "the site was too busy to save it just now."


@dataclass
class Preview:
    """What an import would change, shown for the editor to confirm (``interchange.importing``).

    ``outdated`` says that it is shown again because the day changed since the editor's
    previous preview, which is then not what a confirmation would do.
    """

    result: ImportResult
    digest: str
    outdated: bool = False


def preview_then_confirm(request, form, run):
    """The admin's preview-then-confirm flow, shared by the report import and quick notes.

    ``run(dry_run=..., expected_digest=...)`` does the import and returns an ``ImportResult``.
    Every change is checked against the editor's permissions first. Returns ``(preview, None)``
    to show, or ``(None, result)`` once the confirmed changes are made: a confirmation counts
    only for the very changes its preview listed (its digest), so an edit of the day made in
    between is never undone unseen.
    """
    result = run(dry_run=True)
    denied = sorted({str(c) for c in result.changes if not request.user.has_perm(c.permission)})
    if denied:
        form.add_error(None, "You may not: " + "; ".join(denied) + ".")
        return None, None
    preview = Preview(result, changes_digest(result.changes))
    if "confirm" not in request.POST:
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


class VersionedAdmin(CarriesVersionMixin, EditorAdmin, SimpleHistoryAdmin):
    """A model whose saves are checked against the version the editor opened, with history."""

    history_list_display = ["version"]

    def save_model(self, request, obj, form, change):
        restoring = getattr(request, "restoring_from_history", False)
        if change and not form.has_changed() and not restoring:
            return  # nothing changes: leave the version (and the history) as it is
        if restoring and obj._state.adding:
            # Back from deletion: a version after every one its history holds.
            last = obj.history.aggregate(last=Max("version"))["last"] or 0
            obj.version = last + 1
        super().save_model(request, obj, form, change)

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
        view = partial(super().history_form_view, request, object_id, version_id, extra_context)
        if request.method != "POST":
            return view()
        try:
            return self.run_write(view, keys=[unquote(object_id)], missing_ok=True)
        except WriteFailed as failure:
            return self.kept_text_response(request, object_id, failure=failure.error)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and getattr(request, "restoring_from_history", False):
            # The form restores an old version over the current one: it edits the current one,
            # as the editor saw it when the page was opened (or, once deleted, none: 0).
            current = (
                self.model._default_manager.filter(pk=obj.pk)
                .values_list("version", flat=True)
                .first()
            )
            obj.version = 0 if current is None else current
            obj._state.adding = current is None
            form.restoring = True
        return form


class DayInline(EditorInlineMixin, admin.TabularInline):
    model = Day
    fields = ["number", "date"]
    extra = 0
    show_change_link = True


class AttendanceForm(ShownValuesForm):
    """An attendee's row: the meetup's days as checkboxes, listed once for every row."""

    #: [(day id, "Day 1 (2015-01-26)")]: set by ``AttendanceInline.get_formset``.
    day_choices = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].widget = forms.CheckboxSelectMultiple(choices=self.day_choices)


class AttendanceInline(ShownValuesMixin, admin.TabularInline):
    """Who came, one row a person, ticking the days they were in the room."""

    model = Attendance
    form = AttendanceForm
    fields = ["person", "days"]
    autocomplete_fields = ["person"]
    extra = 1
    max_num = 500
    verbose_name = "attendee"
    verbose_name_plural = "attendance (save new days first: only saved days can be ticked)"
    formset = StaleSafeInlineFormSet

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
                self.message_user(request, "That day does not exist (any more).", messages.WARNING)
                return redirect(reverse("admin:priorities_day_changelist"))
        fixed_day = day
        posted = request.method == "POST"
        form = NotesImportForm(request.POST if posted else None, day=day)
        preview, errors = None, []
        if posted and "edit" not in request.POST and form.is_valid():
            day = form.cleaned_data["day"]
            arguments = {
                "text": form.cleaned_data["notes"],
                "session_title": form.cleaned_data["session_title"] or None,
                "user": request.user,
            }

            def run(day=day, **options):
                return ImportResult(day, import_notes(day, **arguments, **options))

            try:
                preview, done = preview_then_confirm(request, form, run)
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
