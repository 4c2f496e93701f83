"""The page cache's tests on a real Redis, as several app servers share it (REDIS_URL).

Skipped where no Redis answers on 127.0.0.1:6379 (a laptop with SQLite alone); in CI, which
has one, a missing Redis is a failure.
"""

import os
import socket
import uuid

import pytest
from django.core.cache import caches

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_server():
    with socket.socket() as probe:
        probe.settimeout(0.5)
        answers = probe.connect_ex(("127.0.0.1", 6379)) == 0
    if not answers:
        if os.environ.get("CI"):
            pytest.fail("CI has Redis on 127.0.0.1:6379, but it does not answer")
        pytest.skip("no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings, redis_server):
    """The page cache in Redis, under keys of this test's own (and pytest-xdist worker's)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.CONTENT_VERSION_IN_CACHE = True
    cache = caches["default"]
    yield cache
    cache.delete_pattern("*")
