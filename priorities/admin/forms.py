"""Admin forms: editors' text normalised, and judged by what the editor's page showed.

The rules on editors' text are the model fields' validators (``priorities.validators``);
here is only how a form normalises what it gets. What the editor changed is judged against
what their page showed (``ShownValuesForm``), never against the row as it is now; versioned
rows are refused whole when they moved on since the page (``VersionedForm``). The write side
of the locking is ``priorities.models.locking``.
"""

import hashlib
import json

from django import forms
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.forms.models import InlineForeignKeyField
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst

from ..validators import normalise_line_breaks

# Editors' text: how every admin form normalises it. The rules (printable, one line, not
# blank, length) are the model fields' validators (priorities.validators), which every way in
# runs through full_clean(): a form field only trims and normalises line breaks.


class OneLineField(forms.CharField):
    """A name, title or headline: surrounding spaces trimmed (the model refuses line breaks)."""


class MarkdownField(forms.CharField):
    """Editor Markdown, stored as typed: indentation kept, line breaks as LF.

    Browsers send a textarea's line breaks as CRLF; they become LF again. Text that is only
    whitespace counts as empty.
    """

    def __init__(self, **kwargs):
        kwargs["strip"] = False
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        value = normalise_line_breaks(value)
        return value if value.strip() else self.empty_value


def editor_formfield_class(db_field):
    """The form field class for a model field edited in the admin (None: Django's own)."""
    if db_field.choices or isinstance(db_field, models.SlugField):
        return None
    if isinstance(db_field, models.TextField):
        return MarkdownField
    if isinstance(db_field, models.CharField):
        return OneLineField
    return None


#: Hidden fields that say what the page showed; never part of what an editor changes.
BOOKKEEPING_FIELDS = frozenset({"shown", "version"})


def fingerprint(field, value):
    """A short digest of ``value`` as ``field`` reads it, to compare without keeping the text.

    Values are normalised the way the field cleans them (trimmed one-line text, LF line breaks,
    a date whatever its spelling, a related object by its key), so what was shown and what was
    posted compare equal when the editor left them alone.
    """
    if isinstance(field, forms.ModelMultipleChoiceField):
        text = "\x1f".join(sorted(str(key) for key in field.prepare_value(value or [])))
    elif isinstance(field, forms.ModelChoiceField):
        key = field.prepare_value(value)
        text = "" if key in (None, "") else str(key)
    else:
        try:
            value = field.to_python(value)
        except forms.ValidationError:
            value = f"\x00invalid:{value!r}"
        if isinstance(field, forms.BooleanField):
            text = "1" if value else "0"
        else:
            text = "" if value is None else str(value)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def as_form_data(field, value):
    """``value`` as a browser would post it for ``field``: a list of strings."""
    if isinstance(field, forms.BooleanField):
        return ["on"] if value else []
    if isinstance(field, forms.ModelMultipleChoiceField):
        return [str(key) for key in field.prepare_value(value or [])]
    if isinstance(field, forms.ModelChoiceField):
        key = field.prepare_value(value)
        return ["" if key is None else str(key)]
    if value is None:
        return [""]
    if hasattr(value, "isoformat"):
        return [value.isoformat()]
    return [str(value)]


class ShownValuesForm(forms.ModelForm):
    """An admin form that knows what the editor's page showed, and judges the post by it.

    A hidden ``shown`` field carries a digest of every value the page was rendered with. What
    the editor changed is what differs from *that*, never from the row as it is now: a row of an
    inline or of the change list that the editor did not touch is therefore neither validated
    nor written, however much someone else changed it meanwhile. A field the editor changed
    that someone else changed too since the page was shown is refused with the newer text
    (``VersionedForm`` refuses a whole row instead, by its version).

    Django's own ``show_hidden_initial`` would post every value a second time and look each
    related object up again to compare it (a query per row); one digest per form does neither.
    A post without ``shown`` (an old page, a script) is compared with the current row.
    """

    shown = forms.CharField(widget=forms.HiddenInput, required=False, max_length=10_000)

    #: Set on the form class by the admin's history ("Revert") view: a restore is checked in
    #: full even though the editor typed nothing (see ``VersionedForm``).
    restoring = False

    conflict_intro = (
        "%(name)s “%(object)s” was saved%(who)s while you were editing it, so your changes were "
        "not saved. Fields you did not change now show its newer text; the ones you changed "
        "still hold yours. Compare them, then save again to replace its text with yours."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["shown"] = json.dumps(self.current_fingerprints())

    @property
    def editing(self):
        return self.instance.pk is not None and not self.instance._state.adding

    def editable_fields(self):
        return [
            (name, field)
            for name, field in self.fields.items()
            if name not in BOOKKEEPING_FIELDS and not isinstance(field, InlineForeignKeyField)
        ]

    @cached_property
    def current_values(self):
        """{field: value} of the object as it is in the database now.

        The form's own initial values, except on a restore, whose form holds an old version.
        """
        if not self.restoring:
            return {name: self[name].initial for name, _field in self.editable_fields()}
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        values = forms.model_to_dict(current) if current is not None else {}
        return {name: values.get(name) for name, _field in self.editable_fields()}

    def current_fingerprints(self):
        """Digests of the values the form holds for its object as it is now."""
        return {
            name: fingerprint(field, self.current_values[name])
            for name, field in self.editable_fields()
        }

    def shown_fingerprints(self):
        """Digests of what the editor's page showed, or None when the post does not say."""
        try:
            shown = json.loads(self.data.get(self.add_prefix("shown")) or "null")
        except ValueError:
            return None
        return shown if isinstance(shown, dict) else None

    @cached_property
    def changed_data(self):
        shown = self.shown_fingerprints() or {}
        changed = []
        for name, field in self.editable_fields():
            if field.disabled:
                continue
            before = shown.get(name) or fingerprint(field, self[name].initial)
            if fingerprint(field, self[name].data) != before:
                changed.append(name)
        return changed

    def full_clean(self):
        # A row the editor left alone is neither validated nor saved: Django's formsets and the
        # change list save only changed forms, and skipping its checks saves the queries its
        # constraints would cost (a dozen a row). Form-wide errors still come from the formset.
        untouched = self.is_bound and self.editing and not self.restoring and not self.has_changed()
        if untouched:
            permitted, self.empty_permitted = self.empty_permitted, True
            super().full_clean()
            self.empty_permitted = permitted
            self.untouched_row_seen()
        else:
            super().full_clean()

    def untouched_row_seen(self):
        """Hook: a row the editor did not change was posted (``VersionedForm`` refreshes it)."""

    def clean(self):
        cleaned_data = super().clean()
        if self.editing:
            self.check_not_stale(cleaned_data)
        return cleaned_data

    def check_not_stale(self, cleaned_data):
        """Refuse the fields the editor changed that someone else changed since the page."""
        shown = self.shown_fingerprints()
        if shown is None:
            return
        current = self.current_fingerprints()
        theirs = [
            name for name in self.changed_data if shown.get(name, current[name]) != current[name]
        ]
        if theirs:
            self.show_current(keep=self.changed_data)
            raise forms.ValidationError(self.conflict_messages())

    def show_current(self, keep=()):
        """Let the form shown again hold the object as it is now, but for the fields in
        ``keep`` (the editor's own text), and say it shows that: saving it again is deliberate."""
        data = self.data.copy()
        for name, field in self.editable_fields():
            if name in keep or field.disabled:
                continue
            data.setlist(self.add_prefix(name), as_form_data(field, self.current_values[name]))
        data[self.add_prefix("shown")] = json.dumps(self.current_fingerprints())
        self.data = data

    def validate_unique(self):
        super().validate_unique()
        # Django leaves the parent out of an inline row's checks, so a row duplicating one
        # already in the database (the same day number, session title or priority area) passed
        # validation and crashed on save. Check the constraints that involve the parent too.
        parents = {
            name
            for name, field in self.fields.items()
            if isinstance(field, InlineForeignKeyField) and field.parent_instance.pk is not None
        }
        if not parents or self.has_error(NON_FIELD_ERRORS):
            return
        model_fields = {field.name for field in self.instance._meta.fields}
        exclude = {
            name for name in model_fields if name not in self.fields or self.has_error(name)
        } - parents
        for constraint in self.instance._meta.constraints:
            if not parents & constraint_fields(constraint):
                continue
            try:
                constraint.validate(type(self.instance), self.instance, exclude=exclude)
            except forms.ValidationError as error:
                self.add_error(None, error)

    def last_saved(self):
        """(who, when) of the object's latest change, from its history or the admin's log."""
        history = getattr(self.instance, "history", None)
        if history is not None:
            record = history.order_by("-history_id").select_related("history_user").first()
            if record is not None:
                return record.history_user, record.history_date
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.instance),
                object_id=str(self.instance.pk),
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        return (entry.user, entry.action_time) if entry else (None, None)

    def conflict_messages(self):
        """Who saved the object, when, and the current value of every field the editor's text
        differs from."""
        current = self.instance
        if self.restoring:
            current = type(current)._default_manager.filter(pk=current.pk).first() or current
        user, when = self.last_saved()
        who = ""
        if when is not None:
            name = user.get_username() if user else "someone"
            who = f" by {name} at {timezone.localtime(when).strftime('%Y-%m-%d %H:%M %Z')}"
        messages = [
            forms.ValidationError(
                self.conflict_intro,
                code="version_conflict",
                params={
                    "name": capfirst(current._meta.verbose_name),
                    "object": str(current),
                    "who": who,
                },
            )
        ]
        for name, field in self.editable_fields():
            if fingerprint(field, self.current_values[name]) != fingerprint(field, self[name].data):
                messages.append(
                    forms.ValidationError(
                        "%(label)s now reads: “%(value)s”",
                        code="newer_text",
                        params={
                            "label": capfirst(field.label or name),
                            "value": _display(current, name),
                        },
                    )
                )
        return messages


def constraint_fields(constraint):
    """The names of the model fields a constraint reads (its fields or its expressions')."""
    names = set(getattr(constraint, "fields", ()) or ())
    for expression in getattr(constraint, "expressions", ()):
        nodes = expression.flatten() if hasattr(expression, "flatten") else [expression]
        names.update(node.name for node in nodes if isinstance(node, models.F))
    return names


class VersionedForm(ShownValuesForm):
    """A form for a versioned object: refused whole when the object moved on since the page.

    The hidden ``version`` field holds the version the editor opened. When the object has
    moved on since and the editor changed it, the form is refused with the newer text; the
    editor's own text stays in the form, the other fields show the newer text, and the form's
    version is moved on so that saving again (after comparing) is deliberate. When the editor
    changed nothing, nothing is saved, so adding a row inline never clashes with a change to
    its parent. A restore (``restoring``) is refused whenever the object moved on since the
    restore page was opened: what it would replace is then not what the editor saw.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0, max_value=2_147_483_647
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A change list's row form holds only its editable fields: it still carries the version.
        self.initial.setdefault("version", self.instance.version)

    out_of_date_message = (
        "This form does not say which version it edits (it may be out of date or damaged). "
        "Reload the page and make your change again."
    )
    restore_conflict_intro = (
        "%(name)s “%(object)s” was saved%(who)s after you opened this page, so it was not "
        "restored. Compare the version you are restoring with its newer text, then restore "
        "again if you still want to."
    )

    def clean(self):
        cleaned_data = forms.ModelForm.clean(self)
        if not self.editing:
            self._errors.pop("version", None)
            cleaned_data.pop("version", None)
            return cleaned_data
        if self.has_error("version") or cleaned_data.get("version") is None:
            self._errors.pop("version", None)
            self.show_current(keep=[name for name, _field in self.editable_fields()])
            raise forms.ValidationError(self.out_of_date_message, code="no_version")
        opened = cleaned_data["version"]
        if opened == self.instance.version:
            return cleaned_data
        if self.restoring:
            self.show_current(keep=[name for name, _field in self.editable_fields()])
            self.conflict_intro = self.restore_conflict_intro
            raise forms.ValidationError(self.conflict_messages())
        if not self.changed_data:
            cleaned_data["version"] = self.instance.version
            return cleaned_data
        self.show_current(keep=self.changed_data)
        raise forms.ValidationError(self.conflict_messages())

    def untouched_row_seen(self):
        if self.shown_version() not in (None, self.instance.version):
            self.show_current()

    def shown_version(self):
        try:
            return int(self.data.get(self.add_prefix("version")))
        except (TypeError, ValueError):
            return None

    def show_current(self, keep=()):
        super().show_current(keep)
        self.data[self.add_prefix("version")] = str(self.instance.version)


def _display(instance, field_name):
    display = getattr(instance, f"get_{field_name}_display", None)
    if callable(display):
        return display()
    value = getattr(instance, field_name, "")
    if value is None or value == "":
        return "(empty)"
    return str(value)
