"""Conditional GET and whole-page caching for the reader pages, keyed by page versions.

Every page a reader sees depends only on the database's content and on who is asking. What a
page shows is summed up by the versions of its scopes (``scopes``: a day, a meetup, an area's
timeline, a register...; ``PageVersion``), which a save or delete of a watched model moves
after its transaction commits, for the scopes it touches alone (``signals.watch``; the app says
which scopes each page shows and each change touches). They are read with one query, or from
the cache when the cache is shared by every app server (Redis), so that a cache hit runs no
SQL; and a process trusts what it has just read for ``PAGE_VERSION_TRUST_SECONDS`` (a quarter
of a second: ``recent``), so that under load a hit reads nothing at all. A change saved in the
process is seen at once; one saved through another process, at most that late:

- ``ETag`` and ``Last-Modified`` come from them, and a browser that already holds the page
  gets ``304 Not Modified`` without the page being built (``decorators.reader_page``);
- anonymous readers are served from Django's cache; each entry holds the version it was built
  for: a change to what a page shows makes its entry stale, on every app server, on the very
  next request, and leaves every other page's entry alone. ``middleware`` answers those hits
  before sessions and authentication run, in one cache round trip, and answers a 304 from the
  page's headers alone; with Redis, each process keeps its own copy of the pages it served
  (``near``), so the round trip carries versions and headers, not the page. Signed-in users
  (editors) never read from or write to the page cache, so nobody is served a page built for
  someone else;
- the pages a change touches are built again after its commit (``warming``), so readers of a
  live meeting keep getting hits; the live pages' probe (``live``) asks the same versions.

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
