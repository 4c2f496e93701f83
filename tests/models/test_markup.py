"""Editors' Markdown is stored with its HTML, written on every way a row is written."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from meetup.pagecache.models import ContentVersion
from priorities.models import CONTENT_MODELS, Day, Decision, Meetup, StatusUpdate
from priorities.models.markup import RenderedMarkdownField, markdown_html_fields
from priorities.rendering import render_markdown
from tests.factories import DecisionFactory, SessionFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

EMPHASIS = "Some *progress*."
HTML = "<p>Some <em>progress</em>.</p>"


def test_every_markdown_field_has_its_html_beside_it():
    """A new field of editors' Markdown must get its companion, or its page would show ""."""
    for model in CONTENT_MODELS:
        markdown = {
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.TextField)
            and not isinstance(field, RenderedMarkdownField)
            and field.help_text == "Markdown."
        }
        rendered = {field.source for field in markdown_html_fields(model)}
        assert markdown == rendered, model.__name__
        for field in markdown_html_fields(model):
            assert field.name == f"{field.source}_html"


def test_save_create_and_bulk_create_store_the_html():
    update = StatusUpdateFactory(body=EMPHASIS)
    assert update.body_html == HTML
    assert StatusUpdate.objects.get(pk=update.pk).body_html == HTML

    update.body = "**Bold** now"
    update.save()
    assert StatusUpdate.objects.get(pk=update.pk).body_html == "<p><strong>Bold</strong> now</p>"

    session = SessionFactory()
    [decision] = Decision.objects.bulk_create([Decision(session=session, text=EMPHASIS)])
    assert Decision.objects.get(pk=decision.pk).text_html == HTML


def test_saving_only_the_text_writes_its_html_too():
    update = StatusUpdateFactory(body="Before")
    update.body = EMPHASIS
    update.save(update_fields=["body"])
    assert StatusUpdate.objects.get(pk=update.pk).body_html == HTML

    day = update.session.day
    Day.objects.update_or_create(pk=day.pk, defaults={"summary": EMPHASIS})
    assert Day.objects.get(pk=day.pk).summary_html == HTML


def test_the_html_reads_back_as_safe_and_is_sanitised():
    update = StatusUpdateFactory(body='<script>alert(1)</script><a href="javascript:x">y</a>')
    stored = StatusUpdate.objects.get(pk=update.pk).body_html
    assert hasattr(stored, "__html__")  # shown as is by templates: no |safe
    assert "<script" not in stored and "javascript:" not in stored


def test_history_keeps_the_html_and_a_restore_renders_the_text_again():
    update = StatusUpdateFactory(body=EMPHASIS)
    record = update.history.first()
    assert record.body_html == HTML
    # A record whose HTML an older renderer made: restoring it renders its text again.
    type(record).objects.filter(pk=record.pk).update(body_html="<p>old renderer</p>")
    restored = update.history.get(pk=record.pk).instance
    restored.save()
    assert StatusUpdate.objects.get(pk=update.pk).body_html == HTML


def test_rebuild_markup_writes_only_what_changed_and_moves_the_page_cache_on(
    django_capture_on_commit_callbacks,
):
    fresh = DecisionFactory(text=EMPHASIS)
    stale = DecisionFactory(text="**Was** rendered otherwise")
    Decision.objects.filter(pk=stale.pk).update(text_html="<p>stale</p>")
    Meetup.objects.filter(pk=fresh.session.day.meetup_id).update(description_html="stale")
    version = ContentVersion.current()

    out = io.StringIO()
    call_command("rebuild_markup", "--dry-run", stdout=out)
    assert "priorities.Decision: 1 rows" in out.getvalue()
    assert Decision.objects.get(pk=stale.pk).text_html == "<p>stale</p>"

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rebuild_markup", stdout=out)
    assert "priorities.Decision: 1 rows" in out.getvalue()
    assert "priorities.Meetup: 1 rows" in out.getvalue()
    assert Decision.objects.get(pk=stale.pk).text_html == render_markdown(stale.text)
    assert Decision.objects.get(pk=fresh.pk).version == fresh.version  # no version moves on
    assert ContentVersion.current() != version


def test_every_model_with_markdown_is_rebuilt_history_included():
    with_html = {
        model._meta.label for model in apps.get_app_config("priorities").get_models()
        if markdown_html_fields(model)
    }  # fmt: skip
    assert "priorities.HistoricalStatusUpdate" in with_html
    assert "priorities.Team" in with_html
