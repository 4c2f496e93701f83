"""Optimistic locking: two editors saving the same object never overwrite each other silently.

Every versioned row carries a ``version``. Saving an existing row is one statement,
``UPDATE ... SET ..., version = n + 1 WHERE id = ... AND version = n``, where ``n`` is the
version the saver read (the admin form carries it in a hidden field). If another save got there
first, no row matches, nothing is written and ``VersionConflict`` is raised. No lock is held
between requests; a save that reads and writes in one go (the Markdown import) simply moves the
version on.
"""

from django.db import models


class VersionConflict(Exception):
    """Someone saved ``obj`` after ``expected`` was read: the save wrote nothing."""

    def __init__(self, obj, expected):
        super().__init__(
            f"{obj._meta.verbose_name} {obj.pk} was saved by someone else "
            f"after version {expected} was read"
        )
        self.obj = obj
        self.expected = expected


class VersionedModel(models.Model):
    """A model whose saves are refused when the row changed since it was read."""

    version = models.PositiveIntegerField(
        default=1,
        help_text="Moves on with every save; a save of an older version is refused.",
    )

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = {*update_fields, "version"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        expected = self.version
        values = [
            (field, model, expected + 1 if field.attname == "version" else value)
            for field, model, value in values
        ]
        if base_qs.filter(pk=pk_val, version=expected)._update(values) > 0:
            self.version = expected + 1
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise VersionConflict(self, expected)
        # The row is gone (deleted, or restored from history): Django inserts it again.
        return False
