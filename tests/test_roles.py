"""The groups' rights are one table (priorities.roles), given after every migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from priorities.roles import ROLES, codenames, sync_roles

pytestmark = pytest.mark.django_db


def rights_of(name):
    return set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))


def test_after_migrate_every_group_has_exactly_the_rights_of_the_table():
    for name, rights in ROLES.items():
        assert rights_of(name) == codenames(rights)


def test_a_right_given_by_hand_is_taken_back_and_a_missing_one_given_on_the_next_migrate():
    editors = Group.objects.get(name="Editors")
    editors.permissions.add(Permission.objects.get(codename="delete_meetup"))
    editors.permissions.remove(Permission.objects.get(codename="add_statusupdate"))

    call_command("migrate", verbosity=0)

    assert rights_of("Editors") == codenames(ROLES["Editors"])


def test_a_group_deleted_by_hand_comes_back():
    Group.objects.filter(name="Editors").delete()
    sync_roles()
    assert rights_of("Editors") == codenames(ROLES["Editors"])


def test_organisers_may_send_day_reports_and_editors_may_not():
    assert {"send_report", "view_reportsending"} <= rights_of("Organisers")
    assert rights_of("Editors") < rights_of("Organisers")
    assert not {"send_report", "view_reportsending"} & rights_of("Editors")
    assert not {"delete_meetup", "delete_priorityarea"} & rights_of("Organisers")
