"""``reader_page``: a page that answers conditional requests and may be cached."""

import functools
from functools import wraps

from django.http import QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition

from .keys import normal_query, page_etag, page_last_modified


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
