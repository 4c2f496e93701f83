"""Editors per team: an editor given some teams sees, picks and edits only those teams' data.

A security boundary, held in one place for every model page and inline: the lists hold only
the editor's teams' rows (so another team's object is "not found", never shown), every choice
of a related object offers only theirs (so a forged post with another team's key is "not a
valid choice"), an object of another team may not be viewed, changed, deleted or restored,
and an inline row may only point at its parent's team (a session's updates at its meetup's
team's areas). Superusers, and editors given no team, see every team.
"""

from ..models.areas import PriorityArea
from ..models.teams import in_teams, team_id_of, team_ids_editable_by, team_lookup


def editable_team_ids(request):
    """The ids of the teams the signed-in user may edit, or None for every team; looked up
    once a request."""
    if not hasattr(request, "editable_team_ids"):
        request.editable_team_ids = team_ids_editable_by(request.user)
    return request.editable_team_ids


def in_scope(request, obj):
    """Whether ``obj`` (None: the model as a whole) is data the user may reach."""
    ids = editable_team_ids(request)
    if obj is None or ids is None or team_lookup(type(obj)) is None:
        return True
    return team_id_of(obj) in ids  # a row whose team cannot be told is nobody's to reach


def limit_to_teams(field, team_ids):
    """Keep the choices of a related-object form field to the teams with ``team_ids``."""
    queryset = getattr(field, "queryset", None)
    if queryset is not None and team_lookup(queryset.model) is not None:
        field.queryset = in_teams(queryset, team_ids)
    return field


class TeamScopedMixin:
    """A model page, or an inline, kept to the editor's teams."""

    def get_queryset(self, request):
        return in_teams(super().get_queryset(request), editable_team_ids(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return limit_to_teams(field, editable_team_ids(request)) if field else field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        return limit_to_teams(field, editable_team_ids(request)) if field else field

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and in_scope(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and in_scope(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and in_scope(request, obj)


class TeamOfTheObjectMixin:
    """A form (of a model page or an inline) whose related objects are those of the team of
    the object it edits: a session's update picks among its meetup's team's areas."""

    def limit_to_the_team_of(self, form_class, obj):
        """Keep ``form_class``'s choices to ``obj``'s team; with no team to go by (a new
        update), each priority area is offered with its team's name, as two teams may both
        have a "Bugs"."""
        team_id = team_id_of(obj) if obj is not None else None
        for field in form_class.base_fields.values():
            if team_id is not None:
                limit_to_teams(field, [team_id])
            elif getattr(field, "queryset", None) is not None and (
                field.queryset.model is PriorityArea
            ):
                field.queryset = field.queryset.select_related("team")
                field.label_from_instance = _with_team_name
        return form_class


def _with_team_name(area):
    return f"{area.team.name} · {area.name}"
