"""What many tests share: people and their browsers, the demo day, counting rows, and a real
SMTP server (``tests.smtp_server``)."""

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command

from meetup.pagecache.recent import recent_versions
from priorities.models import CONTENT_MODELS, Day
from tests.factories import EditorFactory, UserFactory, browser_for
from tests.smtp_server import mailbox, smtp_down, smtp_server  # noqa: F401 (fixtures)

DEMO_SLUG = "nova-kilo-midcycle"


@pytest.fixture
def editor(db):
    return EditorFactory()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def second_editor_client(db):
    """Another editor, in a browser of their own: for what two editors do at once."""
    return browser_for(EditorFactory())


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def organiser_client(superuser):
    """An organiser (a superuser) signed in, in a browser of their own."""
    return browser_for(superuser)


@pytest.fixture
def demo_day(db):
    """Day 1 of the demo meetup, loaded by ``load_demo`` as ``make run`` does."""
    call_command("load_demo", stdout=io.StringIO())
    return Day.objects.select_related("meetup").get(meetup__slug=DEMO_SLUG, number=1)


@pytest.fixture
def row_counts(db):
    """``row_counts()``: how many rows each content model holds, to compare before and after
    something that must write nothing (or exactly so much)."""

    def count(models=CONTENT_MODELS):
        return {model.__name__: model.objects.count() for model in models}

    return count


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
    """Each test starts with an empty page cache (the locmem cache outlives a test), and
    trusts no page version read before it (its database's versions start again)."""
    cache.clear()
    recent_versions.forget((), everything=True)
    yield
    cache.clear()
    recent_versions.forget((), everything=True)
