from django.db import migrations, models
from django.utils import timezone


def create_the_all_pages_row(apps, schema_editor):
    """Every page depends on the "all" scope: it starts at the content version so far."""
    ContentVersion = apps.get_model("pagecache", "ContentVersion")
    PageVersion = apps.get_model("pagecache", "PageVersion")
    current = ContentVersion.objects.filter(pk=1).first()
    PageVersion.objects.update_or_create(
        scope="all",
        defaults={
            "version": current.version if current else 1,
            "changed_at": current.changed_at if current else timezone.now(),
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("scope", models.CharField(max_length=300, primary_key=True, serialize=False)),
                ("version", models.PositiveBigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunPython(create_the_all_pages_row, migrations.RunPython.noop),
    ]
