"""Personal API tokens: how a bot posts to the API as the editor who made the token.

The key is shown once, when the token is made (``ApiToken.issue``), and only its SHA-256
digest is kept: whoever reads the database cannot post with it. A key is 32 random bytes, so a
plain digest is enough (a slow password hash guards guessable secrets; nobody guesses these).
Its first characters (``prefix``) are kept too, so an editor can tell their tokens apart. A
revoked token stays, with when it was last used, for the record.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..validators import ONE_LINE

#: What every key starts with, so that one pasted by mistake is recognised (and scanners can
#: find them in a repository).
KEY_PREFIX = "mnt_"
#: Characters of the key kept in the clear, ``KEY_PREFIX`` included.
SHOWN_CHARACTERS = 12


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_key(self, key):
        """The active token of ``key`` with its user, or None: one query."""
        return self.active().select_related("user").filter(key_hash=digest(key)).first()


class ApiToken(models.Model):
    """A personal token: requests bearing its key act as its user, with their rights."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100,
        validators=ONE_LINE,
        help_text="What uses it, e.g. “status bot of #openstack-nova”.",
    )
    prefix = models.CharField(max_length=SHOWN_CHARACTERS, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="api_token_name_not_empty",
                violation_error_message="A token needs a name.",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=models.F("created_at")),
                name="api_token_revoked_after_it_was_made",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self):
        """Give the token a fresh key and return it: the only time it is seen in the clear."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = key[:SHOWN_CHARACTERS]
        self.key_hash = digest(key)
        return key

    @classmethod
    def issue(cls, user, name):
        """A new token of ``user``, saved, and its key."""
        token = cls(user=user, name=name)
        key = token.set_new_key()
        token.full_clean()
        token.save()
        return token, key

    @property
    def revoked(self):
        return self.revoked_at is not None

    def record_use(self):
        """When it was last used: one UPDATE, which moves no content version (not a page's)."""
        self.last_used_at = timezone.now()
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=self.last_used_at)
