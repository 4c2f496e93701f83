"""Editors' Markdown stored with its HTML: rendered when a row is written, never when it is read.

Each model field holding editors' Markdown (a status update's body, a day's summary...) has a
companion ``<field>_html``, a ``RenderedMarkdownField`` holding the text rendered and sanitised
by ``priorities.rendering.render_markdown``. Pages, feeds and mails show that column: rendering
Markdown (about 1 ms a note) is paid once a save, not once a view, and not again in every new
worker process.

Every way a row is written fills it, through the field's ``pre_save`` (Django's public hook for
a value computed at write time, as ``auto_now`` is): ``Model.save()``, ``QuerySet.create()``,
``get_or_create``/``update_or_create`` and ``bulk_create()``, and django-simple-history's
records (their field is a copy of this one), so restoring an old version renders its text
again. ``save(update_fields=[...])`` naming the Markdown writes its HTML too
(``RendersMarkdown``). ``QuerySet.update()`` and ``bulk_update()`` write values as given:
nothing writes editors' text through them, and ``rebuild_markup`` (the ``rebuild_markup``
command, and a restored backup) renders every row again.
"""

from django.db import models
from django.utils.safestring import mark_safe

from .. import rendering


def render_html(text):
    """The sanitised HTML of editor Markdown ``text``: the one function every column is filled
    by (looked up on the module at each call, so that a test can watch it)."""
    return mark_safe(rendering.render_markdown(text or ""))  # noqa: S308 (nh3 sanitised it)


class RenderedMarkdownField(models.TextField):
    """The sanitised HTML of the Markdown in the field ``source``, rendered as the row is written.

    It reads back as safe HTML (no ``|safe`` in templates): only ``render_html`` writes it.
    Not in backups (``serialize=False``): it is derived, and a restore renders it again.
    """

    def __init__(self, source, **kwargs):
        self.source = source
        kwargs.update(editable=False, blank=True, default="", serialize=False)
        super().__init__(**kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("editable", "blank", "default", "serialize"):
            kwargs.pop(fixed, None)
        return name, path, [self.source, *args], kwargs

    def pre_save(self, model_instance, add):
        html = render_html(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, html)
        return html

    def from_db_value(self, value, expression, connection):
        return mark_safe(value)  # noqa: S308 (only render_html writes the column)


def markdown_html_fields(model):
    """The ``RenderedMarkdownField``s of ``model`` (of a migration's models too)."""
    return [
        field for field in model._meta.concrete_fields if isinstance(field, RenderedMarkdownField)
    ]


class RendersMarkdown:
    """A model with ``RenderedMarkdownField``s: ``save(update_fields=["body"])`` writes
    ``body_html`` with it (Django writes only the fields named, and asks only theirs)."""

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            named = set(update_fields)
            named |= {
                field.name for field in markdown_html_fields(type(self)) if field.source in named
            }
            update_fields = named
        super().save(*args, update_fields=update_fields, **kwargs)


def rebuild_markup(models, *, dry_run=False, batch_size=500):
    """Render the Markdown of every row of ``models`` again; write the rows whose HTML changed.

    For when the renderer or its allow-list changes, and after a restore (backups hold no HTML).
    Writes only the HTML columns (``bulk_update``: no version moves on, no history is recorded,
    no signal is sent; the caller moves the page cache on). Returns {model label: rows changed}.
    """
    changed = {}
    for model in models:
        fields = markdown_html_fields(model)
        if not fields:
            continue
        names = [model._meta.pk.attname, *(f.source for f in fields), *(f.attname for f in fields)]
        stale = []
        for row in model._base_manager.only(*names).order_by("pk").iterator(chunk_size=2000):
            renders = {field.attname: render_html(getattr(row, field.source)) for field in fields}
            if any(getattr(row, name) != html for name, html in renders.items()):
                for name, html in renders.items():
                    setattr(row, name, html)
                stale.append(row)
        if stale and not dry_run:
            model._base_manager.bulk_update(
                stale, [field.attname for field in fields], batch_size=batch_size
            )
        changed[model._meta.label] = len(stale)
    return changed
