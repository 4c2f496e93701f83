"""The page cache on a real Redis, as several app servers share it (REDIS_URL).

Skipped where no Redis answers on 127.0.0.1:6379 (a laptop with SQLite alone); in CI, which
has one, a missing Redis is a failure.
"""

import os
import socket
import uuid

import pytest
from django.core.cache import caches

from tests.factories import StatusUpdateFactory, other_team
from tests.pagecache.test_live import PROBE

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/9"


def redis_answers():
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.fixture
def redis_cache(settings):
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail("CI has Redis on 127.0.0.1:6379, but it does not answer")
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"  # each test (and pytest-xdist worker) keys of its own
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.CONTENT_VERSION_IN_CACHE = True
    cache = caches["default"]
    yield cache
    cache.delete_pattern("*")


def test_a_hit_runs_no_sql_and_the_process_keeps_one_redis_client(
    client, redis_cache, django_assert_num_queries
):
    url = StatusUpdateFactory(headline="Flavors are objectified").session.day.get_absolute_url()
    first = client.get(url)
    redis = redis_cache.client.get_client()
    with django_assert_num_queries(0):
        hit = client.get(url)
        not_modified = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        probe = client.get(PROBE, {"page": url, "since": first["ETag"].split("-")[0].strip('"')})
    assert hit.content == first.content
    assert not_modified.status_code == 304
    assert probe.status_code == 204
    assert redis_cache.client.get_client() is redis


def test_a_save_is_seen_on_the_next_request_and_other_pages_stay_cached(
    client, redis_cache, django_assert_num_queries
):
    update = StatusUpdateFactory(headline="Before")
    neutron, liberty = other_team()
    other = StatusUpdateFactory(
        headline="Elsewhere",
        session__day__meetup__team=neutron,
        session__day__meetup__cycle=liberty,
        priority_area__team=neutron,
    )
    url, other_url = update.session.day.get_absolute_url(), other.session.day.get_absolute_url()
    client.get(url)
    client.get(other_url)
    update.headline = "After"
    update.save()
    assert "After" in client.get(url).content.decode()
    with django_assert_num_queries(0):
        assert "Elsewhere" in client.get(other_url).content.decode()
