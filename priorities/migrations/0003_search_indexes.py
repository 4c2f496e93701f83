"""GIN indexes for full-text search, on PostgreSQL only.

Each index is on exactly the weighted tsvector that ``priorities.search.Source.vector()``
builds for the table, so that PostgreSQL answers ``vector @@ query`` from the index. The
indexes are frozen here; if the searched fields change, add a migration that replaces them
(tests/test_search.py checks on PostgreSQL that every search uses its index).

They are not declared in the models' ``Meta.indexes``: ``to_tsvector`` and GIN exist only on
PostgreSQL, and SQLite rebuilds a table with every index of its model state whenever a field
changes. So they live outside the migration state, which also keeps ``makemigrations``
clean on every database, and the operation does nothing on other databases.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

SEARCH_CONFIG = "english"


def weighted_vector(*fields):
    vectors = [SearchVector(name, config=SEARCH_CONFIG, weight=weight) for name, weight in fields]
    combined = vectors[0]
    for vector in vectors[1:]:
        combined = combined + vector
    return combined


class AddIndexOnPostgreSQL(migrations.operations.base.Operation):
    """Create ``index`` on PostgreSQL; do nothing elsewhere. The migration state is unchanged."""

    reversible = True

    def __init__(self, model_name, index):
        self.model_name = model_name
        self.index = index

    def deconstruct(self):
        return (self.__class__.__name__, [], {"model_name": self.model_name, "index": self.index})

    def state_forwards(self, app_label, state):
        pass

    def _run(self, app_label, schema_editor, state, method):
        if schema_editor.connection.vendor != "postgresql":
            return
        model = state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            getattr(schema_editor, method)(model, self.index)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, to_state, "add_index")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(app_label, schema_editor, from_state, "remove_index")

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_{self.index.name.lower()}"


SEARCHED = {
    "statusupdate": (("headline", "A"), ("body", "B")),
    "decision": (("text", "A"),),
    "actionitem": (("text", "A"), ("owner", "B")),
    "risk": (("text", "A"),),
    "session": (("title", "A"), ("notes", "B")),
    "day": (("summary", "A"),),
}


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0002_editors_group"),
    ]

    operations = [
        AddIndexOnPostgreSQL(
            model_name=model_name,
            index=GinIndex(weighted_vector(*fields), name=f"{model_name}_search_gin"),
        )
        for model_name, fields in SEARCHED.items()
    ]
