"""What every model page of the admin shares: saves that never lose anyone's work.

See ``EditorAdmin``: each post that writes runs in one transaction that first locks what it
edits, is handled again when it loses a race, and at worst shows the editor their own text.
"""

import functools
import re
import time
from functools import partial

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.utils import flatten, unquote
from django.contrib.admin.widgets import AutocompleteMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, router, transaction
from django.db.models import Max
from django.forms.models import BaseInlineFormSet, ModelChoiceField
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from ..models.locking import VersionConflict, is_transient, lock
from .forms import ShownValuesForm, VersionedForm, editor_formfield_class
from .hardening import (
    DamageProofChangeList,
    SafeAutocompleteSelect,
    SafeAutocompleteSelectMultiple,
    SafeModelMultipleChoiceField,
    all_keys,
)
from .refusals import (
    DELETE_REFUSALS,
    ObjectMissing,
    WriteFailed,
    check_versions,
    delete_refusal_message,
    failure_message,
)
from .team_scope import TeamOfTheObjectMixin, TeamScopedMixin, in_scope


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


class EditorInlineMixin(TeamScopedMixin, TeamOfTheObjectMixin, ShownValuesMixin):
    """Rows edited inline: at most ``max_num`` of them, however many a damaged form claims,
    each pointing only at its parent's team's objects (see ``team_scope``), all listing those
    objects from one query (``share_choices``)."""

    max_num = 100
    formset = StaleSafeInlineFormSet

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("absolute_max", self.max_num)
        formset = super().get_formset(request, obj, **kwargs)
        self.limit_to_the_team_of(formset.form, obj)
        share_choices(formset.form)
        return formset


def share_choices(form_class):
    """Let every row made from ``form_class`` list its related objects from one query.

    Each row's form copies the class's fields, and a ``ModelChoiceField`` queries its choices
    again for each copy it renders: a session's 100 update rows queried its priority areas 100
    times. Setting a field's ``choices`` to a callable (public API: evaluated lazily, when a row
    is first rendered, so a save that renders nothing queries nothing) memoised on the field
    makes them one query; the copies share it. The admin builds the form class for each request,
    so the choices are never older than the request. What is posted is still checked against
    the field's queryset. Autocomplete widgets query only the selected object: left alone.
    """
    for field in form_class.base_fields.values():
        widget = getattr(field.widget, "widget", field.widget)  # inside the admin's wrapper
        if not isinstance(field, ModelChoiceField) or isinstance(widget, AutocompleteMixin):
            continue
        # iter(): list() of the iterator itself would first count the rows (a query more).
        field.choices = functools.cache(lambda field=field: list(iter(field.iterator(field))))


class VersionedInlineMixin(CarriesVersionMixin, EditorInlineMixin):
    """Inline rows of a versioned model (``VersionedModel``): each carries its version."""


class EditorAdmin(TeamScopedMixin, TeamOfTheObjectMixin, ShownValuesMixin, admin.ModelAdmin):
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
        if object_id is not None and not all_keys(self.model, [unquote(object_id)]):
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
        if not all_keys(self.model, [unquote(object_id)]):
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
        check_versions(request.POST, [obj], single=True)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        objects = self.lock_objects([obj.pk for obj in queryset], for_delete=True)
        check_versions(request.POST, objects)
        super().delete_queryset(request, queryset)

    def get_changelist(self, request, **kwargs):
        return DamageProofChangeList

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history looks the object up without checking the key: "abc" or "1.5"
        # raised ValueError (a 500).
        if not all_keys(self.model, [unquote(object_id)]):
            raise Http404("No such object.")
        return super().history_view(request, object_id, extra_context)

    def response_action(self, request, queryset):
        # Selected rows come back as primary keys; a damaged one must not reach a query.
        selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
        if not all_keys(self.model, selected):
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
        return delete_refusal_message(self.model, refused)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return self.limit_to_the_team_of(super().get_form(request, obj, change, **kwargs), obj)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", self.form)
        return super().get_changelist_form(request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        if not (request.method == "POST" and self.list_editable and "_save" in request.POST):
            return super().changelist_view(request, extra_context)
        keys = [value for name, value in request.POST.items() if _CHANGELIST_KEY.fullmatch(name)]
        # Django checks the edited rows' keys with to_python only, so a key too large for the
        # database (99999999999999999999) would reach the query and crash it.
        if not all_keys(self.model, keys):
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


class VersionedAdmin(CarriesVersionMixin, EditorAdmin, SimpleHistoryAdmin):
    """A model whose saves are checked against the version the editor opened, with history.

    Its change form keeps drafts of what the editor types in the browser (``js/drafts.js``)."""

    history_list_display = ["version"]

    class Media:
        js = ["js/drafts.js"]

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
        """Change history and the object itself; a deleted object needs the right to add, and
        to have been of the editor's teams. An object of another team is not theirs at all."""
        if not self.has_change_history_permission(request):
            return False
        object_id = unquote(object_id)
        obj = self.get_object(request, object_id)
        if obj is not None:
            return self.has_change_permission(request, obj)
        by_key = {self.model._meta.pk.attname: object_id}
        if self.model._default_manager.filter(**by_key).exists():
            return False  # it exists, out of the editor's teams (get_object found nothing)
        last = self.model.history.filter(**by_key).order_by("-history_id").first()
        return (
            last is not None
            and self.has_add_permission(request)
            and in_scope(request, last.instance)
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        history_model = self.model.history.model
        if not (
            all_keys(self.model, [unquote(object_id)])
            and all_keys(history_model, [unquote(version_id)])
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

    def has_view_history_permission(self, request, obj=None):
        return super().has_view_history_permission(request, obj) and in_scope(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return super().has_change_history_permission(request, obj) and in_scope(request, obj)

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
