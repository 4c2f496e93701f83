"""Answer anonymous readers' cache hits (and their 304s) before the rest of the stack."""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe

from .keys import content_version, page_keys, seen_key
from .near import near_pages
from .recent import recent_versions
from .scopes import copy_key, page_version, scopes_of_path
from .warming import remember_address


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
        and not request.path_info.startswith(settings.STATIC_URL)  # WhiteNoise's
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # META, not request.headers: building the headers' mapping costs a tenth of a hit.
        and "HTTP_AUTHORIZATION" not in request.META
    )


class PageCacheMiddleware:
    """Answer anonymous readers from the page cache before the rest of the stack runs.

    Placed first: a hit costs no security checks, Content-Security-Policy, sessions,
    authentication, CSRF or messages, and one cache round trip: the page's headers and
    content and (with a shared cache) the versions of the page's scopes (``scopes``, known
    from its address) are read with one ``get_many``, so with Redis a hit runs no SQL (and
    reads the content from the process's own copy, ``near``, when it holds this version). Each
    entry holds the version it was built for and is served only while that is the page's
    current one. A browser that sends ``If-None-Match`` or ``If-Modified-Since`` is answered
    from the headers' entry alone: a ``304`` never reads the page. An address with a query
    string first reads which parameters the page reads (``seen_key``): the page is keyed by
    those alone.

    Pages are stored on the way out, with every header the rest of the stack added (security
    headers, Content-Security-Policy, Permissions-Policy: the same for every page, and part of
    ``keys.release()``), when ``reader_page`` marked them cacheable (a 200 built for an
    anonymous reader) and they set no cookie. A plain-HTTP request never reads an HTTPS page:
    the scheme is part of the key, and the security middleware redirects it as before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        hit = self.cached_response(request)
        if hit is not None:
            return hit
        response = self.get_response(request)
        params = getattr(response, "page_cache_params", None)
        if (
            params is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and len(response.content) <= settings.PAGE_CACHE_MAX_PAGE_BYTES
        ):
            _store(request, response, params)
        return response

    def cached_response(self, request):
        """The stored page (or a 304) for this request, or None."""
        params = ()
        if request.META.get("QUERY_STRING"):
            # Only an address cached before is worth more: other pages (feeds, search, the
            # admin's login) pay this one read and nothing else.
            params = cache.get(seen_key(request))
            if params is None:
                return None
        head_key, body_key = page_keys(request, params)
        conditional = (
            "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        )
        scopes = scopes_of_path(request.path_info)
        near = near_pages()
        known = recent_versions.get(scopes)
        if near is not None and known is not None:
            # This process's copy of the page, at the version it has just read: no round trip.
            version = max(known, key=lambda value: value[0])
            copy = near.get(head_key, version)
            if copy is not None:
                request._content_version = version
                return _answer(request, conditional, *copy)
        # With a shared cache, the content is read only when this process holds no copy of
        # the page's current version (``near``): the round trip carries small values alone.
        wanted = [head_key] if conditional or near is not None else [head_key, body_key]
        # The versions' copies too, unless this process has just read them (``recent``).
        copies = settings.CONTENT_VERSION_IN_CACHE and known is None
        if copies:
            wanted += [copy_key(scope) for scope in scopes]
        began = recent_versions.began()  # before the read: a commit during it is not trusted
        found = cache.get_many(wanted)
        head = found.get(head_key)
        if head is None:
            # For the page built next (keys.content_version).
            request._version_copies = (found, began) if copies else None
            return None
        request._content_version = page_version(scopes, found if copies else None, began=began)
        version = head[0]
        if version != request._content_version:
            return None

        def content():
            copy = near.get(head_key, version) if near is not None else None
            if copy is not None:
                return copy[1]
            body = found.get(body_key) or cache.get(body_key)
            if body is None or body[0] != version:
                return None
            if near is not None:
                near.put(head_key, version, head, body[1])
            return body[1]

        return _answer(request, conditional, head, content)


def _answer(request, conditional, head, content):
    """The response for ``head`` (the page's headers' entry): a 304 if the browser holds the
    page, else the page with ``content`` (its bytes, or a function reading them: a 304 never
    does), or None if the content is gone."""
    _version, etag, last_modified, headers = head
    if conditional:
        not_modified = get_conditional_response(
            request, etag=etag, last_modified=parse_http_date_safe(last_modified or "")
        )
        if not_modified is not None:
            for name in REVALIDATION_HEADERS:
                if name in headers:
                    not_modified.headers[name] = headers[name]
            return not_modified
    if callable(content):
        content = content()
        if content is None:
            return None
    response = HttpResponse(content)
    for name, value in headers.items():
        response.headers[name] = value
    return response


#: The headers a 304 repeats from the page it stands for.
REVALIDATION_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Expires")


def _store(request, response, params):
    version = content_version(request)
    headers = dict(response.headers)
    head_key, body_key = page_keys(request, params)
    entries = {
        head_key: (version, headers.get("ETag"), headers.get("Last-Modified"), headers),
        body_key: (version, response.content),
        seen_key(request): params,
    }
    cache.set_many(entries, settings.PAGE_CACHE_SECONDS)
    near = near_pages()
    if near is not None:
        near.put(head_key, version, entries[head_key], response.content)
    if not request.META.get("QUERY_STRING"):
        remember_address(scopes_of_path(request.path_info), request.build_absolute_uri())
