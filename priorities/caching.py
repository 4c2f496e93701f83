"""Conditional GET and whole-page caching for the reader pages, keyed by ``ContentVersion``.

Every page a reader sees depends only on the database's content and on who is asking. The
content is summed up by one number that any save or delete moves (see ``signals.py``), read
with one query per request, so:

- ``ETag`` and ``Last-Modified`` come from it, and a browser that already holds the page gets
  ``304 Not Modified`` without the page being built;
- anonymous readers are served from Django's cache under a key holding the version and the
  full path: a change anywhere makes every old key unreachable, on every app server, on the
  very next request. Signed-in users (editors) never read from or write to the page cache, so
  nobody is served a page built for someone else.

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
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
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


def _cache_key(request):
    version, changed_at = content_version(request)
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{release()}:{version}:{changed_at.timestamp():.6f}:{request.method}:{path}"


def cached_page(view):
    """Serve anonymous GET requests from the page cache (see the module docstring)."""

    @wraps(view)
    def cached_view(request, *args, **kwargs):
        cacheable = (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = _cache_key(request)
        stored = cache.get(key)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers.items():
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if response.status_code == 200 and not response.streaming:
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            cache.set(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
        return response

    return cached_view


def reader_page(view):
    """A reader page: 304 for a matching ETag or date, cached for anonymous readers.

    Browsers are told to revalidate every time (``no-cache``), which costs them one cheap
    request and means an editor's change is visible on the next request.
    """
    conditional = condition(etag_func=page_etag, last_modified_func=page_last_modified)(
        cached_page(view)
    )

    @wraps(view)
    def reader_view(request, *args, **kwargs):
        response = conditional(request, *args, **kwargs)
        patch_cache_control(response, no_cache=True, private=request.user.is_authenticated)
        patch_vary_headers(response, ["Cookie"])
        return response

    return reader_view
