"""Teams and their cycles, each with its priority list; areas and meetups belong to a team.

Today's data becomes teams and cycles without loss:

- one team per distinct project (a meetup's free-text "project"), one cycle per project and
  cycle ("Unnamed cycle" for a meetup that gave none);
- each priority area goes to the team whose meetups reported it (updates or outcomes); an
  area reported by two teams becomes one area per team, each team's updates and outcomes
  following their meetup; an area nobody reported goes to the team of the latest meetup;
- a team's latest cycle lists its active areas and those its meetups reported, in their
  display order; earlier cycles list only the areas their meetups reported (they did not have
  the others); each priority's leads are the area's leads.

Backwards, projects and cycles are text again, areas split per team are merged back (their
updates following), and each area is active when its team's latest cycle lists it.

The rules that keep a team's data together (an update's area is one of its meetup's team's,
and so on) span several tables, so no CHECK constraint can hold them: they are triggers
(``priorities.models.team_rules``), installed here and again after every migrate.
"""

import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import priorities.validators
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max, Q
from django.utils.text import slugify

UNNAMED_CYCLE = "Unnamed cycle"
OUTCOMES = ("decision", "actionitem", "risk")


def _free_slug(taken, text, fallback, length):
    base = slugify(text)[: length - 6] or fallback
    slug, suffix = base, 1
    while slug in taken:
        suffix += 1
        slug = f"{base}-{suffix}"
    taken.add(slug)
    return slug


def _latest_cycles(Cycle):
    """Each team's latest cycle id: the one of its latest meetup (then the newest created)."""
    cycles = Cycle.objects.annotate(last=Max("meetups__start_date")).order_by("team_id", "-pk")
    latest = {}
    for cycle in cycles:
        known = latest.get(cycle.team_id)
        if known is None or (cycle.last and (known[0] is None or cycle.last > known[0])):
            latest[cycle.team_id] = (cycle.last, cycle.pk)
    return {team_id: pk for team_id, (_, pk) in latest.items()}


def _check_constraints_now(schema_editor):
    """PostgreSQL defers foreign-key checks to the end of the migration's transaction, and
    will not drop a table (the areas' leads) with checks pending: run them now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def projects_to_teams(apps, schema_editor):
    Team = apps.get_model("priorities", "Team")
    Cycle = apps.get_model("priorities", "Cycle")
    CyclePriority = apps.get_model("priorities", "CyclePriority")
    Meetup = apps.get_model("priorities", "Meetup")
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    StatusUpdate = apps.get_model("priorities", "StatusUpdate")
    outcome_models = [apps.get_model("priorities", name) for name in OUTCOMES]

    team_slugs, teams, cycles, cycle_slugs = set(), {}, {}, {}
    for meetup in Meetup.objects.order_by("start_date", "pk"):
        project = " ".join(meetup.project.split()) or "Unnamed team"
        team = teams.get(project.lower())
        if team is None:
            slug = _free_slug(team_slugs, project, "team", 100)
            team = teams[project.lower()] = Team.objects.create(name=project[:100], slug=slug)
        name = " ".join(meetup.cycle_name.split()) or UNNAMED_CYCLE
        cycle = cycles.get((team.pk, name.lower()))
        if cycle is None:
            taken = cycle_slugs.setdefault(team.pk, set())
            cycle = cycles[(team.pk, name.lower())] = Cycle.objects.create(
                team=team, name=name[:50], slug=_free_slug(taken, name, "cycle", 50)
            )
        meetup.team, meetup.cycle = team, cycle
        meetup.save(update_fields=["team", "cycle"])

    # Which teams reported each area: through their updates and their outcomes.
    reporting = {}
    rows = [
        StatusUpdate.objects.values_list("priority_area_id", "session__day__meetup__team_id"),
        *(
            model.objects.exclude(priority_area=None).values_list(
                "priority_area_id", "session__day__meetup__team_id"
            )
            for model in outcome_models
        ),
    ]
    for queryset in rows:
        for area_id, team_id in queryset.distinct():
            reporting.setdefault(area_id, set()).add(team_id)

    latest = Meetup.objects.order_by("-start_date", "-pk").first()
    for area in PriorityArea.objects.order_by("pk"):
        team_ids = sorted(reporting.get(area.pk, ()))
        if not team_ids:
            if latest is None:
                default = teams.get("unnamed team")
                if default is None:
                    slug = _free_slug(team_slugs, "Unnamed team", "team", 100)
                    default = teams["unnamed team"] = Team.objects.create(
                        name="Unnamed team", slug=slug
                    )
                team_ids = [default.pk]
            else:
                team_ids = [latest.team_id]
        first, *others = team_ids
        area.team_id = first
        area.save(update_fields=["team"])
        for team_id in others:
            clone = PriorityArea.objects.create(
                team_id=team_id,
                name=area.name,
                slug=area.slug,
                description=area.description,
                display_order=area.display_order,
                active=area.active,
            )
            clone.leads.set(area.leads.all())
            of_that_team = {"priority_area": area, "session__day__meetup__team_id": team_id}
            StatusUpdate.objects.filter(**of_that_team).update(priority_area=clone)
            for model in outcome_models:
                model.objects.filter(**of_that_team).update(priority_area=clone)

    # Priority lists: what each cycle's meetups reported; the latest cycle also what is active.
    latest_cycle = _latest_cycles(Cycle)
    for cycle in Cycle.objects.all():
        reported = set(
            StatusUpdate.objects.filter(session__day__meetup__cycle=cycle).values_list(
                "priority_area_id", flat=True
            )
        )
        for model in outcome_models:
            reported |= set(
                model.objects.filter(session__day__meetup__cycle=cycle)
                .exclude(priority_area=None)
                .values_list("priority_area_id", flat=True)
            )
        listed = Q(pk__in=reported)
        if latest_cycle.get(cycle.team_id) == cycle.pk:
            listed |= Q(active=True)
        areas = PriorityArea.objects.filter(listed, team_id=cycle.team_id)
        for position, area in enumerate(areas.order_by("display_order", "name", "pk"), 1):
            priority = CyclePriority.objects.create(cycle=cycle, area=area, order=position)
            priority.leads.set(area.leads.all())
    _check_constraints_now(schema_editor)


def teams_to_projects(apps, schema_editor):
    Cycle = apps.get_model("priorities", "Cycle")
    CyclePriority = apps.get_model("priorities", "CyclePriority")
    Meetup = apps.get_model("priorities", "Meetup")
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    StatusUpdate = apps.get_model("priorities", "StatusUpdate")
    outcome_models = [apps.get_model("priorities", name) for name in OUTCOMES]

    for meetup in Meetup.objects.select_related("team", "cycle"):
        meetup.project = meetup.team.name
        meetup.cycle_name = "" if meetup.cycle.name == UNNAMED_CYCLE else meetup.cycle.name
        meetup.save(update_fields=["project", "cycle_name"])

    # Ids only: the two directions' model states differ, so no instance crosses models.
    latest_cycles = _latest_cycles(Cycle)
    Leads = CyclePriority.leads.through
    AreaLeads = PriorityArea.leads.through
    leads_of = {}
    for area_id, person_id in Leads.objects.values_list("cyclepriority__area_id", "person_id"):
        leads_of.setdefault(area_id, set()).add(person_id)
    for area in PriorityArea.objects.all():
        current = CyclePriority.objects.filter(
            area_id=area.pk, cycle_id=latest_cycles.get(area.team_id)
        ).first()
        area.active = current is not None
        area.display_order = current.order * 10 if current else 100
        area.save(update_fields=["active", "display_order"])
    AreaLeads.objects.bulk_create(
        AreaLeads(priorityarea_id=area_id, person_id=person_id)
        for area_id, people in leads_of.items()
        for person_id in people
    )

    # Areas split per team merge back into one; any other name or slug two teams share is
    # told apart by its team's name, as the old rules want both unique across the site.
    kept_by_name = {}
    for area in PriorityArea.objects.select_related("team").order_by("pk"):
        kept = kept_by_name.get(area.name.lower())
        if kept is None:
            kept_by_name[area.name.lower()] = area
            continue
        if kept.slug == area.slug:
            StatusUpdate.objects.filter(priority_area=area).update(priority_area=kept)
            for model in outcome_models:
                model.objects.filter(priority_area=area).update(priority_area=kept)
            merged_leads = set(
                AreaLeads.objects.filter(priorityarea_id=area.pk).values_list("person_id", flat=True)
            ) - set(AreaLeads.objects.filter(priorityarea_id=kept.pk).values_list("person_id", flat=True))
            AreaLeads.objects.bulk_create(
                AreaLeads(priorityarea_id=kept.pk, person_id=person_id) for person_id in merged_leads
            )
            kept.active = kept.active or area.active
            kept.save(update_fields=["active"])
            CyclePriority.objects.filter(area_id=area.pk).delete()
            AreaLeads.objects.filter(priorityarea_id=area.pk).delete()
            area.delete()
        else:
            area.name = f"{area.name} ({area.team.name})"[:100]
            area.save(update_fields=["name"])
    slugs = set()
    for area in PriorityArea.objects.select_related("team").order_by("pk"):
        if area.slug in slugs:
            area.slug = _free_slug(slugs, f"{area.slug} {area.team.slug}", "area", 100)
            area.save(update_fields=["slug"])
        slugs.add(area.slug)
    _check_constraints_now(schema_editor)


def create_triggers(apps, schema_editor):
    from priorities.models import team_rules

    team_rules.install(schema_editor.connection)


def drop_triggers(apps, schema_editor):
    from priorities.models import team_rules

    team_rules.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0014_outcome_constraints_named_after_their_model"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Team",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="e.g. OpenStack Nova",
                        max_length=100,
                        validators=[
                            priorities.validators.validate_printable,
                            priorities.validators.validate_one_line,
                            priorities.validators.validate_not_blank,
                        ],
                    ),
                ),
                ("slug", models.SlugField(max_length=100, unique=True)),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text="Markdown.",
                        max_length=20000,
                        validators=[
                            priorities.validators.validate_printable,
                            priorities.validators.validate_not_blank,
                            django.core.validators.MaxLengthValidator(20000),
                        ],
                    ),
                ),
                ("homepage", models.URLField(blank=True, max_length=300)),
                (
                    "mailing_list",
                    models.EmailField(
                        blank=True,
                        help_text=(
                            "Where day reports are sent, e.g. openstack-dev@lists.openstack.org"
                        ),
                        max_length=254,
                    ),
                ),
                (
                    "editors",
                    models.ManyToManyField(
                        blank=True,
                        help_text=(
                            "Editors who may edit only this team's data (and that of any other "
                            "team they are given). An editor given no team may edit every team's."
                        ),
                        related_name="teams",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"ordering": ["name"]},
        ),
        migrations.CreateModel(
            name="Cycle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="e.g. Kilo",
                        max_length=50,
                        validators=[
                            priorities.validators.validate_printable,
                            priorities.validators.validate_one_line,
                            priorities.validators.validate_not_blank,
                        ],
                    ),
                ),
                ("slug", models.SlugField()),
                ("start_date", models.DateField(blank=True, null=True)),
                ("end_date", models.DateField(blank=True, null=True)),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cycles",
                        to="priorities.team",
                    ),
                ),
            ],
            options={
                "ordering": [
                    "team_id",
                    models.OrderBy(models.F("start_date"), descending=True, nulls_last=True),
                    "-pk",
                ],
            },
        ),
        migrations.CreateModel(
            name="CyclePriority",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "order",
                    models.PositiveSmallIntegerField(
                        default=1, help_text="Its place in the list."
                    ),
                ),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="cycle_priorities",
                        to="priorities.priorityarea",
                    ),
                ),
                (
                    "cycle",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="priority_list",
                        to="priorities.cycle",
                    ),
                ),
                (
                    "leads",
                    models.ManyToManyField(
                        blank=True,
                        help_text=(
                            "Who leads the area this cycle. A day page flags it when none of "
                            "them attended."
                        ),
                        related_name="led_priorities",
                        to="priorities.person",
                    ),
                ),
            ],
            options={
                "verbose_name": "priority of the cycle",
                "verbose_name_plural": "priority list",
                "ordering": ["cycle_id", "order", "pk"],
            },
        ),
        migrations.AddField(
            model_name="cycle",
            name="areas",
            field=models.ManyToManyField(
                blank=True,
                related_name="cycles",
                through="priorities.CyclePriority",
                to="priorities.priorityarea",
            ),
        ),
        # The meetup's cycle was text: it stays, as cycle_name, until it has been read.
        migrations.RenameField(model_name="meetup", old_name="cycle", new_name="cycle_name"),
        migrations.AddField(
            model_name="meetup",
            name="team",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetups",
                to="priorities.team",
            ),
        ),
        migrations.AddField(
            model_name="meetup",
            name="cycle",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetups",
                to="priorities.cycle",
            ),
        ),
        migrations.AddField(
            model_name="priorityarea",
            name="team",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="areas",
                to="priorities.team",
            ),
        ),
        # Two teams may each have a "Bugs": names and slugs are unique per team only.
        migrations.AlterField(
            model_name="priorityarea",
            name="name",
            field=models.CharField(
                max_length=100,
                validators=[
                    priorities.validators.validate_printable,
                    priorities.validators.validate_one_line,
                    priorities.validators.validate_not_blank,
                    priorities.validators.validate_label,
                ],
            ),
        ),
        migrations.AlterField(
            model_name="priorityarea",
            name="slug",
            field=models.SlugField(max_length=100),
        ),
        migrations.RunPython(projects_to_teams, teams_to_projects),
        # A default for the way back, which adds the column again before filling it in.
        migrations.AlterField(
            model_name="meetup",
            name="project",
            field=models.CharField(
                default="",
                help_text="e.g. OpenStack Nova",
                max_length=100,
                validators=[
                    priorities.validators.validate_printable,
                    priorities.validators.validate_one_line,
                    priorities.validators.validate_not_blank,
                ],
            ),
        ),
        migrations.RemoveField(model_name="meetup", name="project"),
        migrations.RemoveField(model_name="meetup", name="cycle_name"),
        migrations.RemoveField(model_name="priorityarea", name="active"),
        migrations.RemoveField(model_name="priorityarea", name="display_order"),
        migrations.RemoveField(model_name="priorityarea", name="leads"),
        migrations.AlterField(
            model_name="meetup",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetups",
                to="priorities.team",
            ),
        ),
        migrations.AlterField(
            model_name="meetup",
            name="cycle",
            field=models.ForeignKey(
                help_text=(
                    "One of the team's cycles: its priority list is what the meetup's pages show."
                ),
                on_delete=django.db.models.deletion.PROTECT,
                related_name="meetups",
                to="priorities.cycle",
            ),
        ),
        migrations.AlterField(
            model_name="priorityarea",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="areas",
                to="priorities.team",
            ),
        ),
        migrations.AlterModelOptions(name="priorityarea", options={"ordering": ["team_id", "name"]}),
        migrations.AddConstraint(
            model_name="team",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("name"),
                name="team_name_unique",
                violation_error_message="There is already a team with this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="cycle",
            constraint=models.UniqueConstraint(
                fields=("team", "slug"),
                name="cycle_slug_unique_per_team",
                violation_error_message="This team already has a cycle with this slug.",
            ),
        ),
        migrations.AddConstraint(
            model_name="cycle",
            constraint=models.UniqueConstraint(
                models.F("team"),
                django.db.models.functions.text.Lower("name"),
                name="cycle_name_unique_per_team",
                violation_error_message="This team already has a cycle with this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="cycle",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("end_date__isnull", True),
                    ("start_date__isnull", True),
                    ("end_date__gte", models.F("start_date")),
                    _connector="OR",
                ),
                name="cycle_ends_after_it_starts",
                violation_error_message="A cycle cannot end before it starts.",
            ),
        ),
        migrations.AddConstraint(
            model_name="cyclepriority",
            constraint=models.UniqueConstraint(
                fields=("cycle", "area"),
                name="cycle_priority_unique",
                violation_error_message="This area is already in the cycle's priority list.",
            ),
        ),
        migrations.AddConstraint(
            model_name="priorityarea",
            constraint=models.UniqueConstraint(
                models.F("team"),
                django.db.models.functions.text.Lower("name"),
                name="area_name_unique_per_team",
                violation_error_message="This team already has a priority area with this name.",
            ),
        ),
        migrations.AddConstraint(
            model_name="priorityarea",
            constraint=models.UniqueConstraint(
                fields=("team", "slug"),
                name="area_slug_unique_per_team",
                violation_error_message="This team already has a priority area with this slug.",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
