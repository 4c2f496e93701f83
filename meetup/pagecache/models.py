import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, models
from django.db.models import F, Q
from django.utils import timezone

from .recent import recent_versions


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
        """Move the counter on; returns the new (version, changed_at). Two queries."""
        changed_at = timezone.now()
        updated = cls.objects.filter(pk=cls.SINGLETON).update(
            version=F("version") + 1, changed_at=changed_at
        )
        if not updated:
            cls.objects.get_or_create(pk=cls.SINGLETON)
        if settings.CONTENT_VERSION_IN_CACHE:
            cache.delete(cls.CACHE_KEY)
        return cls.objects.filter(pk=cls.SINGLETON).values_list("version", flat=True)[0], changed_at


class PageVersion(models.Model):
    """When the pages of one scope last changed: the content version of that change.

    A scope is a set of pages that one kind of change touches ("day:<meetup>:<number>", a
    meetup's page, an area's timeline, a register; ``scopes``). A page depends on a few scopes,
    always ``ALL_PAGES`` among them, and its version is the highest of theirs: every change
    takes a new content version, higher than any scope holds, so the highest moves whenever
    any of them does, and a change elsewhere leaves it alone. A scope without a row has not
    changed since the site began (version 0): the ``ALL_PAGES`` row always exists.
    """

    #: The scope every page depends on: what any page may show (names, dates, people...).
    ALL_PAGES = "all"
    #: Where the shared cache keeps a copy of a scope's version (see ``ContentVersion.cached``).
    CACHE_PREFIX = "page-version:"

    scope = models.CharField(max_length=300, primary_key=True)
    version = models.PositiveBigIntegerField()
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.scope}: version {self.version}"

    @classmethod
    def read(cls, scopes):
        """{scope: (version, changed_at)} of those of ``scopes`` that have a row: one query,
        with a plain cursor for the reason ``ContentVersion.current`` gives."""
        table = connection.ops.quote_name(cls._meta.db_table)
        marks = ", ".join(["%s"] * len(scopes))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT scope, version, changed_at FROM {table} WHERE scope IN ({marks})",  # noqa: S608
                list(scopes),
            )
            rows = cursor.fetchall()
        to_python = cls._meta.get_field("changed_at").to_python
        return {scope: (version, _aware(to_python(at))) for scope, version, at in rows}

    @classmethod
    def bump(cls, scopes):
        """The pages of ``scopes`` changed: they take a new content version. Four queries."""
        version, changed_at = ContentVersion.bump()
        cls.objects.bulk_create(
            [cls(scope=scope, version=version, changed_at=changed_at) for scope in scopes],
            update_conflicts=True,
            unique_fields=["scope"],
            update_fields=["version", "changed_at"],
        )
        if settings.CONTENT_VERSION_IN_CACHE:
            cache.delete_many([cls.CACHE_PREFIX + scope for scope in scopes])
        recent_versions.forget(scopes, everything=cls.ALL_PAGES in scopes)
        return version


def _aware(value):
    """SQLite hands the time back as naive UTC text; PostgreSQL as an aware datetime."""
    if settings.USE_TZ and timezone.is_naive(value):
        return timezone.make_aware(value, datetime.UTC)
    return value
