"""Teams, their release cycles, and each cycle's priority list.

A site holds many teams (OpenStack Nova, OpenStack Neutron, Fedora QA...). Each team has its
own priority areas and its cycles (Kilo, Liberty...); a cycle's priority list is the areas the
team committed to for that cycle, in order, each with that cycle's leads. A meetup belongs to
a team and one of its cycles, and its pages list that cycle's priorities: a later cycle's list
never changes an earlier meetup's pages.
"""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse

from ..validators import MARKDOWN_MAX_LENGTH, ONE_LINE, markdown_validators
from .markup import RenderedMarkdownField, RendersMarkdown


def team_ids_editable_by(user):
    """The ids of the teams ``user`` may edit the data of, or None for every team: a
    superuser, and an editor given no team, edit every team's. One query at most."""
    if not user.is_authenticated or user.is_superuser:
        return None
    return set(user.teams.values_list("pk", flat=True)) or None


class Team(RendersMarkdown, models.Model):
    """An open-source project team: its meetups, cycles and priority areas are its own."""

    name = models.CharField(max_length=100, validators=ONE_LINE, help_text="e.g. OpenStack Nova")
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True,
        max_length=MARKDOWN_MAX_LENGTH,
        help_text="Markdown.",
        validators=markdown_validators(MARKDOWN_MAX_LENGTH),
    )
    description_html = RenderedMarkdownField("description")
    homepage = models.URLField(blank=True, max_length=300)
    mailing_list = models.EmailField(
        blank=True, help_text="Where day reports are sent, e.g. openstack-dev@lists.openstack.org"
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="teams",
        help_text=(
            "Editors who may edit only this team's data (and that of any other team they are "
            "given). An editor given no team may edit every team's."
        ),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="team_name_unique",
                violation_error_message="There is already a team with this name.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("priorities:team-detail", kwargs={"team": self.slug})

    def is_editable_by(self, user):
        """Whether ``user`` may edit this team's days and notes (no query for a reader)."""
        if not (user.is_active and user.is_staff and user.has_perm("priorities.change_session")):
            return False
        ids = team_ids_editable_by(user)
        return ids is None or self.pk in ids

    @property
    def current_cycle(self):
        """The cycle a team works in now: the latest to start (or to be added). Uses the
        prefetched ``cycles`` when there are."""
        cycles = list(self.cycles.all())
        return cycles[0] if cycles else None


class CycleQuerySet(models.QuerySet):
    def with_priority_list(self):
        """Each cycle with its priority list in order, each priority with its area and leads."""
        return self.prefetch_related(
            Prefetch(
                "priority_list",
                queryset=CyclePriority.objects.select_related("area").prefetch_related("leads"),
            )
        )


class Cycle(models.Model):
    """A team's release cycle (Kilo, Liberty...) with its priority list."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cycles")
    name = models.CharField(max_length=50, validators=ONE_LINE, help_text="e.g. Kilo")
    slug = models.SlugField(max_length=50)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    areas = models.ManyToManyField(
        "PriorityArea", through="CyclePriority", related_name="cycles", blank=True
    )

    objects = CycleQuerySet.as_manager()

    class Meta:
        # The latest first: a team's current cycle is its first.
        ordering = ["team_id", F("start_date").desc(nulls_last=True), "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "slug"],
                name="cycle_slug_unique_per_team",
                violation_error_message="This team already has a cycle with this slug.",
            ),
            models.UniqueConstraint(
                F("team"),
                Lower("name"),
                name="cycle_name_unique_per_team",
                violation_error_message="This team already has a cycle with this name.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="cycle_ends_after_it_starts",
                violation_error_message="A cycle cannot end before it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.team.name} {self.name}"

    def get_absolute_url(self):
        return f"{self.team.get_absolute_url()}#cycle-{self.slug}"


class CyclePriority(models.Model):
    """One area of a cycle's priority list, at its place, with that cycle's leads."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="priority_list")
    area = models.ForeignKey(
        "PriorityArea", on_delete=models.PROTECT, related_name="cycle_priorities"
    )
    order = models.PositiveSmallIntegerField(default=1, help_text="Its place in the list.")
    leads = models.ManyToManyField(
        "Person",
        blank=True,
        related_name="led_priorities",
        help_text="Who leads the area this cycle. A day page flags it when none of them attended.",
    )

    class Meta:
        ordering = ["cycle_id", "order", "pk"]
        verbose_name = "priority of the cycle"
        verbose_name_plural = "priority list"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "area"],
                name="cycle_priority_unique",
                violation_error_message="This area is already in the cycle's priority list.",
            ),
        ]

    def __str__(self):
        return f"{self.cycle}: {self.order}. {self.area.name}"

    def clean(self):
        super().clean()
        if self.cycle_id and self.area_id and self.area.team_id != self.cycle.team_id:
            raise ValidationError({"area": SAME_TEAM_MESSAGES["cycle_priority_of_its_team"]})


#: How each model's rows reach their team, as a lookup ("" for a team itself): what scopes an
#: editor given some teams to them, in every list, choice and form of the admin.
TEAM_LOOKUPS = {
    "team": "",
    "cycle": "team",
    "cyclepriority": "cycle__team",
    "priorityarea": "team",
    "meetup": "team",
    "attendance": "meetup__team",
    "day": "meetup__team",
    "session": "day__meetup__team",
    "statusupdate": "session__day__meetup__team",
    "decision": "session__day__meetup__team",
    "actionitem": "session__day__meetup__team",
    "risk": "session__day__meetup__team",
    "reportsending": "day__meetup__team",
}


def team_lookup(model):
    """The lookup from ``model`` to its team, or None for data of no team (people)."""
    return TEAM_LOOKUPS.get(model._meta.model_name)


def in_teams(queryset, team_ids):
    """``queryset`` kept to the rows of the teams with ``team_ids`` (None: every team)."""
    lookup = team_lookup(queryset.model)
    if team_ids is None or lookup is None:
        return queryset
    return queryset.filter(**{f"{lookup}__in" if lookup else "pk__in": team_ids})


def team_id_of(obj):
    """The id of the team ``obj`` belongs to (following its parents), or None."""
    lookup = team_lookup(type(obj))
    if lookup is None:
        return None
    if not lookup:
        return obj.pk
    *parents, _team = lookup.split("__")
    for name in parents:
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj.team_id


def team_object_q(lookup, value):
    """Rows whose team's object at ``lookup`` (an area, a cycle) is ``value``: "team/slug", or
    a bare "slug" (that slug in any team: addresses made before teams)."""
    team, _slash, slug = value.rpartition("/")
    chosen = Q(**{f"{lookup}__slug": slug})
    return chosen & Q(**{f"{lookup}__team__slug": team}) if team else chosen


def filter_to_scope(queryset, *, team=None, cycle=None, meetup=None, area=None):
    """Keep the rows of ``queryset`` (updates or outcomes: a session and an area each) of the
    team with slug ``team``, of ``cycle`` ("team/slug"), of the meetup with slug ``meetup``
    and/or of the priority area ``area`` ("team/slug"): the filters every list page shares."""
    if team:
        queryset = queryset.filter(session__day__meetup__team__slug=team)
    if cycle:
        queryset = queryset.filter(team_object_q("session__day__meetup__cycle", cycle))
    if meetup:
        queryset = queryset.filter(session__day__meetup__slug=meetup)
    if area:
        queryset = queryset.filter(team_object_q("priority_area", area))
    return queryset


def check_area_of_the_meetup_team(row, rule):
    """Refuse ``row`` (an update or an outcome) tied to an area of another team than its
    session's meetup's: the form's side of the database's rule of the same name."""
    if not row.priority_area_id:
        return
    try:
        team_id = row.session.day.meetup.team_id
    except ObjectDoesNotExist:  # no session or day yet: the form says what is missing
        return
    if row.priority_area.team_id != team_id:
        raise ValidationError({"priority_area": SAME_TEAM_MESSAGES[rule]})


#: What each rule that keeps a team's data together says when it is broken: by a form's check
#: (``clean``) or by the database's (the triggers of ``priorities.models.team_rules``).
SAME_TEAM_MESSAGES = {
    "meetup_cycle_of_its_team": "The cycle must be one of the meetup's team.",
    "cycle_priority_of_its_team": "The priority area must be one of the cycle's team.",
    "update_area_of_its_team": "The priority area must be one of the meetup's team.",
    "outcome_area_of_its_team": "The priority area must be one of the meetup's team.",
    "team_of_a_row_is_kept": (
        "This would move it to another team, away from what it holds: it keeps its team."
    ),
}
