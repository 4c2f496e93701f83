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
import time

from django.conf import settings


class RecentVersions:
    """scope -> ((version, changed_at), when it was read). Each operation is one dict
    operation, atomic under the GIL: the warming thread reads and forgets while the worker
    serves."""

    def __init__(self):
        self._read = {}
        self._forgettings = itertools.count()
        self.generation = next(self._forgettings)

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

    def remember(self, versions, read_at, generation):
        """Keep ``versions`` ({scope: (version, changed_at)}), whose read began at
        ``read_at`` (``time.monotonic()``) and ``generation``: nothing, if this process
        moved versions meanwhile (the read may predate that commit)."""
        if settings.PAGE_VERSION_TRUST_SECONDS > 0 and generation == self.generation:
            for scope, version in versions.items():
                self._read[scope] = (version, read_at)

    def forget(self, scopes, *, everything=False):
        self.generation = next(self._forgettings)
        if everything:
            self._read.clear()
            return
        for scope in scopes:
            self._read.pop(scope, None)


recent_versions = RecentVersions()
