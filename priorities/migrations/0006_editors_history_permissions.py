"""Give rows saved before history was kept a first entry.

(It also let Editors see and restore history: their rights are now ``priorities.roles``,
given after every ``migrate``.)

Rows that exist before this migration get one history entry holding their current text, so the
first edit after it does not lose what was there.
"""

from django.db import migrations
from django.utils import timezone

HISTORY_MODELS = ["day", "session", "statusupdate", "decision", "actionitem", "risk"]
BASELINE_REASON = "As it was when history started being kept"


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
        migrations.RunPython(record_existing_rows, forget_baseline_records),
    ]
