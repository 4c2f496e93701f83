import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone


class ContentVersion(models.Model):
    """A counter of every change to what the site shows, kept in the database.

    Page caches and ``ETag``/``Last-Modified`` headers are keyed by it, so every app server
    sees a change on the next request, deletions included, without sharing any memory.
    One row; ``bump()`` is called after every commit that saved or deleted a watched model.
    """

    SINGLETON = 1
    #: Where the shared cache keeps a copy, and how long a copy may live (see ``cached``).
    CACHE_KEY = "content-version"
    CACHE_SECONDS = 5

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON)
    version = models.PositiveBigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table the priorities app created before the page cache became an app of its own.
        db_table = "priorities_contentversion"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="content_version_single_row"),
        ]

    def __str__(self):
        return f"version {self.version} ({self.changed_at.isoformat()})"

    @classmethod
    def current(cls):
        """(version, changed_at): one query, creating the row on first use.

        Read with a plain cursor rather than the ORM: every reader request asks it (the page
        cache's keys, ETags, the live pages' probe), and on this machine building the ORM's
        query took ten times as long as running it (about 0.8 ms against 70 us on SQLite).
        """
        table = connection.ops.quote_name(cls._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT version, changed_at FROM {table} WHERE id = %s",  # noqa: S608 (our name)
                [cls.SINGLETON],
            )
            row = cursor.fetchone()
        if row is None:
            obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON)
            return obj.version, obj.changed_at
        return row[0], _aware(cls._meta.get_field("changed_at").to_python(row[1]))

    @classmethod
    def cached(cls, copy=None):
        """(version, changed_at), from the shared cache when it holds a copy (``copy``: what
        a ``get_many`` already read from it under ``CACHE_KEY``), else as ``current()``.

        Only a cache every app server shares (Redis: ``CONTENT_VERSION_IN_CACHE``) can keep
        it for all of them; with each process's local memory, this is ``current()``.
        ``bump()`` deletes the copy after every commit, so the next request reads the new
        version. A copy read just before a commit and stored just after its bump holds the old
        version: it lives ``CACHE_SECONDS`` at most, all a reader can be late by in that race.
        """
        if not settings.CONTENT_VERSION_IN_CACHE:
            return cls.current()
        if copy is None:
            copy = cache.get(cls.CACHE_KEY)
        if copy is None:
            copy = cls.current()
            cache.set(cls.CACHE_KEY, copy, cls.CACHE_SECONDS)
        return copy

    @classmethod
    def bump(cls):
        updated = cls.objects.filter(pk=cls.SINGLETON).update(
            version=F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=cls.SINGLETON)
        if settings.CONTENT_VERSION_IN_CACHE:
            cache.delete(cls.CACHE_KEY)


def _aware(value):
    """SQLite hands the time back as naive UTC text; PostgreSQL as an aware datetime."""
    if settings.USE_TZ and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value
