"""Each field of editors' Markdown gets its rendered, sanitised HTML beside it
(``priorities.models.markup``), filled here for the rows that exist, history included.

Not self-contained, unlike 0011: the HTML is whatever the site's renderer makes of the text,
so it is rendered by the site's own function, as the ``rebuild_markup`` command does.
Reversing drops the columns (the text they were rendered from stays).
"""

import priorities.models.markup
from django.db import migrations


def drop_triggers(apps, schema_editor):
    # SQLite rebuilds each table to add a column with a default, and a rebuilt table's name
    # is checked against the team rules' triggers on the others: they go, and come back after.
    from priorities.models import team_rules

    team_rules.remove(schema_editor.connection)


def create_triggers(apps, schema_editor):
    from priorities.models import team_rules

    team_rules.install(schema_editor.connection)


def render_existing_rows(apps, schema_editor):
    models = apps.get_app_config("priorities").get_models()
    priorities.models.markup.rebuild_markup(models)


class Migration(migrations.Migration):

    dependencies = [
        ('priorities', '0018_stored_search_vectors'),
    ]

    operations = [
        migrations.RunPython(drop_triggers, create_triggers),
        migrations.AddField(
            model_name='actionitem',
            name='text_html',
            field=priorities.models.markup.RenderedMarkdownField('text'),
        ),
        migrations.AddField(
            model_name='day',
            name='summary_html',
            field=priorities.models.markup.RenderedMarkdownField('summary'),
        ),
        migrations.AddField(
            model_name='decision',
            name='text_html',
            field=priorities.models.markup.RenderedMarkdownField('text'),
        ),
        migrations.AddField(
            model_name='historicalactionitem',
            name='text_html',
            field=priorities.models.markup.RenderedMarkdownField('text'),
        ),
        migrations.AddField(
            model_name='historicalday',
            name='summary_html',
            field=priorities.models.markup.RenderedMarkdownField('summary'),
        ),
        migrations.AddField(
            model_name='historicaldecision',
            name='text_html',
            field=priorities.models.markup.RenderedMarkdownField('text'),
        ),
        migrations.AddField(
            model_name='historicalrisk',
            name='text_html',
            field=priorities.models.markup.RenderedMarkdownField('text'),
        ),
        migrations.AddField(
            model_name='historicalsession',
            name='notes_html',
            field=priorities.models.markup.RenderedMarkdownField('notes'),
        ),
        migrations.AddField(
            model_name='historicalstatusupdate',
            name='body_html',
            field=priorities.models.markup.RenderedMarkdownField('body'),
        ),
        migrations.AddField(
            model_name='meetup',
            name='description_html',
            field=priorities.models.markup.RenderedMarkdownField('description'),
        ),
        migrations.AddField(
            model_name='priorityarea',
            name='description_html',
            field=priorities.models.markup.RenderedMarkdownField('description'),
        ),
        migrations.AddField(
            model_name='risk',
            name='text_html',
            field=priorities.models.markup.RenderedMarkdownField('text'),
        ),
        migrations.AddField(
            model_name='session',
            name='notes_html',
            field=priorities.models.markup.RenderedMarkdownField('notes'),
        ),
        migrations.AddField(
            model_name='statusupdate',
            name='body_html',
            field=priorities.models.markup.RenderedMarkdownField('body'),
        ),
        migrations.AddField(
            model_name='team',
            name='description_html',
            field=priorities.models.markup.RenderedMarkdownField('description'),
        ),
        migrations.RunPython(render_existing_rows, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
