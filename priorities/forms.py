"""The public forms: the filters of the lists and the search form. All GET, so shareable."""

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from .enums import Status
from .models import Cycle, Meetup, PriorityArea


def slug_choices(queryset, empty_label):
    """(slug, name) choices of every object of ``queryset``: one query, made once per form."""
    return [("", empty_label), *queryset.values_list("slug", "name")]


class TeamObjectField(forms.ChoiceField):
    """A choice of one of a team's objects (an area, a cycle), offered as ``team/slug``.

    A bare ``slug`` is accepted too (every team's object of that slug): addresses made before
    there were teams keep working.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bare_slugs = set()

    def set_objects(self, rows, empty_label):
        """``rows``: (team slug, team name, slug, name) of every object to offer."""
        self.choices = [
            ("", empty_label),
            *((f"{team}/{slug}", f"{team_name} · {name}") for team, team_name, slug, name in rows),
        ]
        self.bare_slugs = {slug for _team, _team_name, slug, _name in rows}

    def valid_value(self, value):
        return value in self.bare_slugs or super().valid_value(value)


def _team_rows(model):
    return model.objects.order_by("team__name", "name").values_list(
        "team__slug", "team__name", "slug", "name"
    )


def _chosen_team(data):
    """The slug of the team the query string narrows to: its team, or its cycle's or area's."""
    if team := data.get("team"):
        return team
    for name in ("cycle", "area"):
        team, slash, _slug = str(data.get(name, "")).partition("/")
        if slash and team:
            return team
    return None


class TeamFiltersMixin:
    """The team and cycle filters (one query for both: the teams are those with cycles)."""

    def add_team_filters(self):
        cycles = list(_team_rows(Cycle))
        teams = dict.fromkeys((team, team_name) for team, team_name, _slug, _name in cycles)
        self.fields["team"].choices = [("", "Any team"), *teams]
        self.fields["cycle"].set_objects(cycles, "Any cycle")

    def offered_meetups(self):
        """Every team's meetups, or only the chosen team's once a team (or a team's cycle or
        area, ``team/slug``) is chosen."""
        meetups = Meetup.objects.all()
        if not self.is_bound:
            return meetups
        chosen = _chosen_team(self.data)
        return meetups.filter(team__slug=chosen) if chosen else meetups


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
    """The filters a priority area's timeline takes from the query string.

    Values are slugs and status values as they appear in URLs; anything else is a form error.
    ``team``: offer only that team's meetups (an area's timeline); else every team's.
    """

    status = forms.ChoiceField(choices=[("", "Any status"), *Status.choices], required=False)
    meetup = forms.ChoiceField(required=False)

    filter_button = "Filter"
    #: The names of the filters, as ``filters()`` gives them.
    filter_names = ("meetup", "status")

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.team = team
        self.fields["meetup"].choices = slug_choices(self.offered_meetups(), "Any meetup")
        self.helper = _get_form_helper(list(self.fields), button=self.filter_button)

    def filters(self):
        """The valid filters to apply; an invalid one is left out (the form shows its error)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or None for name in self.filter_names}

    def offered_meetups(self):
        return Meetup.objects.all() if self.team is None else self.team.meetups.all()

    @property
    def active(self):
        return any(self.filters().values())


class MeetupFilterForm(TeamFiltersMixin, ListFilterForm):
    """The home page's filters: team, cycle, meetup and status."""

    team = forms.ChoiceField(required=False)
    cycle = TeamObjectField(required=False)

    field_order = ["team", "cycle", "meetup", "status"]
    filter_names = ("team", "cycle", "meetup", "status")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_team_filters()
        self.helper = _get_form_helper(list(self.fields), button=self.filter_button)


class DateRangeForm(forms.Form):
    """A range of meetup days, ``since`` to ``until`` (inclusive, either may be left open)."""

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

    def clean(self):
        cleaned_data = super().clean()
        since, until = cleaned_data.get("since"), cleaned_data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end of the range must not be before its start.")
        return cleaned_data


class SearchForm(TeamFiltersMixin, DateRangeForm, ListFilterForm):
    """What to search for, and where: meetup, priority area, status and a range of days."""

    q = forms.CharField(
        label="Search for",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. scheduler split"}),
        help_text='Words must all appear; use "quotes" for a phrase.',
    )
    team = forms.ChoiceField(required=False)
    cycle = TeamObjectField(required=False)
    area = TeamObjectField(label="Priority area", required=False)

    field_order = ["q", "team", "cycle", "meetup", "area", "status", "since", "until"]
    filter_button = "Search"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_team_filters()
        self.fields["area"].set_objects(_team_rows(PriorityArea), "Any priority area")
        self.fields["status"].help_text = "Only status updates have a status."

    #: The filters besides the words, as the page lays them out (folded under "Filters").
    filter_rows = (["team", "cycle", "meetup"], ["area", "status"], ["since", "until"])

    def filter_fields(self):
        """The filter rows of bound fields, for the template."""
        return [[self[name] for name in row] for row in self.filter_rows]

    def filters_in_use(self):
        """How many filters the query string sets (valid or not)."""
        names = [name for row in self.filter_rows for name in row]
        return sum(1 for name in names if self.is_bound and self.data.get(name))

    def search_arguments(self):
        """The keyword arguments of ``priorities.search.search``, or None if nothing to do."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        arguments = {
            "text": data["q"],
            **{name: data[name] or None for name in ("team", "cycle", "meetup", "area", "status")},
            "since": data["since"],
            "until": data["until"],
        }
        return arguments if any(arguments.values()) else None


class OutcomeFilterForm(TeamFiltersMixin, forms.Form):
    """The filters of the decision register: team, cycle, meetup, priority area and text.

    Like ``ListFilterForm``, an unknown slug or an invalid value is a form error, shown with the
    form and left out of the filters.
    """

    q = forms.CharField(
        label="Text contains",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "e.g. devstack"}),
    )
    team = forms.ChoiceField(required=False)
    cycle = TeamObjectField(required=False)
    meetup = forms.ChoiceField(required=False)
    area = TeamObjectField(label="Priority area", required=False)

    filter_button = "Filter"
    filter_rows = (["q"], ["team", "cycle"], ["meetup", "area"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_team_filters()
        self.fields["meetup"].choices = slug_choices(self.offered_meetups(), "Any meetup")
        self.fields["area"].set_objects(_team_rows(PriorityArea), "Any priority area")
        self.helper = _get_form_helper(*self.filter_rows, button=self.filter_button)

    def _valid_data(self):
        if self.is_bound:
            self.is_valid()
        return getattr(self, "cleaned_data", {})

    def filters(self):
        """The keyword arguments of ``OutcomeQuerySet.filtered``: the valid filters only."""
        data = self._valid_data()
        return {
            "team": data.get("team") or None,
            "cycle": data.get("cycle") or None,
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

    filter_rows = (*OutcomeFilterForm.filter_rows, ["done"])

    @property
    def include_done(self):
        return bool(self._valid_data().get("done"))

    @property
    def active(self):
        return super().active or self.include_done
