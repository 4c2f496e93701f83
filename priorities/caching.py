"""Conditional GET and whole-page caching for the reader pages, keyed by ``ContentVersion``.

Every page a reader sees depends only on the database's content and on who is asking. The
content is summed up by one number that any save or delete moves (see ``signals.py``), read
with one query per request, so:

- ``ETag`` and ``Last-Modified`` come from it, and a browser that already holds the page gets
  ``304 Not Modified`` without the page being built;
- anonymous readers are served from Django's cache under a key holding the version, the
  address and the query parameters the page reads (``reader_page(query=...)``): a change
  anywhere makes every old key unreachable, on every app server, on the very next request.
  Signed-in users (editors) never read from or write to the page cache, so nobody is served
  a page built for someone else.

The cache is bounded in bytes: any other query parameter (``?utm_source=...``) is dropped
before the page is built, so it neither changes the page nor adds an entry; a page larger
than ``PAGE_CACHE_MAX_PAGE_BYTES`` is not stored; the local-memory cache holds at most
``MAX_ENTRIES`` entries (settings), so at most their product in bytes.

Pages also depend on the code that builds them: both keys hold ``release()``, a fingerprint of
the templates, static files and the app's code, so a deployment that changes how pages look
is never answered with a page (or a 304) from before it.
"""

import functools
import hashlib
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import parse_http_date_safe, urlencode
from django.views.decorators.http import condition

from .models import ContentVersion

#: Response headers worth keeping with a cached page (the rest Django sets anew).
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


#: What a page is built from, besides the database: the fingerprint covers these files.
APP_DIR = Path(__file__).resolve().parent
RELEASE_SOURCES = (
    (settings.BASE_DIR / "templates", "*"),
    (settings.BASE_DIR / "static", "*"),
    (APP_DIR, "*.py"),
)


@functools.cache
def release():
    """A short fingerprint of the code serving pages, the same on every app server that runs
    the same code; computed once per process (about a hundred small files)."""
    digest = hashlib.sha256()
    for root, pattern in RELEASE_SOURCES:
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def content_version(request):
    """(version, changed_at) of the site's content, read once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = ContentVersion.current()
    return request._content_version


def _viewer(request):
    return f"user-{request.user.pk}" if request.user.is_authenticated else "public"


def page_etag(request, *args, **kwargs):
    version, changed_at = content_version(request)
    return f"{version}-{changed_at.timestamp():.6f}-{release()}-{_viewer(request)}"


def page_last_modified(request, *args, **kwargs):
    return content_version(request)[1]


def _hash(text):
    return hashlib.sha256(text.encode()).hexdigest()


def _address(request):
    # Scheme and host too: pages show their address (the print header).
    return request.build_absolute_uri(request.path)


def normal_query(query, params):
    """The query string of ``query``'s parameters named in ``params``, in their order: all
    that a page reading only those parameters depends on."""
    return urlencode(
        [(name, value) for name, values in query.lists() if name in params for value in values]
    )


def _seen_key(request):
    """Set while the page cache holds some version of this address's page; its value is the
    names of the query parameters the page reads."""
    return f"page-seen:{release()}:{request.method}:{_hash(_address(request))}"


def _cache_key(request, params):
    version, changed_at = content_version(request)
    page = _hash(f"{_address(request)}?{normal_query(request.GET, params)}")
    return f"page:{release()}:{version}:{changed_at.timestamp():.6f}:{request.method}:{page}"


def _cacheable_request(request):
    """A request the page cache may answer or fill: an anonymous reader's GET or HEAD.

    It is decided before sessions and authentication have run, so "anonymous" means "sends
    no session cookie": whoever has one (an editor, or a reader after logging out) is served
    by the full stack, never from the cache.
    """
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PageCacheMiddleware:
    """Answer anonymous readers from the page cache before the rest of the stack runs.

    Placed right after WhiteNoise: a hit costs the content version's query and a cache read,
    not sessions, authentication, CSRF and messages. Pages are stored on the way out, with
    every header the inner middleware added, when ``reader_page`` marked them cacheable (a
    200 built for an anonymous reader) and they set no cookie. The outer middleware (security
    headers, Content-Security-Policy, Permissions-Policy) adds its headers to hits as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        # Only a path cached before is worth the content version's query: other pages (feeds,
        # search, the admin's login) pay one cache read and nothing else.
        seen_key = _seen_key(request)
        params = cache.get(seen_key)
        if params is not None:
            stored = cache.get(_cache_key(request, params))
            if stored is not None:
                return _replay(request, *stored)
        response = self.get_response(request)
        params = getattr(response, "page_cache_params", None)
        if (
            params is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= settings.PAGE_CACHE_MAX_PAGE_BYTES
        ):
            page = (response.content, dict(response.headers))
            cache.set_many(
                {_cache_key(request, params): page, seen_key: params},
                settings.PAGE_CACHE_SECONDS,
            )
        return response


def _replay(request, content, headers):
    """A stored page, or ``304 Not Modified`` when the browser holds it already."""
    response = get_conditional_response(
        request,
        etag=headers.get("ETag"),
        last_modified=parse_http_date_safe(headers.get("Last-Modified", "")),
    )
    if response is None:
        response = HttpResponse(content)
        for name, value in headers.items():
            response.headers[name] = value
    else:
        for name in ("ETag", "Last-Modified", "Cache-Control", "Vary", "Expires"):
            if name in headers:
                response.headers[name] = headers[name]
    return response


def reader_page(view=None, *, query=()):
    """A reader page: 304 for a matching ETag or date, cached for anonymous readers.

    ``query`` names the query parameters the page reads (its filters, ``page``); any other is
    dropped before the view runs, so that the page, its printed address and its cache entry
    are those of the address without it. ``@reader_page`` alone: a page that reads none.

    Browsers are told to revalidate every time (``no-cache``), which costs them one cheap
    request and means an editor's change is visible on the next request.
    """
    if view is None:
        return functools.partial(reader_page, query=query)
    params = tuple(sorted(query))
    conditional = condition(etag_func=page_etag, last_modified_func=page_last_modified)(view)

    @wraps(view)
    def reader_view(request, *args, **kwargs):
        _drop_unread_parameters(request, params)
        response = conditional(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if request.user.is_authenticated:
            patch_cache_control(response, no_cache=True, private=True)
        else:
            patch_cache_control(response, no_cache=True, public=True)
            # For PageCacheMiddleware: this response may be kept for other anonymous readers.
            response.page_cache_params = params
        patch_vary_headers(response, ["Cookie"])
        return response

    return reader_view


def _drop_unread_parameters(request, params):
    normal = normal_query(request.GET, params)
    if request.META.get("QUERY_STRING", "") != normal:
        request.GET = QueryDict(normal)
        request.META["QUERY_STRING"] = normal
