"""Pages built when their content changes, not when the next reader asks.

Each page stored in the cache is remembered under each of its scopes (its full address, as
readers asked for it, without a query string; the most recent ``ADDRESSES_PER_SCOPE`` a scope,
and ``ADDRESSES_OF_ALL_PAGES`` under ``ALL_PAGES``). Once a commit has moved the versions of
some scopes, the pages remembered under them are requested again, in this process, as an
anonymous reader would (``BaseHandler.get_response``: the whole middleware stack, so the page
cache stores them as it stores any page): during a live meeting readers keep getting hits, and
the editor's save does not wait (``PAGE_CACHE_WARMING = "thread"``, one thread a process that
takes what changed meanwhile when it is done; a process that exits, such as ``import_notes``,
waits for it first). ``"inline"`` builds them before the commit's
callback returns (tests), ``"off"`` not at all.

With each app server's own memory as the cache, only the process that saved has them ready;
with a shared cache (Redis), every app server has.
"""

import atexit
import io
import logging
import sys
import threading
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.db import close_old_connections, connections

from .models import PageVersion

logger = logging.getLogger(__name__)

ADDRESSES_PER_SCOPE = 8
ADDRESSES_OF_ALL_PAGES = 32
#: How long a process that is exiting (a management command, a server worker shut down)
#: waits for the pages it is building: a daemon thread would otherwise die with it.
EXIT_WAIT_SECONDS = 20


def _readers_key(scope):
    return f"page-readers:{scope}"


def remember_address(scopes, address):
    """A page of ``scopes`` at ``address`` was stored: build it again when they change."""
    keys = [_readers_key(scope) for scope in scopes]
    known = cache.get_many(keys)
    updates = {}
    for scope, key in zip(scopes, keys, strict=True):
        addresses = known.get(key, ())
        if addresses[:1] == (address,):
            continue
        limit = ADDRESSES_OF_ALL_PAGES if scope == PageVersion.ALL_PAGES else ADDRESSES_PER_SCOPE
        others = tuple(other for other in addresses if other != address)
        updates[key] = (address, *others)[:limit]
    if updates:
        cache.set_many(updates, settings.PAGE_CACHE_SECONDS)


def addresses_of(scopes):
    """The addresses remembered under ``scopes``, each once, most recent first per scope."""
    found = cache.get_many([_readers_key(scope) for scope in sorted(scopes)])
    return list(dict.fromkeys(address for addresses in found.values() for address in addresses))


def warm_after_bump(scopes):
    """Build the remembered pages of ``scopes`` again (see the module)."""
    mode = settings.PAGE_CACHE_WARMING
    if mode == "off" or settings.PAGE_CACHE_SECONDS <= 0:
        return
    addresses = addresses_of(scopes)
    if not addresses:
        return
    if mode == "inline":
        build_pages(addresses)
    else:
        _worker.add(addresses)


def build_pages(addresses):
    """Request each address as an anonymous reader; the page cache stores what it builds."""
    handler = _handler()
    for address in addresses:
        try:
            handler.get_response(_anonymous_request(address))
        except Exception:
            logger.exception("Building %s for the page cache failed", address)


_handlers = threading.local()


def _handler():
    if not hasattr(_handlers, "handler"):
        handler = BaseHandler()
        handler.load_middleware()
        _handlers.handler = handler
    return _handlers.handler


def _anonymous_request(address):
    parts = urlsplit(address)
    default_port = "443" if parts.scheme == "https" else "80"
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": parts.path,
        "QUERY_STRING": "",
        "HTTP_HOST": parts.netloc,
        "SERVER_NAME": parts.hostname or "localhost",
        "SERVER_PORT": str(parts.port or default_port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_ACCEPT": "text/html",
        "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        header, secure_value = proxy_header
        environ[header] = secure_value if parts.scheme == "https" else "http"
    return WSGIRequest(environ)


class _Worker:
    """One thread a process building pages; what changes while it works waits its turn."""

    def __init__(self):
        self.lock = threading.Lock()
        self.waiting = {}  # address -> None: ordered, each once
        self.running = False
        self.idle = threading.Event()
        self.idle.set()
        self.waits_at_exit = False

    def add(self, addresses):
        with self.lock:
            self.waiting.update(dict.fromkeys(addresses))
            if self.running:
                return
            self.running = True
            self.idle.clear()
            if not self.waits_at_exit:
                atexit.register(wait_until_idle, EXIT_WAIT_SECONDS)
                self.waits_at_exit = True
        threading.Thread(target=self.run, name="page-cache-warming", daemon=True).start()

    def run(self):
        try:
            while True:
                with self.lock:
                    addresses, self.waiting = list(self.waiting), {}
                    if not addresses:
                        self.running = False
                        self.idle.set()
                        return
                # As a request does: a connection broken or too old is not reused.
                close_old_connections()
                build_pages(addresses)
        except BaseException:
            with self.lock:
                self.running = False
                self.idle.set()
            raise
        finally:
            connections.close_all()


_worker = _Worker()


def wait_until_idle(timeout=None):
    """Whether this process's pages were all built within ``timeout`` seconds (a server shut
    down gracefully, or a test, can wait for them)."""
    return _worker.idle.wait(timeout)
