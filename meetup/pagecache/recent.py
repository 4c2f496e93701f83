"""The page versions a process has just read, trusted for ``PAGE_VERSION_TRUST_SECONDS``.

Every reader request needs its page's version. Read each time, it was the whole difference
between a cache hit and a static file under load: with the local-memory cache, one query
(under gunicorn, a day page's 304 went from 4,200 to 3,300 requests/s for it), and with Redis
one round trip (0.11 ms here, as long as the rest of a 304). A process now keeps what it read
for a quarter of a second, so at most one read a quarter of a second per scope and process.

What that costs, stated: a change saved through another process (another worker, another app
server, a command) reaches a reader here at most ``PAGE_VERSION_TRUST_SECONDS`` late. A change
saved in this process is seen at once: ``PageVersion.bump`` forgets the versions it moved.
Signed-in editors never read from here (``keys.content_version``). 0 turns it off: every
request reads its versions, as before.
"""

import itertools
import threading
import time

from django.conf import settings


class RecentVersions:
    """scope -> ((version, changed_at), when its read began). Reading is one dict lookup a
    scope (atomic under the GIL); remembering and forgetting share a lock, so that a forget
    (the warming thread, another request's commit) never lands between a remember's check of
    the generation and its writes."""

    #: At most this many scopes are kept: scopes come from addresses, which anyone can make up.
    MAX_SCOPES = 4096

    def __init__(self):
        self._read = {}
        self._lock = threading.Lock()
        self._forgettings = itertools.count()
        self.generation = next(self._forgettings)

    def began(self):
        """(when, generation): taken before reading versions, and given to ``remember``."""
        return time.monotonic(), self.generation

    def get(self, scopes):
        """The versions of ``scopes`` read within the trust window, or None if one is not."""
        window = settings.PAGE_VERSION_TRUST_SECONDS
        if window <= 0:
            return None
        now = time.monotonic()
        versions = []
        for scope in scopes:
            entry = self._read.get(scope)
            if entry is None or now - entry[1] >= window:
                return None
            versions.append(entry[0])
        return versions

    def remember(self, versions, began):
        """Keep ``versions`` ({scope: (version, changed_at)}), whose read began at ``began``
        (``began()``): nothing, if this process moved versions since (the read may predate
        that commit)."""
        if settings.PAGE_VERSION_TRUST_SECONDS <= 0:
            return
        read_at, generation = began
        with self._lock:
            if generation != self.generation:
                return
            if len(self._read) + len(versions) > self.MAX_SCOPES:
                self._read.clear()
            for scope, version in versions.items():
                self._read[scope] = (version, read_at)

    def forget(self, scopes, *, everything=False):
        with self._lock:
            self.generation = next(self._forgettings)
            if everything:
                self._read.clear()
                return
            for scope in scopes:
                self._read.pop(scope, None)

    def __len__(self):
        return len(self._read)


recent_versions = RecentVersions()
