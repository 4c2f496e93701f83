"""What a cached page is keyed by: the content version, the release, the address."""

import functools
import hashlib

from django.conf import settings
from django.utils.http import urlencode

from .scopes import page_version, scopes_of_path

#: What a page is built from, besides the database: the fingerprint covers these files (the
#: site's code: the project and its apps, this one included).
RELEASE_SOURCES = (
    (settings.BASE_DIR / "templates", "*"),
    (settings.BASE_DIR / "static", "*"),
    (settings.BASE_DIR / "meetup", "*.py"),
    (settings.BASE_DIR / "priorities", "*.py"),
)


#: Settings that shape the headers every page is stored with (the page cache runs before the
#: middleware that adds them): changing one is a new release.
RELEASE_SETTINGS = (
    "CONTENT_SECURITY_POLICY",
    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
    "PERMISSIONS_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "X_FRAME_OPTIONS",
)


@functools.cache
def release():
    """A short fingerprint of the code serving pages and of the settings shaping their headers,
    the same on every app server that runs the same code; computed once per process (about a
    hundred small files)."""
    digest = hashlib.sha256()
    digest.update(repr([getattr(settings, name, None) for name in RELEASE_SETTINGS]).encode())
    for root, pattern in RELEASE_SOURCES:
        for path in sorted(root.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def content_version(request):
    """(version, changed_at) of the content of the page asked for (``scopes``), read once per
    request. A signed-in user (an editor checking what they just saved) always reads the
    database's."""
    if not hasattr(request, "_content_version"):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        scopes = scopes_of_path(request.path_info)
        copies, began = None, None
        if signed_in:
            copies = {}
        elif getattr(request, "_version_copies", None) is not None:
            copies, began = request._version_copies
        request._content_version = page_version(scopes, copies, trusted=not signed_in, began=began)
    return request._content_version


def viewer(request):
    return f"user-{request.user.pk}" if request.user.is_authenticated else "public"


def page_etag(request, *args, **kwargs):
    version, changed_at = content_version(request)
    return f"{version}-{changed_at.timestamp():.6f}-{release()}-{viewer(request)}"


def page_last_modified(request, *args, **kwargs):
    return content_version(request)[1]


def _digest(text):
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


def seen_key(request):
    """Set while the page cache holds some version of this address's page; its value is the
    names of the query parameters the page reads (only asked for an address with a query)."""
    return f"page-seen:{release()}:{request.method}:{_digest(_address(request))}"


def page_keys(request, params=()):
    """The keys of the page at this address with these query parameters: (its headers,
    its content). Each entry holds the content version it was built for; ``release()`` is in
    the keys, so a deployment reads none of the old entries."""
    page = _digest(f"{_address(request)}?{normal_query(request.GET, params)}")
    stem = f"{release()}:{request.method}:{page}"
    return f"page-head:{stem}", f"page-body:{stem}"
