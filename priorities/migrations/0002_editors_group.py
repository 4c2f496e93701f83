"""Create the Editors group: note-takers who post days, sessions, updates and outcomes."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

#: model name -> actions an editor may take on it. Meetups and priority areas are the
#: organisers' to create and delete; users and groups are out of an editor's reach.
EDITOR_PERMISSIONS = {
    "meetup": ["view"],
    "priorityarea": ["view"],
    "day": ["add", "change", "view"],
    "session": ["add", "change", "view"],
    "statusupdate": ["add", "change", "delete", "view"],
    "decision": ["add", "change", "delete", "view"],
    "actionitem": ["add", "change", "delete", "view"],
    "risk": ["add", "change", "delete", "view"],
}


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now
    # so the group can be given them on a fresh database.
    app_config = apps.get_app_config("priorities")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    codenames = [
        f"{action}_{model}" for model, actions in EDITOR_PERMISSIONS.items() for action in actions
    ]
    permissions = Permission.objects.filter(
        content_type__app_label="priorities", codename__in=codenames
    )
    editors.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
