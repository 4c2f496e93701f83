"""Created the Editors group: note-takers who post days, sessions, updates and outcomes.

The group and its rights are now one table, ``priorities.roles``, given to the group after
every ``migrate``: nothing is left for this migration to do.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = []
