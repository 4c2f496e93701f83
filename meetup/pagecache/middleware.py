"""Answer anonymous readers' cache hits (and their 304s) before the rest of the stack."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from .keys import cache_key, seen_key


def _cacheable_request(request):
    """A request the page cache may answer or fill: an anonymous reader's GET or HEAD.

    It is decided before sessions and authentication have run, so "anonymous" means "sends
    no session cookie and no ``Authorization`` header": whoever has one (an editor, a reader
    after logging out, a bot's API token) is served by the full stack, never from the cache.
    Paths in ``PAGE_CACHE_EXEMPT_PATHS`` (the health check) never touch the cache.
    """
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and request.path_info not in settings.PAGE_CACHE_EXEMPT_PATHS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "authorization" not in request.headers
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
        seen = seen_key(request)
        params = cache.get(seen)
        if params is not None:
            stored = cache.get(cache_key(request, params))
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
                {cache_key(request, params): page, seen: params},
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
