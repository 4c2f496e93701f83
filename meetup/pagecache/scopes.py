"""Which pages a change touches: scopes, and the version of a page read from its scopes'.

The page cache knows nothing of the site's models; the app whose pages it caches says, once
(``define_scopes``, from its ``AppConfig.ready``), both halves of the one question:

- ``of_page(resolver_match)``: the scopes the page at an address shows, from its URL alone
  (a cache hit is answered before any SQL, so the address is all there is to go on);
- ``of_changes(marks)``: the scopes that the changes ``signals.watch`` noted touch, asked once
  per commit with everything the transaction changed.

A page depends on its scopes and on ``PageVersion.ALL_PAGES``; an address that resolves to no
page depends on ``SITE_PAGES`` as well, as does a page the app says nothing of. A change the
app cannot tell the scopes of touches every page.
"""

import functools

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve

from .models import ContentVersion, PageVersion
from .recent import recent_versions

ALL_PAGES = PageVersion.ALL_PAGES
#: The scope of the pages that show a little of everything (lists, feeds, the API).
SITE_PAGES = "site"


def _every_page_is_a_site_page(match):
    return (SITE_PAGES,)


def _every_change_touches_every_page(marks):
    return {ALL_PAGES}


_definitions = {
    "of_page": _every_page_is_a_site_page,
    "of_changes": _every_change_touches_every_page,
}


def define_scopes(*, of_page, of_changes):
    """Say which scopes each page shows and which scopes changes touch (see the module)."""
    _definitions.update(of_page=of_page, of_changes=of_changes)
    scopes_of_path.cache_clear()


@functools.lru_cache(maxsize=4096)
def scopes_of_path(path):
    """The scopes of the page at ``path`` (``request.path_info``), ``ALL_PAGES`` first.

    Resolving an address costs tens of microseconds, as much as the rest of a cache hit: the
    answers are kept (addresses are few; the URL patterns do not change while a process runs).
    """
    try:
        match = resolve(path)
    except Resolver404:
        return (ALL_PAGES, SITE_PAGES)
    return (ALL_PAGES, *_definitions["of_page"](match))


def scopes_changed_by(marks):
    """The scopes the changes ``marks`` touch: ``{ALL_PAGES}`` when one of them is."""
    if ALL_PAGES in marks:
        return {ALL_PAGES}
    return set(_definitions["of_changes"](marks))


def copy_key(scope):
    return PageVersion.CACHE_PREFIX + scope


def page_version(scopes, copies=None, *, trusted=True, began=None):
    """(version, changed_at) of a page of ``scopes``: the highest of theirs.

    From what this process read of them within ``PAGE_VERSION_TRUST_SECONDS`` (``recent``)
    unless ``trusted`` is false; else with a shared cache (``CONTENT_VERSION_IN_CACHE``) from
    the copies it holds (``copies``: what a ``get_many`` already read of them, else they are
    read here), the missing ones from the database, and then kept there
    ``ContentVersion.CACHE_SECONDS``; else one query. ``began`` (``recent_versions.began()``)
    is when the reading of ``copies`` began: what is read is trusted from then.
    """
    if trusted:
        known = recent_versions.get(scopes)
        if known is not None:
            return max(known, key=lambda value: value[0])
    if copies is None or began is None:
        began = recent_versions.began()
    found = {}
    if settings.CONTENT_VERSION_IN_CACHE:
        if copies is None:
            copies = cache.get_many([copy_key(scope) for scope in scopes])
        found = {scope: copies[copy_key(scope)] for scope in scopes if copy_key(scope) in copies}
    missing = [scope for scope in scopes if scope not in found]
    if missing:
        stored = PageVersion.read(missing)
        if ALL_PAGES in missing and ALL_PAGES not in stored:
            PageVersion.bump([ALL_PAGES])  # a database made before page versions
            stored = PageVersion.read(missing)
        # A scope without a row has not changed since the site began: never the highest.
        stored = {scope: stored.get(scope, (0, None)) for scope in missing}
        if settings.CONTENT_VERSION_IN_CACHE:
            cache.set_many(
                {copy_key(scope): value for scope, value in stored.items()},
                ContentVersion.CACHE_SECONDS,
            )
        found.update(stored)
    recent_versions.remember(found, began)
    return max(found.values(), key=lambda value: value[0])
