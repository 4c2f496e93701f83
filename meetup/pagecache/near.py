"""Each process's own copy of the pages it served last, in front of a shared cache (Redis).

With Redis, a hit on a 220 KB day page spent most of its time carrying those bytes across the
socket (Redis writes them, the client reads and unpickles them) for a page this process had
served a moment before. The shared cache now answers only the page's headers and its scopes'
versions, small values; the content comes from here when this process holds the page at the
very version the shared cache says is current, and from the shared cache (once per version
and process) when it does not. Within the trust window of the versions it has just read
(``recent``), the process answers from its copy without asking the shared cache at all.

A copy is keyed by the page's key and the version it was built for, ``(version, changed_at)``:
it is served only while that is the page's current version, read from the shared cache (or
trusted for ``PAGE_VERSION_TRUST_SECONDS`` after that), so it is no staler than the versions.

Bounded in bytes (``PAGE_CACHE_NEAR_BYTES`` a process, least recently used first out), and
locked: the warming thread stores pages while the worker serves them.
"""

import threading

from cachetools import LRUCache
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver


class NearPages:
    """A bounded map of a page's key to (version, headers' entry, content)."""

    #: What a page's headers' entry is counted as, in bytes.
    HEAD_BYTES = 1024

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._pages = LRUCache(maxsize=max_bytes, getsizeof=self._size)
        self._lock = threading.Lock()

    @classmethod
    def _size(cls, entry):
        return cls.HEAD_BYTES + len(entry[2])

    def get(self, key, version):
        """(headers' entry, content) stored for ``key`` at ``version``, or None."""
        with self._lock:
            entry = self._pages.get(key)
        if entry is None or entry[0] != version:
            return None
        return entry[1], entry[2]

    def put(self, key, version, head, content):
        entry = (version, head, content)
        if self._size(entry) > self.max_bytes:
            return
        with self._lock:
            self._pages[key] = entry

    def clear(self):
        with self._lock:
            self._pages.clear()

    def __len__(self):
        return len(self._pages)


_near = None


def near_pages():
    """This process's copies, or None when the cache is not shared (the local-memory cache is
    this process's memory already) or ``PAGE_CACHE_NEAR_BYTES`` is 0."""
    global _near
    if not settings.CONTENT_VERSION_IN_CACHE or settings.PAGE_CACHE_NEAR_BYTES <= 0:
        return None
    if _near is None:
        _near = NearPages(settings.PAGE_CACHE_NEAR_BYTES)
    return _near


@receiver(setting_changed)
def _forget_on_new_cache(*, setting, **kwargs):
    """Another cache (a test's own Redis keys) holds other pages under the same keys."""
    global _near
    if setting in ("CACHES", "CONTENT_VERSION_IN_CACHE", "PAGE_CACHE_NEAR_BYTES"):
        _near = None
