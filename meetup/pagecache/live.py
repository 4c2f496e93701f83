"""Live pages: a reader's page asks, every few seconds, whether the content changed.

The contract: a live page's ``<main>`` carries ``data-live-url`` (this probe's address) and
``data-live-version`` (the version of the page it was built from: ``scopes``).
``GET <live-url>?page=<path>&since=<n>`` answers ``204 No Content`` while the page at
``path`` is still at version ``n``, and ``200`` with ``{"version": m}`` once it moved;
``static/js/live.js`` then fetches the page again and swaps in what changed. Only a change
the page shows moves its version: a note taken on another day is no reason to fetch this one.
The answer reads the shared cache's copies of the page's versions (with Redis) or the version
table (one query), so it is the same on every app server, and it is never cached (by a browser
or a proxy). Without ``page``, the version is the whole site's.

``LiveVersionMiddleware`` answers the probe right after WhiteNoise, before sessions,
authentication, CSRF and messages, which a probe has no use for: readers poll, so it is the
most frequent request a server gets while a meeting runs. The URL pattern routes to the same
view where the middleware is not installed.
"""

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_safe

from .models import ContentVersion
from .scopes import page_version, scopes_of_path


@require_safe
@xframe_options_deny
def version_probe(request):
    page = request.GET.get("page", "")
    if page.startswith("/"):
        version, _changed_at = page_version(scopes_of_path(page))
    else:
        version, _changed_at = ContentVersion.cached()
    if request.GET.get("since") == str(version):
        response = HttpResponse(status=204)
    else:
        response = JsonResponse({"version": version})
    add_never_cache_headers(response)
    return response


class LiveVersionMiddleware:
    """Answer the live pages' version probe before the rest of the stack runs."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:  # reverse() includes the script prefix, as request.path does
            self.path = reverse("live-version")
        if request.path == self.path:
            return version_probe(request)
        return self.get_response(request)
