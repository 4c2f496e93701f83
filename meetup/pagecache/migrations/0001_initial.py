import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """The content version moves here from the priorities app: its table stays as it is."""

    initial = True

    dependencies = [
        ("priorities", "0004_content_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.PositiveSmallIntegerField(
                                default=1, primary_key=True, serialize=False
                            ),
                        ),
                        ("version", models.PositiveBigIntegerField(default=1)),
                        ("changed_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "priorities_contentversion",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("id", 1)), name="content_version_single_row"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
