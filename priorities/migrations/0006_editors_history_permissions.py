"""Let Editors see and restore history, and give rows saved before history was kept a first entry.

Seeing an object's history in the admin needs ``view_historical<model>``, restoring an earlier
version needs ``change_historical<model>`` (settings.SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_
PERMISSIONS). Editors get both for every model with history; nobody but a superuser may add to
or delete from the history itself.

Rows that exist before this migration get one history entry holding their current text, so the
first edit after it does not lose what was there.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

EDITORS = "Editors"
HISTORY_MODELS = ["day", "session", "statusupdate", "decision", "actionitem", "risk"]
HISTORY_ACTIONS = ["view", "change"]
BASELINE_REASON = "As it was when history started being kept"


def give_editors_history_permissions(apps, schema_editor):
    app_config = apps.get_app_config("priorities")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _created = Group.objects.get_or_create(name=EDITORS)
    codenames = [
        f"{action}_historical{model}" for model in HISTORY_MODELS for action in HISTORY_ACTIONS
    ]
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="priorities", codename__in=codenames)
    )


def take_editors_history_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors = Group.objects.filter(name=EDITORS).first()
    if editors:
        editors.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="priorities", codename__contains="_historical"
            )
        )


def record_existing_rows(apps, schema_editor):
    now = timezone.now()
    for model_name in HISTORY_MODELS:
        model = apps.get_model("priorities", model_name)
        historical = apps.get_model("priorities", f"historical{model_name}")
        tracked = [
            field.attname
            for field in historical._meta.fields
            if not field.name.startswith("history_")
        ]
        already = set(historical.objects.values_list("id", flat=True))
        records = [
            historical(
                **{name: getattr(row, name) for name in tracked},
                history_date=now,
                history_type="+",
                history_change_reason=BASELINE_REASON,
            )
            for row in model.objects.exclude(pk__in=already).iterator()
        ]
        historical.objects.bulk_create(records, batch_size=500)


def forget_baseline_records(apps, schema_editor):
    for model_name in HISTORY_MODELS:
        historical = apps.get_model("priorities", f"historical{model_name}")
        historical.objects.filter(history_change_reason=BASELINE_REASON).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0005_history_and_versions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(give_editors_history_permissions, take_editors_history_permissions),
        migrations.RunPython(record_existing_rows, forget_baseline_records),
    ]
