"""The public forms: the filters of the lists and the search form. All GET, so shareable."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from .enums import Status
from .models import Meetup, PriorityArea


def _choices(model, empty_label):
    """(slug, name) choices of every ``model`` object: one query, made once per form."""
    return [("", empty_label), *model.objects.values_list("slug", "name")]


def _get_form_helper(*rows, button):
    helper = FormHelper()
    helper.form_method = "get"
    helper.form_class = "mb-4"
    helper.layout = Layout(
        *(
            Row(*(Column(name, css_class="col-sm") for name in row), css_class="g-2")
            for row in rows
        ),
        StrictButton(button, type="submit", css_class="btn-primary"),
    )
    return helper


class ListFilterForm(forms.Form):
    """The filters the home page and a priority area's timeline take from the query string.

    Values are slugs and status values as they appear in URLs; anything else is a form error.
    """

    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    meetup = forms.ChoiceField(required=False)

    filter_button = "Filter"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meetup"].choices = _choices(Meetup, "Any meetup")
        self.helper = _get_form_helper(list(self.fields), button=self.filter_button)

    def filters(self):
        """The valid filters to apply; an invalid one is left out (the form shows its error)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in ("meetup", "status")}

    @property
    def active(self):
        return any(self.filters().values())


class SearchForm(ListFilterForm):
    """What to search for, and where: meetup, priority area, status and a range of days."""

    q = forms.CharField(
        label="Search for",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. scheduler split"}),
        help_text='Words must all appear; use "quotes" for a phrase.',
    )
    area = forms.ChoiceField(label="Priority area", required=False)
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    field_order = ["q", "meetup", "area", "status", "since", "until"]
    filter_button = "Search"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _choices(PriorityArea, "Any priority area")
        self.fields["status"].help_text = "Only status updates have a status."
        self.helper = _get_form_helper(
            ["q"], ["meetup", "area", "status"], ["since", "until"], button=self.filter_button
        )

    def clean(self):
        cleaned_data = super().clean()
        since, until = cleaned_data.get("since"), cleaned_data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the range must not be before its start.")
        return cleaned_data

    def search_arguments(self):
        """The keyword arguments of ``priorities.search.search``, or None if nothing to do."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        arguments = {
            "text": data["q"],
            **{name: data[name] or None for name in ("meetup", "area", "status")},
            "since": data["since"],
            "until": data["until"],
        }
        return arguments if any(arguments.values()) else None


class OutcomeFilterForm(forms.Form):
    """The filters of the decision register: meetup, priority area and a piece of text.

    Like ``ListFilterForm``, an unknown slug or an invalid value is a form error, shown with the
    form and left out of the filters.
    """

    q = forms.CharField(
        label="Text contains",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. devstack"}),
    )
    meetup = forms.ChoiceField(required=False)
    area = forms.ChoiceField(label="Priority area", required=False)

    filter_button = "Filter"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meetup"].choices = _choices(Meetup, "Any meetup")
        self.fields["area"].choices = _choices(PriorityArea, "Any priority area")
        self.helper = _get_form_helper(["q"], ["meetup", "area"], button=self.filter_button)

    def _valid_data(self):
        if self.is_bound:
            self.is_valid()
        return getattr(self, "cleaned_data", {})

    def filters(self):
        """The keyword arguments of ``OutcomeQuerySet.filtered``: the valid filters only."""
        data = self._valid_data()
        return {
            "meetup": data.get("meetup") or None,
            "area": data.get("area") or None,
            "text": data.get("q") or None,
        }

    @property
    def active(self):
        return any(self.filters().values())


class ActionItemFilterForm(OutcomeFilterForm):
    """The filters of the action items: those of the register, and whether to show done items."""

    done = forms.BooleanField(label="Include done items", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _get_form_helper(
            ["q"], ["meetup", "area"], ["done"], button=self.filter_button
        )

    @property
    def include_done(self):
        return bool(self._valid_data().get("done"))

    @property
    def active(self):
        return super().active or self.include_done
