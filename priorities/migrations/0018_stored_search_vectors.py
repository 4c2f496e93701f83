"""Stored search vectors on PostgreSQL: a generated ``tsvector`` column per searched table.

Migration 0003 indexed each table's weighted vector as a GIN expression index. The index
finds the hits, but ranking them (``ts_rank``) and rechecking phrases had to build every
hit's vector again from its text: 0.3 s for a common word and 0.75 s for a phrase over
100,000 status updates. Here each table gets a ``search_vector`` column that PostgreSQL
computes on every insert and update (``GENERATED ALWAYS AS (...) STORED``), indexed with GIN
under the name 0003 used, and ``priorities.search`` matches and ranks from the column.

Why a column outside the models, added by SQL on PostgreSQL only, rather than a
``models.GeneratedField``:

- its expression (``to_tsvector``) exists only on PostgreSQL; SQLite, the embedded default,
  would fail the migration, and a GeneratedField has one expression for every database;
- as a model field it would be read by every query of these models (each day page, the API,
  the admin) and copied by simple-history into the historical tables, for nothing;
- outside the migration state, ``makemigrations`` stays clean on every database and SQLite's
  table rebuilds never see it (as with 0003's indexes).

The vector is exactly the one ``priorities.search.Source.vector()`` describes (the same
fields, weights and configuration); tests/views/test_search.py checks that they agree.

A caveat of generated columns: PostgreSQL refuses to change the type of a column they read
(``cannot alter type of a column used by a generated column``). A later migration that
alters one of these fields on PostgreSQL (``headline``'s ``max_length``, say) must drop the
column before its ``AlterField`` and add it back after, as ``drop_vectors`` and
``add_vectors`` below do.
"""

from django.db import migrations

SEARCH_CONFIG = "english"
COLUMN = "search_vector"

#: Each searched model's (field, weight) pairs, as in priorities.search.SOURCES.
SEARCHED = {
    "statusupdate": (("headline", "A"), ("body", "B")),
    "decision": (("text", "A"),),
    "actionitem": (("text", "A"), ("owner", "B")),
    "risk": (("text", "A"),),
    "session": (("title", "A"), ("notes", "B")),
    "day": (("summary", "A"),),
}


def weighted_vector_sql(quote, fields):
    """The SQL of the weighted vector: what SearchVector(name, config=..., weight=...) gives."""
    return " || ".join(
        f"setweight(to_tsvector('{SEARCH_CONFIG}'::regconfig, "
        f"COALESCE({quote(name)}::text, '')), '{weight}')"
        for name, weight in fields
    )


def _tables(apps, schema_editor):
    """(quoted table, quoted index name, vector SQL) per searched model, on PostgreSQL only."""
    if schema_editor.connection.vendor != "postgresql":
        return []
    quote = schema_editor.quote_name
    return [
        (
            quote(apps.get_model("priorities", model_name)._meta.db_table),
            quote(f"{model_name}_search_gin"),
            weighted_vector_sql(quote, fields),
        )
        for model_name, fields in SEARCHED.items()
    ]


def add_vectors(apps, schema_editor):
    """Replace 0003's expression index by the stored column and a GIN index on it."""
    for table, index, vector in _tables(apps, schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({vector}) STORED"
        )
        # fastupdate off: with it on, new rows wait in a pending list (up to 4 MB, until the
        # next vacuum) that every search scans in full; 5,000 pending rows cost a search
        # 100-150 ms. Without it each insert updates the index at once: about 0.1 ms a row.
        schema_editor.execute(
            f"CREATE INDEX {index} ON {table} USING gin ({COLUMN}) WITH (fastupdate = off)"
        )
        # The planner knows nothing of a new column until the table is analysed; without it,
        # it guesses a few hundred hits for any word and plans ranking as if for those.
        schema_editor.execute(f"ANALYZE {table}")


def drop_vectors(apps, schema_editor):
    """Drop the column (its index goes with it) and put 0003's expression index back."""
    for table, index, vector in _tables(apps, schema_editor):
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (({vector}))")


class Migration(migrations.Migration):
    dependencies = [
        ("priorities", "0017_api_tokens"),
    ]

    operations = [
        migrations.RunPython(add_vectors, drop_vectors, elidable=False),
    ]
