"""The demo meetup: `manage.py load_demo` tells day 1 of the Nova Kilo mid-cycle meetup."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from priorities.enums import Delivery, Status
from priorities.models import (
    CONTENT_MODELS,
    ActionItem,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    StatusUpdate,
)

pytestmark = pytest.mark.django_db


EXPECTED_STATUSES = {
    "cells-v2": Status.SLOW_PROGRESS,
    "objects": Status.GOOD_PROGRESS,
    "scheduler": Status.NEEDS_REVIEW,
    "api-v2-1": Status.GOOD_PROGRESS,
    "functional-testing": Status.STARTED,
    "neutron-migration": Status.STARTED,
    "zero-downtime-upgrades": Status.GOOD_PROGRESS,
    "bugs": Status.STARTED,
    "test-infrastructure": Status.STARTED,
}


def load_demo(*options):
    out = StringIO()
    call_command("load_demo", *options, stdout=out)
    return out.getvalue()


def snapshot():
    """Every demo row's field values, model by model, keyed by primary key."""
    return {
        model.__name__: {row["id"]: row for row in model.objects.values()}
        for model in CONTENT_MODELS
    }


def demo_day():
    return Day.objects.get(meetup__slug="nova-kilo-midcycle", number=1)


def test_demo_creates_the_nova_kilo_midcycle_meetup():
    load_demo()

    meetup = Meetup.objects.get(slug="nova-kilo-midcycle")
    assert meetup.name == "OpenStack Nova Kilo mid-cycle meetup"
    assert (meetup.team.name, meetup.team.slug) == ("OpenStack Nova", "openstack-nova")
    assert (meetup.cycle.name, meetup.cycle.slug, meetup.cycle.team) == (
        "Kilo",
        "kilo",
        meetup.team,
    )
    assert meetup.location == "Palo Alto, California"
    assert meetup.start_date == datetime.date(2015, 1, 26)
    assert meetup.end_date == datetime.date(2015, 1, 28)
    assert meetup.description.strip()


def test_demo_has_day_one_with_a_summary():
    load_demo()

    day = demo_day()
    assert day.date == datetime.date(2015, 1, 26)
    assert day.summary.strip()
    assert list(day.meetup.days.values_list("number", flat=True)) == [1]


def test_demo_lists_the_nine_kilo_priority_areas_in_order():
    load_demo()

    kilo = Cycle.objects.get(team__slug="openstack-nova", slug="kilo")
    assert [(p.order, p.area.slug) for p in kilo.priority_list.all()] == list(
        enumerate(EXPECTED_STATUSES, start=1)
    )
    assert not PriorityArea.objects.filter(description="").exists()
    assert set(PriorityArea.objects.values_list("team__slug", flat=True)) == {"openstack-nova"}


def test_demo_names_the_leads_of_nova_specs_kilo_priority_list():
    load_demo()

    kilo = Cycle.objects.get(team__slug="openstack-nova", slug="kilo")
    leads = {
        priority.area.slug: [lead.name for lead in priority.leads.order_by("name")]
        for priority in kilo.priority_list.all()
    }
    assert leads == {
        "cells-v2": ["Andrew Laski"],
        "objects": ["Dan Smith"],
        "scheduler": ["Jay Pipes"],
        "api-v2-1": ["Christopher Yeoh", "Ken'ichi Ohmichi"],
        "functional-testing": ["Sean Dague"],
        "neutron-migration": ["Mark McClain"],
        "zero-downtime-upgrades": ["John Garbutt"],
        "bugs": ["Sean Dague"],
        "test-infrastructure": ["Matt Riedemann"],
    }


def test_day_one_reports_every_area_with_the_status_the_account_implies():
    load_demo()

    day = demo_day()
    statuses = dict(
        StatusUpdate.objects.filter(session__day=day).values_list("priority_area__slug", "status")
    )
    assert statuses == EXPECTED_STATUSES
    assert StatusUpdate.objects.filter(session__day=day).count() == 9
    assert set(
        StatusUpdate.objects.filter(session__day=day).values_list("session__order", flat=True)
    ) == {1}


def test_day_one_sessions_run_from_status_round_to_process_discussion():
    load_demo()

    sessions = list(demo_day().sessions.values_list("order", "title", "kind", "part_of_day"))
    assert sessions == [
        (1, "Morning status round", "status-round", "morning"),
        (2, "Whiteboard: the Nova/Scheduler interface", "whiteboard", "afternoon"),
        (3, "How the Nova project is run", "discussion", "afternoon"),
    ]
    assert all(session.notes.strip() for session in demo_day().sessions.all())


def test_api_v2_1_update_was_given_in_writing():
    load_demo()

    api = StatusUpdate.objects.get(priority_area__slug="api-v2-1")
    assert api.delivery == Delivery.IN_WRITING
    assert api.in_writing
    assert "etherpad" in api.reported_by
    others = StatusUpdate.objects.exclude(priority_area__slug="api-v2-1")
    assert set(others.values_list("delivery", flat=True)) == {Delivery.IN_PERSON}


def test_demo_records_the_days_decision_risks_and_action_items_with_their_areas():
    load_demo()

    decision = Decision.objects.get()
    assert decision.priority_area.slug == "neutron-migration"
    assert decision.session.order == 1
    assert "devstack" in decision.text
    assert "Neutron" in decision.text

    risk_areas = set(Risk.objects.values_list("priority_area__slug", flat=True))
    assert "api-v2-1" in risk_areas
    assert "novaclient" in Risk.objects.get(priority_area__slug="api-v2-1").text

    actions = {
        action.priority_area.slug: action
        for action in ActionItem.objects.select_related("priority_area")
    }
    assert set(actions) == {"scheduler", "neutron-migration"}
    assert actions["scheduler"].owner == "Scheduler sub-team"
    assert "Compute Node" in actions["scheduler"].text
    assert actions["neutron-migration"].owner == "nova-network migration team"
    assert not any(action.done for action in actions.values())


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    before_counts = {model.__name__: model.objects.count() for model in CONTENT_MODELS}
    before = snapshot()

    load_demo("--reset")

    assert {model.__name__: model.objects.count() for model in CONTENT_MODELS} == before_counts
    assert snapshot() == before


def test_loading_the_demo_again_restores_edited_demo_text():
    load_demo()
    update = StatusUpdate.objects.get(priority_area__slug="cells-v2")
    original = update.headline
    StatusUpdate.objects.filter(pk=update.pk).update(headline="Edited by hand")

    load_demo("--reset")

    assert StatusUpdate.objects.filter(priority_area__slug="cells-v2").count() == 1
    assert StatusUpdate.objects.get(priority_area__slug="cells-v2").headline == original


def test_loading_the_demo_again_without_reset_keeps_what_users_changed():
    """make run loads the demo every time: edits made in the admin must survive it."""
    load_demo()
    update = StatusUpdate.objects.get(priority_area__slug="cells-v2")
    StatusUpdate.objects.filter(pk=update.pk).update(headline="Edited in the admin")
    CyclePriority.objects.filter(area__slug="bugs").delete()
    before = snapshot()

    output = load_demo()

    assert "already loaded" in output and "--reset" in output
    assert snapshot() == before
    assert StatusUpdate.objects.get(pk=update.pk).headline == "Edited in the admin"
    assert not CyclePriority.objects.filter(area__slug="bugs").exists()


def test_loading_the_demo_creates_no_user_accounts():
    users_before = get_user_model().objects.count()

    load_demo()
    load_demo("--reset")

    assert get_user_model().objects.count() == users_before == 0
    assert not StatusUpdate.objects.filter(saved_by__isnull=False).exists()


def test_demo_command_says_where_to_read_day_one():
    output = load_demo()

    assert demo_day().get_absolute_url() in output
    assert "/meetups/nova-kilo-midcycle/days/1/" in output
