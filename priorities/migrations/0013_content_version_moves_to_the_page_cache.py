from django.db import migrations


class Migration(migrations.Migration):
    """``ContentVersion`` now belongs to the page cache app (meetup.pagecache), which keeps
    its table: only Django's record of which app owns it changes."""

    dependencies = [
        ("priorities", "0012_session_titles_unique_ignoring_case"),
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentVersion")],
            database_operations=[],
        ),
    ]
