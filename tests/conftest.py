import pytest
from django.core.cache import cache

from tests.factories import EditorFactory, UserFactory


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture(autouse=True)
def commit_callbacks_run_at_once(request, monkeypatch):
    """What waits for the commit (the content version's bump) happens at once in a test that
    runs inside a transaction, which never commits; tests that commit keep the real thing."""
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames)
    if committing or (marker and marker.kwargs.get("transaction")):
        return
    monkeypatch.setattr("meetup.pagecache.signals.on_commit", lambda func, *args, **kwargs: func())


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty page cache (the locmem cache outlives a test)."""
    cache.clear()
    yield
    cache.clear()
