"""Migration 0015 turns projects into teams and cycles without loss, and back again."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("priorities", "0014_outcome_constraints_named_after_their_model")]
AFTER = [("priorities", "0015_teams_and_cycles")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_0014():
    """The database as it was before teams; migrated to the latest state again afterwards."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    apps = migrate(BEFORE)
    yield apps
    migrate(latest)


def seed_two_projects(apps):
    """Nova and Neutron meetups that both reported a "Bugs" area; Cells only Nova did."""
    Meetup = apps.get_model("priorities", "Meetup")
    Day = apps.get_model("priorities", "Day")
    Session = apps.get_model("priorities", "Session")
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    StatusUpdate = apps.get_model("priorities", "StatusUpdate")
    Decision = apps.get_model("priorities", "Decision")
    Person = apps.get_model("priorities", "Person")

    now = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)
    alice, bob = Person.objects.create(name="Alice"), Person.objects.create(name="Bob")
    bugs = PriorityArea.objects.create(name="Bugs", slug="bugs", display_order=20)
    bugs.leads.set([alice, bob])
    cells = PriorityArea.objects.create(name="Cells v2", slug="cells", display_order=10)
    PriorityArea.objects.create(name="Retired", slug="retired", active=False)

    sessions = {}
    for project, cycle, start in [
        ("OpenStack Nova", "Kilo", datetime.date(2015, 1, 26)),
        ("OpenStack Neutron", "", datetime.date(2015, 2, 2)),
    ]:
        meetup = Meetup.objects.create(
            name=f"{project} meetup",
            slug=project.split()[-1].lower(),
            project=project,
            cycle=cycle,
            location="Palo Alto",
            start_date=start,
            end_date=start,
            description="",
        )
        day = Day.objects.create(meetup=meetup, number=1, date=start, summary="")
        sessions[project] = Session.objects.create(
            day=day, title="Status", part_of_day="morning", facilitator="", notes=""
        )

    def update(project, area, headline):
        return StatusUpdate.objects.create(
            session=sessions[project],
            priority_area=area,
            status="started",
            headline=headline,
            body="",
            reported_by="",
            created_at=now,
            updated_at=now,
        )

    update("OpenStack Nova", bugs, "Nova bug triage")
    update("OpenStack Nova", cells, "Cells v2 database")
    update("OpenStack Neutron", bugs, "Neutron gate bugs")
    Decision.objects.create(
        session=sessions["OpenStack Neutron"],
        priority_area=bugs,
        text="Triage daily",
        created_at=now,
        updated_at=now,
    )


def test_projects_become_teams_and_a_shared_area_splits_with_its_reports(at_0014):
    seed_two_projects(at_0014)
    apps = migrate(AFTER)
    Team = apps.get_model("priorities", "Team")
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    CyclePriority = apps.get_model("priorities", "CyclePriority")
    Meetup = apps.get_model("priorities", "Meetup")

    assert sorted(Team.objects.values_list("name", "slug")) == [
        ("OpenStack Neutron", "openstack-neutron"),
        ("OpenStack Nova", "openstack-nova"),
    ]
    cycles = {m.slug: (m.team.name, m.cycle.name) for m in Meetup.objects.select_related()}
    assert cycles == {
        "nova": ("OpenStack Nova", "Kilo"),
        "neutron": ("OpenStack Neutron", "Unnamed cycle"),
    }
    areas = {(a.team.name, a.name): a for a in PriorityArea.objects.select_related("team")}
    assert set(areas) == {
        ("OpenStack Nova", "Bugs"),
        ("OpenStack Nova", "Cells v2"),
        ("OpenStack Neutron", "Bugs"),
        ("OpenStack Neutron", "Retired"),  # reported by nobody: the latest meetup's team
    }
    nova_bugs, neutron_bugs = areas["OpenStack Nova", "Bugs"], areas["OpenStack Neutron", "Bugs"]
    assert [u.headline for u in nova_bugs.updates.all()] == ["Nova bug triage"]
    assert [u.headline for u in neutron_bugs.updates.all()] == ["Neutron gate bugs"]
    assert [d.text for d in neutron_bugs.decisions.all()] == ["Triage daily"]
    assert not nova_bugs.decisions.exists()

    listed = {
        (p.cycle.team.name, p.area.name): (p.order, sorted(lead.name for lead in p.leads.all()))
        for p in CyclePriority.objects.select_related("cycle__team", "area")
    }
    assert listed == {
        ("OpenStack Nova", "Cells v2"): (1, []),
        ("OpenStack Nova", "Bugs"): (2, ["Alice", "Bob"]),
        ("OpenStack Neutron", "Bugs"): (1, ["Alice", "Bob"]),
    }


def test_back_to_projects_merges_the_split_area_and_keeps_every_report(at_0014):
    seed_two_projects(at_0014)
    migrate(AFTER)
    apps = migrate(BEFORE)
    PriorityArea = apps.get_model("priorities", "PriorityArea")
    Meetup = apps.get_model("priorities", "Meetup")

    assert sorted(Meetup.objects.values_list("slug", "project", "cycle")) == [
        ("neutron", "OpenStack Neutron", ""),
        ("nova", "OpenStack Nova", "Kilo"),
    ]
    areas = {area.slug: area for area in PriorityArea.objects.prefetch_related("leads")}
    assert sorted(areas) == ["bugs", "cells", "retired"]
    bugs = areas["bugs"]
    assert sorted(u.headline for u in bugs.updates.all()) == [
        "Neutron gate bugs",
        "Nova bug triage",
    ]
    assert [d.text for d in bugs.decisions.all()] == ["Triage daily"]
    assert sorted(lead.name for lead in bugs.leads.all()) == ["Alice", "Bob"]
    assert (bugs.active, areas["cells"].active, areas["retired"].active) == (True, True, False)
    assert areas["cells"].display_order < bugs.display_order

    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "priorities_team" not in tables

    # And forward again: the same teams, nothing duplicated.
    apps = migrate(AFTER)
    assert apps.get_model("priorities", "PriorityArea").objects.count() == 4
    assert apps.get_model("priorities", "StatusUpdate").objects.count() == 3
