from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models
from django.forms.models import InlineForeignKeyField
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import capfirst

from .models import Day, Meetup
from .notes_import import CHEAT_SHEET, MAX_NOTES_BYTES, notes_size_problem
from .report_import import MAX_REPORT_BYTES, size_problem


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
        value = value.replace("\r\n", "\n").replace("\r", "\n")
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


# Optimistic locking (see priorities.locking): the admin form carries the version it edits.


class VersionedForm(forms.ModelForm):
    """A model form that refuses to save over a newer version of its object.

    The hidden ``version`` field holds the version the editor opened. When the object has
    moved on since and this form would change it, the form is refused with the newer text;
    the editor's own text stays in the form, whose version is moved on so that saving again
    (after comparing) is deliberate. A form that changes nothing the editor did not already
    see saves nothing, so adding a row inline never clashes with a change to its parent.
    """

    version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2_147_483_647
    )

    out_of_date_message = (
        "This form does not say which version it edits (it may be out of date or damaged). "
        "Reload the page and make your change again."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.saw_nothing_new = False

    @property
    def editing(self):
        return self.instance.pk is not None and not self.instance._state.adding

    @cached_property
    def changed_data(self):
        return [] if self.saw_nothing_new else self._differs_from_current()

    def _differs_from_current(self):
        """The fields whose submitted value differs from the object as it is now."""
        return [
            name
            for name, field in self._bound_items()
            if name != "version" and field._has_changed()
        ]

    def clean(self):
        cleaned_data = super().clean()
        if not self.editing:
            self._errors.pop("version", None)
            cleaned_data.pop("version", None)
            return cleaned_data
        if "version" in self._errors or cleaned_data.get("version") is None:
            self._errors.pop("version", None)
            self._move_version_on()
            raise forms.ValidationError(self.out_of_date_message, code="no_version")
        opened = cleaned_data["version"]
        if opened == self.instance.version:
            return cleaned_data
        editors_changes = self._changes_since(opened)
        if not editors_changes:
            # Nothing the editor typed differs from what they opened: nothing to save.
            self.saw_nothing_new = True
            cleaned_data["version"] = self.instance.version
            return cleaned_data
        self._move_version_on()
        raise forms.ValidationError(self._conflict_messages())

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
        if not parents or self._errors.get(NON_FIELD_ERRORS):
            return
        exclude = self._get_validation_exclusions() - parents
        for constraint in self.instance._meta.constraints:
            if not parents & set(getattr(constraint, "fields", ())):
                continue
            try:
                constraint.validate(type(self.instance), self.instance, exclude=exclude)
            except forms.ValidationError as error:
                self._update_errors(error)

    def _changes_since(self, opened):
        """The fields this form changes compared with version ``opened`` of the object."""
        fields = [name for name in self.fields if name != "version"]
        record = self.instance.history.filter(version=opened).order_by("-history_id").first()
        if record is None:  # that version is unknown: compare with the current one
            return self._differs_from_current()
        initial = forms.model_to_dict(record.instance, fields=fields)
        return [
            name
            for name in fields
            if name in initial and self.fields[name].has_changed(initial[name], self[name].data)
        ]

    def _move_version_on(self):
        """Let the form shown again carry the current version: saving it again is deliberate."""
        data = self.data.copy()
        data[self.add_prefix("version")] = str(self.instance.version)
        self.data = data

    def _conflict_messages(self):
        """Who saved the object, when, and the current value of every field this form changes."""
        current = type(self.instance)._default_manager.get(pk=self.instance.pk)
        latest = current.history.order_by("-history_id").select_related("history_user").first()
        who = ""
        if latest is not None:
            user = latest.history_user.get_username() if latest.history_user else "someone"
            when = timezone.localtime(latest.history_date).strftime("%Y-%m-%d %H:%M %Z")
            who = f" by {user} at {when}"
        messages = [
            forms.ValidationError(
                "%(name)s “%(object)s” was saved%(who)s while you were editing it, so your "
                "changes were not saved. Its current text is shown here; yours is still in the "
                "form. Compare them, then save again to replace it with yours.",
                code="version_conflict",
                params={
                    "name": capfirst(current._meta.verbose_name),
                    "object": str(current),
                    "who": who,
                },
            )
        ]
        fields = [name for name in self.fields if name != "version"]
        now = forms.model_to_dict(current, fields=fields)
        for name in fields:
            if name in now and self.fields[name].has_changed(now[name], self[name].data):
                messages.append(
                    forms.ValidationError(
                        "%(label)s now reads: “%(value)s”",
                        code="newer_text",
                        params={
                            "label": capfirst(self.fields[name].label or name),
                            "value": _display(current, name),
                        },
                    )
                )
        return messages


def _display(instance, field_name):
    display = getattr(instance, f"get_{field_name}_display", None)
    if callable(display):
        return display()
    value = getattr(instance, field_name, "")
    if value is None or value == "":
        return "(empty)"
    return str(value)


# Quick notes (see priorities.notes_import).


class NotesImportForm(forms.Form):
    """Quick notes for a day, MeetBot style; the text travels with the confirmation."""

    day = forms.ModelChoiceField(queryset=None)
    session_title = OneLineField(
        required=False,
        max_length=200,
        help_text='Leave empty to use the title after #startmeeting, or "Quick notes".',
    )
    notes = forms.CharField(
        strip=False,
        max_length=MAX_NOTES_BYTES,
        widget=forms.Textarea(attrs={"rows": 20, "cols": 100, "class": "vLargeTextField"}),
    )

    def __init__(self, *args, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        days = Day.objects.select_related("meetup").order_by(
            "-meetup__start_date", "meetup_id", "number"
        )
        if day is not None:
            # Reached from a day: that day, whatever the request says.
            days = days.filter(pk=day.pk)
            self.fields["day"].initial = day
            self.fields["day"].disabled = True
        self.fields["day"].queryset = days
        self.fields["notes"].help_text = CHEAT_SHEET

    def clean_notes(self):
        notes = self.cleaned_data["notes"]
        if problem := notes_size_problem(len(notes.encode("utf-8", "surrogatepass"))):
            raise forms.ValidationError(problem)
        return notes
