"""Keep the page versions moving: a change to a watched model moves the versions of the pages
it touches (``scopes``) after its transaction commits, and those pages are built again then
(``warming``), before readers ask."""

import threading

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import on_commit

from .models import PageVersion
from .scopes import ALL_PAGES, scopes_changed_by
from .warming import warm_after_bump

_touches = {}  # model -> function(instance) -> marks, or None: every page
_watched_relations = {}  # through model -> function(instance, model, pk_set) -> marks, or None
_pending = threading.local()


def watch(*models, relations=(), touches=None):
    """Move page versions whenever one of ``models`` is saved or deleted, or one of the
    many-to-many ``relations`` (their ``through`` models) gains or loses a row.

    ``touches(instance, created)`` (``touches(instance, model, pk_set)`` for a relation) says
    what the change touches, as marks that ``scopes.define_scopes``'s ``of_changes`` turns
    into scopes once per commit; without it, a change touches every page.
    """
    for model in models:
        _touches[model] = touches
    for relation in relations:
        _watched_relations[relation] = touches


def bump_content_version_after_commit(*marks):
    """Move the versions of the pages ``marks`` touch (all of them, without marks) once the
    transaction commits, once however many rows it saved: the first of its callbacks bumps
    what every save of the transaction noted, the rest see that it did.

    After the commit, not inside the transaction: the versions' rows would otherwise be
    locked from a transaction's first save to its end, between the row locks that other saves
    take in their own order, which is how concurrent saves deadlocked. A reader who reads the
    old version just after the commit gets the new content under the old version's key, which
    the bump makes unreachable a moment later. A rolled-back transaction's marks wait for the
    next commit (which then moves a few versions more than it needs to: never fewer).
    """
    if not hasattr(_pending, "marks"):
        _pending.marks, _pending.generation = set(), 0
    _pending.marks.update(marks or [ALL_PAGES])
    generation = _pending.generation

    def bump():
        if _pending.generation != generation or not _pending.marks:
            return  # this transaction's versions were already moved on
        _pending.generation += 1
        marks, _pending.marks = _pending.marks, set()
        try:
            scopes = scopes_changed_by(marks)
            PageVersion.bump(sorted(scopes))
        except Exception:
            _pending.marks |= marks  # the next commit moves them (the database was away)
            raise
        warm_after_bump(scopes)

    on_commit(bump)


def _content_changed(sender, instance, **kwargs):
    if sender not in _touches or kwargs.get("raw"):
        return
    touches = _touches[sender]
    created = kwargs.get("created", False)
    bump_content_version_after_commit(*(touches(instance, created) if touches else [ALL_PAGES]))


def _relation_changed(sender, instance, action, model, pk_set, **kwargs):
    if sender not in _watched_relations:
        return
    if action == "post_clear" or (action in ("post_add", "post_remove") and pk_set):
        touches = _watched_relations[sender]
        marks = touches(instance, model, pk_set) if touches else [ALL_PAGES]
        bump_content_version_after_commit(*marks)


post_save.connect(_content_changed, dispatch_uid="pagecache-content-saved")
post_delete.connect(_content_changed, dispatch_uid="pagecache-content-deleted")
m2m_changed.connect(_relation_changed, dispatch_uid="pagecache-relation-changed")
