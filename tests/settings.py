"""Settings for the test suite: the project's settings with test-only conveniences."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-used-anywhere-else")

from meetup.settings import *  # noqa: F403

# Tests serve static files through the live server, which cannot serve the hashed names
# of the manifest storage.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests do not run collectstatic; whitenoise finds files through the finders instead.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The test client and the browser tests' live server speak plain HTTP: no redirect to HTTPS and
# no Secure cookies there. The production values are checked by tests/test_production_settings.py.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

# Each test process has a cache of its own: a shared Redis (REDIS_URL) would let one pytest-xdist
# worker's cache.clear() empty another's. Tests of the Redis cache set it up themselves.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}
# Each process's own cache cannot keep the content version for every app server; tests of the
# version kept in a shared cache switch it on themselves (tests/pagecache/test_caching.py).
CONTENT_VERSION_IN_CACHE = False
# Links in mail and reports point at the test client's host, whatever the environment says.
SITE_URL = "http://testserver"
# Pages are built again after a commit only where a test asks for it (tests/pagecache).
PAGE_CACHE_WARMING = "off"
# Every request reads its page's versions, so that a test's query counts do not depend on how
# long its requests took; tests of the trust window switch it on (tests/pagecache/test_recent.py).
PAGE_VERSION_TRUST_SECONDS = 0
