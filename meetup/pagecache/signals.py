"""Keep ``ContentVersion`` moving: any change to a watched model bumps it after the commit."""

import threading

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.db.transaction import on_commit

from .models import ContentVersion

_watched_models = set()
_watched_relations = set()
_bumps = threading.local()


def watch(*models, relations=()):
    """Bump the content version whenever one of ``models`` is saved or deleted, or one of the
    many-to-many ``relations`` (their ``through`` models) gains or loses a row."""
    _watched_models.update(models)
    _watched_relations.update(relations)


def bump_content_version_after_commit():
    """Move the content version on once the transaction commits, once however many rows it
    saved (the first of its callbacks bumps, the rest see that it did).

    After the commit, not inside the transaction: the version's single row would otherwise be
    locked from a transaction's first save to its end, between the row locks that other saves
    take in their own order, which is how concurrent saves deadlocked. A reader who reads the
    old version just after the commit gets the new content under the old version's key, which
    the bump makes unreachable a moment later. A rolled-back transaction bumps nothing.
    """
    generation = getattr(_bumps, "generation", 0)

    def bump():
        if getattr(_bumps, "generation", 0) != generation:
            return  # this transaction's version was already moved on
        _bumps.generation = generation + 1
        ContentVersion.bump()

    on_commit(bump)


def _content_changed(sender, **kwargs):
    if sender in _watched_models and not kwargs.get("raw"):
        bump_content_version_after_commit()


def _relation_changed(sender, action, **kwargs):
    if sender not in _watched_relations:
        return
    if action == "post_clear" or (action in ("post_add", "post_remove") and kwargs["pk_set"]):
        bump_content_version_after_commit()


post_save.connect(_content_changed, dispatch_uid="pagecache-content-saved")
post_delete.connect(_content_changed, dispatch_uid="pagecache-content-deleted")
m2m_changed.connect(_relation_changed, dispatch_uid="pagecache-relation-changed")
