"""Optimistic locking, and the one lock order every save follows.

Two editors saving the same object never overwrite each other silently. Every versioned row
carries a ``version``; saving an existing row first *claims* it with
``UPDATE ... SET version = n + 1 WHERE id = ... AND version = n``, where ``n`` is the version the
saver read, and only then writes its fields. If another save got there first no row matches,
nothing is written and ``VersionConflict`` is raised; if the row was deleted meanwhile,
``ObjectDeleted`` is, and the row is never inserted again behind the deleter's back. The claim
and the write are one transaction. (This is Django's public API only: no private hook of
``Model.save`` is overridden.)

Lock order, so that no two saves can wait for each other in a circle (a deadlock):

1. what a page edits first: the object of an admin page, or a day and then its sessions in
   primary-key order for anything that writes across a day (``lock_day``);
2. then its children, each claimed as it is saved;
3. the content version last of all, after the commit (``priorities.caching``).

A deadlock, serialisation failure or locked SQLite database that still happens is retried by
``retrying_transaction``'s callers, and after a few attempts answered with a message.
"""

from django.db import DatabaseError, OperationalError, connection, models, transaction


class VersionConflict(Exception):
    """Someone saved ``obj`` after version ``expected`` was read: the save wrote nothing."""

    def __init__(self, obj, expected):
        super().__init__(
            f"{obj._meta.verbose_name} {obj.pk} was saved by someone else "
            f"after version {expected} was read"
        )
        self.obj = obj
        self.expected = expected


class ObjectDeleted(VersionConflict):
    """``obj`` was deleted after it was read: the save wrote nothing and did not re-create it."""


class VersionedModel(models.Model):
    """A model whose saves are refused when the row changed, or went, since it was read."""

    version = models.PositiveIntegerField(
        default=1,
        help_text="Moves on with every save; a save of an older version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, force_insert=False, update_fields=None, **kwargs):
        if self._state.adding or force_insert:
            # A new row, or one restored from history after it was deleted.
            super().save(*args, force_insert=force_insert, update_fields=update_fields, **kwargs)
            return
        if update_fields is not None:
            update_fields = {*update_fields, "version"}
        expected = self.version
        manager = type(self)._base_manager.using(kwargs.get("using") or self._state.db)
        with transaction.atomic(using=manager.db):
            claimed = manager.filter(pk=self.pk, version=expected).update(version=expected + 1)
            if not claimed:
                if manager.filter(pk=self.pk).exists():
                    raise VersionConflict(self, expected)
                raise ObjectDeleted(self, expected)
            self.version = expected + 1
            try:
                super().save(*args, force_update=True, update_fields=update_fields, **kwargs)
            except BaseException:
                self.version = expected
                raise


def lock(queryset, *, key=False):
    """Lock the rows of ``queryset`` for this transaction, in primary-key order; return them.

    ``FOR NO KEY UPDATE`` by default: rows may still gain children meanwhile (inserting a child
    takes a ``KEY SHARE`` lock, which does not wait for it). ``key=True`` takes ``FOR UPDATE``,
    as a delete needs: children then wait until the delete is decided. SQLite has no row locks;
    there every write transaction starts with ``BEGIN IMMEDIATE`` (see the settings), which
    serialises writers instead.
    """
    return list(queryset.order_by("pk").select_for_update(no_key=not key, of=("self",)))


def lock_day(day):
    """Lock ``day`` and then its sessions: what a write across the whole day takes first."""
    from .meetups import Day, Session  # they import this module

    lock(Day.objects.filter(pk=day.pk))
    lock(Session.objects.filter(day=day))


#: PostgreSQL's codes for a deadlock and a serialisation failure.
RETRYABLE_SQLSTATES = {"40P01", "40001"}


def is_transient(error):
    """Whether ``error`` says "try again": a deadlock, a serialisation failure, a busy SQLite."""
    if not isinstance(error, OperationalError | DatabaseError):
        return False
    cause = error.__cause__
    if getattr(cause, "pgcode", None) in RETRYABLE_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "database is locked" in str(error)
