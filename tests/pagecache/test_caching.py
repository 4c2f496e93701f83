import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetup.pagecache.models import ContentVersion
from tests.factories import DayFactory, SessionFactory, StatusUpdateFactory
from tests.pagecache.test_live import PROBE

pytestmark = pytest.mark.django_db


@pytest.fixture
def update():
    return StatusUpdateFactory(headline="Flavors are objectified")


def reader_urls(update):
    day = update.session.day
    return [
        reverse("priorities:meetup-list"),
        day.meetup.get_absolute_url(),
        day.get_absolute_url(),
        reverse("priorities:day-report", kwargs={"slug": day.meetup.slug, "number": day.number}),
        reverse("priorities:priority-list"),
        update.priority_area.get_absolute_url(),
    ]


def test_reader_pages_send_an_etag_and_answer_304_when_it_matches(client, update):
    for url in reader_urls(update):
        first = client.get(url)
        assert first.status_code == 200
        assert first.has_header("Last-Modified")
        assert "no-cache" in first["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304, url
        assert again.content == b""


def test_a_matching_last_modified_date_answers_304(client, update):
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_any_change_gives_a_new_etag(client, update):
    url = update.session.day.get_absolute_url()
    etag = client.get(url)["ETag"]
    update.headline = "Flavors are done"
    update.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Flavors are done" in response.content.decode()


def test_a_304_costs_one_query(client, update, django_assert_num_queries):
    url = update.session.day.get_absolute_url()
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(1):
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_anonymous_readers_are_served_from_the_cache_for_one_query(
    client, update, django_assert_num_queries
):
    for url in reader_urls(update):
        first = client.get(url)
        with django_assert_num_queries(1):
            cached = client.get(url)
        assert cached.status_code == 200
        assert cached.content == first.content
        assert cached["Content-Type"] == first["Content-Type"]


def test_the_cached_report_keeps_its_type_and_filename(client, update):
    url = reader_urls(update)[3]
    first = client.get(url)
    cached = client.get(url)
    assert cached["Content-Type"] == "text/markdown; charset=utf-8"
    assert cached["Content-Disposition"] == first["Content-Disposition"]


def test_an_admin_save_is_visible_on_the_next_request(client, editor_client, update):
    url = update.session.day.get_absolute_url()
    assert "Flavors are objectified" in client.get(url).content.decode()
    change_url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    form = editor_client.get(change_url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["headline"] = "Flavors landed"
    response = editor_client.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Flavors landed" in client.get(url).content.decode()


def test_a_deletion_is_visible_on_the_next_request(client, update):
    other = StatusUpdateFactory(session=update.session, headline="Short-lived")
    url = update.session.day.get_absolute_url()
    assert "Short-lived" in client.get(url).content.decode()
    other.delete()
    assert "Short-lived" not in client.get(url).content.decode()


def test_signed_in_editors_never_get_a_page_cached_for_someone_else(client, editor, update):
    url = update.session.day.get_absolute_url()
    public = client.get(url)
    client.force_login(editor)
    as_editor = client.get(url)
    assert as_editor["ETag"] != public["ETag"]
    assert "private" in as_editor["Cache-Control"]
    assert reverse("admin:index") in as_editor.content.decode()
    client.logout()
    assert reverse("admin:index") not in client.get(url).content.decode()


def test_pages_of_editors_are_not_stored_for_readers(client, editor, update):
    url = update.session.day.get_absolute_url()
    client.force_login(editor)
    client.get(url)
    client.logout()
    assert reverse("admin:index") not in client.get(url).content.decode()


def test_every_save_and_delete_moves_the_content_version():
    before = ContentVersion.current()
    day = DayFactory()
    after_create = ContentVersion.current()
    assert after_create[0] > before[0]
    session = SessionFactory(day=day)
    session.delete()
    assert ContentVersion.current()[0] > after_create[0]


def test_unknown_pages_are_not_cached(client):
    assert client.get("/meetups/nope/").status_code == 404
    DayFactory(meetup__slug="nope")
    assert client.get("/meetups/nope/").status_code == 200


def test_the_page_cache_can_be_switched_off(client, update, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    url = update.session.day.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(13):  # the day page's own, tests/views/test_views.py
        assert client.get(url).status_code == 200


def test_a_new_release_gives_new_etags_and_cache_keys(client, update, monkeypatch):
    """Code and templates change pages too: a deployment must not be answered with a 304 or
    a cached page from before it."""
    from meetup.pagecache import keys

    url = update.session.day.get_absolute_url()
    first = client.get(url)
    monkeypatch.setattr(keys, "release", lambda: "next-release")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "next-release" in again["ETag"]


def test_the_release_fingerprint_is_stable_and_covers_templates_and_code():
    from meetup.pagecache import keys

    assert keys.release() == keys.release.__wrapped__()
    roots = [root for root, _pattern in keys.RELEASE_SOURCES]
    assert keys.settings.BASE_DIR / "templates" in roots
    assert keys.settings.BASE_DIR / "priorities" in roots


SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
    "ETag",
    "Last-Modified",
    "Cache-Control",
    "Vary",
)


def test_a_page_served_from_the_cache_carries_the_same_headers(client, update):
    for url in reader_urls(update):
        first = client.get(url)
        cached = client.get(url)
        for name in SECURITY_HEADERS:
            if first.has_header(name):
                assert cached[name] == first[name], (url, name)
        assert cached.has_header("Content-Security-Policy")


def test_a_cache_hit_builds_no_security_headers(client, update, monkeypatch):
    """They were stored with the page: a hit is answered before the middleware that adds them."""
    url = update.session.day.get_absolute_url()
    first = client.get(url)

    def no_policy(*args, **kwargs):
        raise AssertionError("the Content-Security-Policy was built for a cached page")

    monkeypatch.setattr("csp.middleware.build_policy", no_policy)
    cached = client.get(url)
    assert cached["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_plain_http_is_redirected_even_when_the_https_page_is_cached(client, update, settings):
    settings.SECURE_SSL_REDIRECT = True
    url = update.session.day.get_absolute_url()
    assert client.get(url, secure=True).status_code == 200
    assert client.get(url, secure=True).status_code == 200  # from the cache
    insecure = client.get(url)
    assert insecure.status_code == 301
    assert insecure["Location"].startswith("https://")


def test_a_cache_hit_answers_304_to_a_browser_holding_the_page(
    client, update, django_assert_num_queries
):
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    client.get(url)  # now in the cache
    with django_assert_num_queries(1):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


def test_a_cache_hit_skips_sessions_and_authentication(client, update, monkeypatch):
    url = update.session.day.get_absolute_url()
    client.get(url)

    def no_session(*args, **kwargs):
        raise AssertionError("the session was read for a cached page")

    monkeypatch.setattr(
        "django.contrib.sessions.middleware.SessionMiddleware.process_request", no_session
    )
    assert client.get(url).status_code == 200


def test_a_reader_sending_a_session_cookie_is_served_by_the_full_stack(client, update, settings):
    url = update.session.day.get_absolute_url()
    client.get(url)
    client.cookies[settings.SESSION_COOKIE_NAME] = "not-a-session"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The page was built (its queries ran) rather than replayed for one query.
    assert len(queries) > 5


def test_pages_that_are_not_reader_pages_pay_no_extra_query(client, django_assert_num_queries):
    client.get(reverse("admin:login"))
    with django_assert_num_queries(0):
        assert client.get(reverse("admin:login")).status_code == 200


def test_each_host_gets_its_own_cached_page(client, update, settings):
    settings.ALLOWED_HOSTS = ["notes.example.org", "testserver"]
    url = update.session.day.get_absolute_url()
    client.get(url)
    other = client.get(url, HTTP_HOST="notes.example.org").content.decode()
    assert f"http://notes.example.org{url}" in other
    assert "http://testserver" not in other


@pytest.fixture
def cache_reads(monkeypatch):
    """The keys of each read of the default cache, one list a round trip."""
    backend = caches["default"]
    reads = []
    inside_get_many = []
    real_get, real_get_many = backend.get, backend.get_many

    def get(key, *args, **kwargs):
        if not inside_get_many:  # the local-memory cache's get_many calls get for each key
            reads.append([key])
        return real_get(key, *args, **kwargs)

    def get_many(keys, *args, **kwargs):
        reads.append(list(keys))
        inside_get_many.append(True)
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside_get_many.pop()

    monkeypatch.setattr(backend, "get", get)
    monkeypatch.setattr(backend, "get_many", get_many)
    return reads


def test_a_hit_is_one_cache_read_and_the_content_versions_query(
    client, update, cache_reads, django_assert_num_queries
):
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    cache_reads.clear()
    with django_assert_num_queries(1):
        hit = client.get(url)
    assert hit.content == first.content
    assert len(cache_reads) == 1


@pytest.fixture
def shared_version(settings):
    """The content version kept in the cache, as with Redis (one process's cache stands in
    for the shared one)."""
    settings.CONTENT_VERSION_IN_CACHE = True
    caches["default"].delete(ContentVersion.CACHE_KEY)


def test_with_a_shared_cache_a_hit_runs_no_sql_and_one_cache_round_trip(
    client, update, shared_version, cache_reads, django_assert_num_queries
):
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    cache_reads.clear()
    with django_assert_num_queries(0):
        hit = client.get(url)
    assert hit.status_code == 200 and hit.content == first.content
    assert len(cache_reads) == 1 and "page-version:all" in cache_reads[0]
    since = hit["ETag"].split("-")[0].strip('"')
    with django_assert_num_queries(0):
        assert client.get(PROBE, {"page": url, "since": since}).status_code == 204


def test_with_a_shared_cache_a_save_is_seen_on_the_next_request(client, update, shared_version):
    url = update.session.day.get_absolute_url()
    client.get(url)
    client.get(url)
    update.headline = "Flavors are done"
    update.save()
    assert "Flavors are done" in client.get(url).content.decode()


def test_a_304_from_the_cache_never_reads_the_page(
    client, update, shared_version, cache_reads, django_assert_num_queries
):
    url = update.session.day.get_absolute_url()
    etag = client.get(url)["ETag"]
    cache_reads.clear()
    with django_assert_num_queries(0):
        again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag
    (read,) = cache_reads
    assert not any(key.startswith("page-body:") for key in read)


def test_a_browser_with_an_old_etag_gets_the_page_from_the_cache(client, update, cache_reads):
    url = update.session.day.get_absolute_url()
    first = client.get(url)
    cache_reads.clear()
    again = client.get(url, HTTP_IF_NONE_MATCH='"1-0.000000-old-public"')
    assert again.status_code == 200 and again.content == first.content
    assert len(cache_reads) == 2  # the headers first, then the page they did not match
