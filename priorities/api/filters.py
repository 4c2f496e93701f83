"""The query parameters of the API's lists: the pages' filter forms, and the QuerySet methods
that apply them.

A list's filters are checked by a form, as on the pages (an unknown meetup, area or status, or
a range that ends before it starts, is an error), and applied by the model's ``filtered``
method, the one place each filter's meaning is written. An invalid filter answers ``400``
with the form's messages rather than being left out as the pages do: a tool should hear that
it asked for something that does not exist.
"""

from dataclasses import dataclass

from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from ..forms import (
    ActionItemFilterForm,
    DateRangeForm,
    MeetupFilterForm,
    OutcomeFilterForm,
    SearchForm,
    TeamFiltersMixin,
    TeamObjectField,
    slug_choices,
)


class DayFilterForm(TeamFiltersMixin, DateRangeForm):
    """Days: their team, cycle, meetup and a range of dates."""

    team = forms.ChoiceField(required=False)
    cycle = TeamObjectField(required=False)
    meetup = forms.ChoiceField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_team_filters()
        self.fields["meetup"].choices = slug_choices(self.offered_meetups(), "Any meetup")


class StatusUpdateFilterForm(SearchForm):
    """Status updates: the search page's filters (team, cycle, meetup, area, status, range of
    days), without its text."""

    q = None


class TeamSlugForm(forms.Form):
    """Cycles and areas: their team (a slug; an unknown one keeps nothing)."""

    team = forms.SlugField(required=False)


class SessionFilterForm(forms.Form):
    """Sessions: their day (an id) or meetup (a slug)."""

    day = forms.IntegerField(required=False, min_value=1)
    meetup = forms.SlugField(required=False)


def cleaned_filters(form):
    """The form's values by filter name, an empty one as None; raises a 400 if invalid."""
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    return {name: value or None for name, value in form.cleaned_data.items()}


@dataclass(frozen=True)
class ListFilters:
    """A list's filters: the form that checks them and what applies them to the rows."""

    form_class: type[forms.Form]
    #: ``apply(queryset, **filters)``: the model's QuerySet method, as the page calls it.
    apply: object
    #: What a filter is called in the API when the form calls it otherwise.
    renamed: tuple[tuple[str, str], ...] = ()

    @property
    def names(self):
        return list(self.form_class.base_fields)

    def filter(self, queryset, query):
        """``queryset`` kept to what ``query`` asks. A query naming no filter needs no form
        (nor the queries that fill its choices)."""
        filters = {}
        if any(name in query for name in self.names):
            filters = cleaned_filters(self.form_class(query))
            for form_name, argument in self.renamed:
                filters[argument] = filters.pop(form_name)
        return self.apply(queryset, **filters)

    def parameters(self):
        """The filters as OpenAPI query parameters, from the form's fields."""
        return [
            OpenApiParameter(
                name,
                _parameter_type(field),
                OpenApiParameter.QUERY,
                description=PARAMETER_DESCRIPTIONS[name],
                enum=_enum(field),
            )
            for name, field in self.form_class.base_fields.items()
        ]


#: What each filter takes, for the schema (the forms' labels are written for the pages).
PARAMETER_DESCRIPTIONS = {
    "team": "A team's slug.",
    "cycle": 'A cycle as "team/slug" (a bare slug: that cycle of any team).',
    "meetup": "A meetup's slug.",
    "area": 'A priority area as "team/slug" (a bare slug: that area of any team).',
    "status": "A status value.",
    "since": "Only days on or after this date.",
    "until": "Only days on or before this date.",
    "q": "Only those whose text contains this (case-insensitively).",
    "done": "Include done action items (by default only open ones).",
    "day": "A day's id.",
}


def _parameter_type(field):
    if isinstance(field, forms.DateField):
        return OpenApiTypes.DATE
    if isinstance(field, forms.BooleanField):
        return OpenApiTypes.BOOL
    if isinstance(field, forms.IntegerField):
        return OpenApiTypes.INT
    return OpenApiTypes.STR


def _enum(field):
    """Fixed choices (statuses) as an enum; choices from the database are left open."""
    if isinstance(field, forms.ChoiceField) and not isinstance(field, TeamObjectField):
        values = [value for value, _label in field.choices if value]
        return values or None
    return None


def _apply_filtered(queryset, **filters):
    return queryset.filtered(**filters)


def _apply_action_items(queryset, *, done=None, **filters):
    """As the page of action items: open ones only unless ``done`` (include done items)."""
    queryset = queryset.filtered(**filters)
    return queryset if done else queryset.open()


def _apply_team(queryset, *, team=None):
    return queryset.filter(team__slug=team) if team else queryset


def _apply_sessions(queryset, *, day=None, meetup=None):
    if day:
        queryset = queryset.filter(day_id=day)
    if meetup:
        queryset = queryset.filter(day__meetup__slug=meetup)
    return queryset


TEAM = ListFilters(TeamSlugForm, _apply_team)
MEETUPS = ListFilters(MeetupFilterForm, _apply_filtered)
DAYS = ListFilters(DayFilterForm, _apply_filtered)
SESSIONS = ListFilters(SessionFilterForm, _apply_sessions)
STATUS_UPDATES = ListFilters(StatusUpdateFilterForm, _apply_filtered)
OUTCOMES = ListFilters(OutcomeFilterForm, _apply_filtered, renamed=(("q", "text"),))
ACTION_ITEMS = ListFilters(ActionItemFilterForm, _apply_action_items, renamed=(("q", "text"),))
