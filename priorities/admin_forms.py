from django import forms

from .models import Meetup

MAX_REPORT_BYTES = 2 * 1024 * 1024


class ReportImportForm(forms.Form):
    """Upload a Markdown day report; the text then travels with the confirmation."""

    report = forms.FileField(
        required=False,
        help_text="A report as written by 'Download Markdown' or export_day (UTF-8, at most 2 MB).",
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
            if upload.size > MAX_REPORT_BYTES:
                raise forms.ValidationError("The report is larger than 2 MB.")
            try:
                cleaned["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError("The report is not UTF-8 text.") from None
        if not cleaned.get("text"):
            raise forms.ValidationError("Choose a report file to import.")
        if "\x00" in cleaned["text"]:
            raise forms.ValidationError("The report contains NUL characters.")
        return cleaned

    def meetup_slug(self):
        meetup = self.cleaned_data.get("meetup")
        return meetup.slug if meetup else None
