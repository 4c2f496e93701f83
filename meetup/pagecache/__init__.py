"""Conditional GET and whole-page caching for the reader pages, keyed by a content version.

Every page a reader sees depends only on the database's content and on who is asking. The
content is summed up by one number, ``ContentVersion``, that any save or delete of a watched
model moves after its transaction commits (``signals.watch``). It is read with one query per
request, or from the cache when the cache is shared by every app server (Redis), so that a
cache hit runs no SQL (``ContentVersion.cached``):

- ``ETag`` and ``Last-Modified`` come from it, and a browser that already holds the page gets
  ``304 Not Modified`` without the page being built (``decorators.reader_page``);
- anonymous readers are served from Django's cache under a key holding the version, the
  address and the query parameters the page reads: a change anywhere makes every old key
  unreachable, on every app server, on the very next request. ``middleware`` answers those
  hits before sessions and authentication run, in one cache round trip, and answers a 304
  from the page's headers alone. Signed-in users (editors) never read from or
  write to the page cache, so nobody is served a page built for someone else.

The cache is bounded in bytes: any other query parameter (``?utm_source=...``) is dropped
before the page is built, so it neither changes the page nor adds an entry; a page larger
than ``PAGE_CACHE_MAX_PAGE_BYTES`` is not stored; the local-memory cache holds at most
``MAX_ENTRIES`` entries (settings), so at most their product in bytes.

Pages also depend on the code that builds them: both keys hold ``keys.release()``, a
fingerprint of the templates, static files and the site's code, so a deployment that changes
how pages look is never answered with a page (or a 304) from before it.

A small app of its own, as ``django.contrib.redirects`` is: it knows nothing of the models it
watches; the app whose pages it caches says which (``priorities.apps``).
"""
