"""A process trusts the page versions it has just read for PAGE_VERSION_TRUST_SECONDS: a hit
then runs no SQL (and, with Redis, reads no versions), a change saved in this process is seen
at once, and one saved through another process at most that late."""

import threading
import time

import pytest

from meetup.pagecache.recent import RecentVersions, recent_versions
from tests.factories import EditorFactory, StatusUpdateFactory, browser_for

pytestmark = pytest.mark.django_db

WINDOW = 0.25


@pytest.fixture
def trusting(settings):
    settings.PAGE_VERSION_TRUST_SECONDS = WINDOW


@pytest.fixture
def clock(monkeypatch):
    """time.monotonic, moved on at will: ``clock.advance(seconds)``."""

    class Clock:
        offset = 0.0

        def advance(self, seconds):
            self.offset += seconds

    fake = Clock()
    real = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real() + fake.offset)
    return fake


@pytest.fixture
def update():
    return StatusUpdateFactory(headline="Before")


def saved_through_another_process(update, monkeypatch, headline):
    """Save as another worker or app server would: the versions move in the database (and
    Redis), but this process is not told."""
    with monkeypatch.context() as elsewhere:
        elsewhere.setattr(recent_versions, "forget", lambda *args, **kwargs: None)
        update.headline = headline
        update.save()


def test_within_the_window_a_hit_and_a_304_run_no_sql(
    client, trusting, update, django_assert_num_queries
):
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
        assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_after_the_window_a_hit_reads_the_versions_again(
    client, trusting, clock, update, django_assert_num_queries
):
    url = update.session.day.get_absolute_url()
    client.get(url)
    clock.advance(WINDOW)
    with django_assert_num_queries(1):
        client.get(url)


def test_a_change_saved_in_this_process_is_seen_at_once(client, trusting, update):
    url = update.session.day.get_absolute_url()
    client.get(url)
    update.headline = "After"
    update.save()
    assert "After" in client.get(url).content.decode()


def test_a_change_saved_elsewhere_is_seen_once_the_window_has_passed(
    client, trusting, clock, update, monkeypatch
):
    url = update.session.day.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    saved_through_another_process(update, monkeypatch, "After")
    clock.advance(WINDOW / 2)
    assert "Before" in client.get(url).content.decode()  # the price of the window, at most
    clock.advance(WINDOW / 2)
    assert "After" in client.get(url).content.decode()


def test_editors_always_read_the_versions(trusting, update, monkeypatch):
    url = update.session.day.get_absolute_url()
    editor = EditorFactory()
    editor.teams.add(update.session.day.meetup.team)
    browser = browser_for(editor)
    browser.get(url)
    saved_through_another_process(update, monkeypatch, "After")
    assert "After" in browser.get(url).content.decode()


def test_with_redis_a_hit_within_the_window_asks_redis_nothing(
    client, trusting, redis_cache, update, monkeypatch
):
    """The process's copy of the page, at the versions it has just read."""
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    asked = []
    for name in ("get", "get_many"):
        read = getattr(redis_cache, name)
        monkeypatch.setattr(
            redis_cache, name, lambda *args, read=read: asked.append(args) or read(*args)
        )
    assert client.get(url).content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert asked == []


def test_versions_read_in_the_race_with_a_save_of_this_process_are_not_trusted(
    client, trusting, redis_cache, clock, update, monkeypatch
):
    """A reader's request reads the versions' copies from Redis; another thread of the
    process (an editor's request) commits a save just after: the next reader gets the save."""
    url = update.session.day.get_absolute_url()
    assert "Before" in client.get(url).content.decode()
    clock.advance(WINDOW)  # the next hit reads the copies from Redis
    get_many = redis_cache.get_many
    saved = []

    def read_then_another_thread_saves(keys, *args, **kwargs):
        found = get_many(keys, *args, **kwargs)
        if not saved and any(key.startswith("page-version:") for key in keys):
            saved.append(True)
            update.headline = "After"
            update.save()
        return found

    monkeypatch.setattr(redis_cache, "get_many", read_then_another_thread_saves)
    client.get(url)  # overlapped the save: either page will do
    monkeypatch.setattr(redis_cache, "get_many", get_many)
    assert saved
    assert "After" in client.get(url).content.decode()


def test_a_read_that_overlapped_a_change_of_this_process_is_not_trusted(settings):
    settings.PAGE_VERSION_TRUST_SECONDS = WINDOW
    versions = RecentVersions()
    began = versions.began()
    versions.forget(["day:nova:1"])  # this process committed a change meanwhile
    versions.remember({"day:nova:1": (7, None)}, began)
    assert versions.get(["day:nova:1"]) is None
    versions.remember({"day:nova:1": (8, None)}, versions.began())
    assert versions.get(["day:nova:1"]) == [(8, None)]


def test_a_forget_from_another_thread_never_lands_inside_a_remember(settings):
    settings.PAGE_VERSION_TRUST_SECONDS = WINDOW
    versions = RecentVersions()
    began = versions.began()
    forgetting = threading.Thread(target=versions.forget, args=(["day:nova:1"],))

    class ReadBeforeTheBump(dict):
        def items(self):
            forgetting.start()  # the other thread's commit, while remember writes
            forgetting.join(timeout=0.2)
            return super().items()

    versions.remember(ReadBeforeTheBump({"day:nova:1": (7, None)}), began)
    forgetting.join()
    assert versions.get(["day:nova:1"]) is None


def test_the_versions_a_process_keeps_are_bounded(client, trusting):
    """Scopes come from addresses, which anyone can make up (here through the live probe)."""
    for n in range(RecentVersions.MAX_SCOPES + 100):
        client.get("/live/version", {"page": f"/meetups/nothing-{n}/days/1/", "since": "0"})
    assert len(recent_versions) <= RecentVersions.MAX_SCOPES


def test_the_window_can_be_closed(settings):
    settings.PAGE_VERSION_TRUST_SECONDS = 0
    versions = RecentVersions()
    versions.remember({"all": (1, None)}, versions.began())
    assert versions.get(["all"]) is None
