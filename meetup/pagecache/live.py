"""Live pages: a reader's page asks, every few seconds, whether the content changed.

The contract: a live page's ``<main>`` carries ``data-live-url`` (this probe's address) and
``data-live-version`` (the content version it was built from). ``GET <live-url>?since=<n>``
answers ``204 No Content`` while the content version is still ``n``, and ``200`` with
``{"version": m}`` once it moved; ``static/js/live.js`` then fetches the page again and
swaps in what changed. The answer reads the shared cache's copy of the content version (with
Redis) or the one-row version table (one query), so it is the same on every app server, and it
is never cached (by a browser or a proxy).

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


@require_safe
@xframe_options_deny
def version_probe(request):
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
