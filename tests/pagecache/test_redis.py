"""The page cache on a real Redis, as several app servers share it (REDIS_URL); the fixtures
are in conftest.py."""

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings

from meetup.pagecache import near
from meetup.pagecache.near import NearPages
from tests.factories import StatusUpdateFactory, other_team
from tests.pagecache.test_live import PROBE

pytestmark = pytest.mark.django_db


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


def test_a_hit_reads_the_page_from_the_process_and_only_its_versions_from_redis(
    client, redis_cache, monkeypatch
):
    url = StatusUpdateFactory(headline="Flavors are objectified").session.day.get_absolute_url()
    first = client.get(url)
    asked = []
    get_many = redis_cache.get_many
    monkeypatch.setattr(redis_cache, "get_many", lambda keys: asked.extend(keys) or get_many(keys))
    hit = client.get(url)
    assert hit.content == first.content
    assert asked, "the versions and the headers come from Redis"
    assert not [key for key in asked if key.startswith("page-body:")]


def test_an_app_server_never_serves_its_copy_of_an_older_version(
    client, redis_cache, monkeypatch, django_assert_num_queries
):
    """Two app servers share Redis, each with its own copies: when one builds a newer version
    of a page, the other serves that version (from Redis), never its own older copy."""
    update = StatusUpdateFactory(headline="Before")
    url = update.session.day.get_absolute_url()
    size = settings.PAGE_CACHE_NEAR_BYTES
    first_server, second_server = NearPages(size), NearPages(size)
    monkeypatch.setattr(near, "_near", first_server)
    assert "Before" in client.get(url).content.decode()
    monkeypatch.setattr(near, "_near", second_server)
    update.headline = "After"
    update.save()
    assert "After" in client.get(url).content.decode()
    monkeypatch.setattr(near, "_near", first_server)
    with django_assert_num_queries(0):  # Redis's page: not built again, nor the old copy
        assert "After" in client.get(url).content.decode()


def test_each_process_keeps_its_copies_within_its_bytes():
    head, page = ("headers",), b"x" * 1000
    pages = NearPages(max_bytes=2.5 * (NearPages.HEAD_BYTES + len(page)))
    pages.put("day-1", (1, None), head, page)
    pages.put("day-2", (1, None), head, page)
    assert pages.get("day-1", (1, None)) == (head, page)  # day-2 is now the least recently used
    pages.put("day-3", (1, None), head, page)
    assert pages.get("day-2", (1, None)) is None
    assert pages.get("day-1", (1, None)) is not None
    assert pages.get("day-1", (2, None)) is None  # another version: not this copy
    pages.put("huge", (1, None), head, page * 5)
    assert pages.get("huge", (1, None)) is None
    assert len(pages) == 2


@pytest.mark.slow
def test_a_command_that_saves_builds_the_pages_before_it_exits(tmp_path, redis_server):
    """A management command's process (here ``shell``) saves, and exits at once: the pages its
    save changed are in the shared cache all the same, ready for the app servers."""
    redis_url = "redis://127.0.0.1:6379/10"
    redis.Redis.from_url(redis_url).flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "meetup.settings",
        "DJANGO_DEBUG": "true",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "REDIS_URL": redis_url,
        "PAGE_CACHE_WARMING": "thread",
    }

    def shell(code):
        done = subprocess.run(  # noqa: S603 (our own manage.py and code)
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
            env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        env=env, cwd=settings.BASE_DIR, check=True, timeout=120,
    )  # fmt: skip
    url = shell(
        "from django.test import Client\n"
        "from tests.factories import StatusUpdateFactory\n"
        "update = StatusUpdateFactory(headline='Before')\n"
        "url = update.session.day.get_absolute_url()\n"
        "Client().get(url)\n"
        "update.headline = 'Built before the command exited'\n"
        "update.save()\n"
        "print(url)\n"
    )
    answer = shell(
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "with CaptureQueriesContext(connection) as queries:\n"
        f"    page = Client().get({url!r}).content.decode()\n"
        "print(len(queries), 'Built before the command exited' in page)\n"
    )
    redis.Redis.from_url(redis_url).flushdb()
    assert answer == "0 True"
