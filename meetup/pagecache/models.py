from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class ContentVersion(models.Model):
    """A counter of every change to what the site shows, kept in the database.

    Page caches and ``ETag``/``Last-Modified`` headers are keyed by it, so every app server
    sees a change on the next request, deletions included, without sharing any memory.
    One row; ``bump()`` is called after every commit that saved or deleted a watched model.
    """

    SINGLETON = 1

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
        """(version, changed_at): one query, creating the row on first use."""
        row = cls.objects.filter(pk=cls.SINGLETON).values_list("version", "changed_at").first()
        if row is None:
            obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON)
            row = (obj.version, obj.changed_at)
        return row

    @classmethod
    def bump(cls):
        updated = cls.objects.filter(pk=cls.SINGLETON).update(
            version=F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=cls.SINGLETON)
