"""Settings for Meetup Notes, read from the environment.

One file for every environment: development, tests and production differ only by
environment variables (``DJANGO_DEBUG``, ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``DATABASE_URL``), so nothing secret ever lives in the repository.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from meetup.mail_settings import admins, email_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production). "
            "For local development set DJANGO_DEBUG=true, as `make run` does."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "meetup.pagecache",
    "meetup.devtools",
    "priorities",
]

MIDDLEWARE = [
    # First: a hit is answered with the headers the rest of the stack gave the page it stored
    # (security, Content-Security-Policy...), and costs none of their work.
    "meetup.pagecache.middleware.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "meetup.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "meetup.pagecache.live.LiveVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "meetup.middleware.RejectNulInAdminQueriesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "meetup.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "meetup.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several editors at once on the embedded database: a write-ahead log lets readers go on
    # while one writer writes; every transaction that may write takes the write lock when it
    # begins (a read that later turned into a write could not wait and failed with "database is
    # locked"); a writer waits up to SQLITE_BUSY_SECONDS for another to finish. Writers still
    # take turns: PostgreSQL is the database for more than a handful of editors at a time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_SECONDS", "20")),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# The only sign-in is the admin's: a refused or missing ?next= lands on the admin's index, not
# on Django's default /accounts/profile/ (a 404 here).
LOGIN_REDIRECT_URL = "admin:index"

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Security. Production (DJANGO_DEBUG off) is served over HTTPS only: secure cookies, a redirect
# to HTTPS and HSTS, each of which the environment can tune. `manage.py check --deploy` is clean
# with these defaults (tests/test_production_settings.py runs it).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# HSTS: a year by default in production. Start a first deployment with a few minutes
# (DJANGO_HSTS_SECONDS=300) and raise it once HTTPS works everywhere; 0 turns it off.
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
# Behind a proxy or load balancer that terminates TLS and sets X-Forwarded-Proto.
if env_bool("DJANGO_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
#: The health check's address (meetup/health.py): it answers load balancers' plain-HTTP probes
#: as they come, never redirected, never from the page cache.
HEALTH_CHECK_PATH = "healthz"
SECURE_REDIRECT_EXEMPT = [rf"^{HEALTH_CHECK_PATH}$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
#: Browser features no page of the site uses (meetup.middleware sends it).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no
# inline script or style anywhere, the admin included (Django's admin passes its data to its
# scripts in data- attributes, and its widgets set styles through the DOM, which CSP allows).
# Images may come from any http(s) address because editors' Markdown may show them (the
# sanitiser allows only http(s) images); data: covers the icons Bootstrap's CSS inlines.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "https:", "http:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# History of days, sessions, updates and outcomes (django-simple-history). Seeing and restoring
# history needs the permissions of the historical models, which the Editors group is given
# (migration 0006).
SIMPLE_HISTORY_ENFORCE_HISTORY_MODEL_PERMISSIONS = True
SIMPLE_HISTORY_REVERT_DISABLED = False

# Mail (the day reports sent to mailing lists): EMAIL_URL, read by meetup.mail_settings;
# printed on the console while debugging, the machine's own mail server otherwise.
globals().update(email_settings(os.environ.get("EMAIL_URL"), debug=DEBUG))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Meetup Notes <notes@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
#: Who is mailed a report of each server error (DEBUG off), through the same mail settings.
ADMINS = admins(os.environ.get("DJANGO_ADMINS"))
#: The site's address as readers reach it, for links in what leaves the site (mail): the
#: scheme and host, no trailing slash.
SITE_URL = os.environ.get(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else f"https://{(ALLOWED_HOSTS or ['localhost'])[0]}",
).rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Errors go to the console; with DEBUG off, Django's errors (a 500's traceback, a refused
# host) are also mailed to ADMINS, as Django's default logging does, said here in full because
# this LOGGING replaces that default's handlers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "loggers": {"django": {"handlers": ["mail_admins"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Caching: local memory by default; Redis when REDIS_URL is set, so that several app servers
# share one cache (django-redis: one client per process, see requirements.txt). Cached pages
# hold the page versions they were built for (meetup/pagecache/), so the timeout only bounds
# memory, never staleness.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    # Each cached page takes three entries (its headers, its content, and the query parameters
    # its address reads), a page at most PAGE_CACHE_MAX_PAGE_BYTES: at most 200 pages and
    # 100 MB a process, 40 MB for the usual 200 KB day page.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 600},
        }
    }
#: Whether the content version is kept in the cache, so that a cache hit runs no SQL: only a
#: cache that every app server shares (Redis) can (meetup.pagecache.models.ContentVersion).
CONTENT_VERSION_IN_CACHE = bool(os.environ.get("REDIS_URL"))
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
#: How the pages a change touches are built again after its commit, before readers ask
#: (meetup.pagecache.warming): "thread" (in the background), "inline" or "off".
PAGE_CACHE_WARMING = os.environ.get("PAGE_CACHE_WARMING", "thread")
#: The nicks whose lines in a pasted IRC log are a bot's replies, not the meeting's
#: (comma-separated); empty: MeetBot's usual nicks (priorities.interchange.irc_logs).
IRC_BOT_NICKS = env_list("IRC_BOT_NICKS")
#: Paths the page cache never reads or writes: the health check must report a cache outage,
#: not fail on it; the live pages' probe (meetup/urls.py) is answered by its own middleware,
#: which the page cache, running first, would otherwise delay by a cache read.
PAGE_CACHE_EXEMPT_PATHS = [f"/{HEALTH_CHECK_PATH}", "/live/version"]
#: Whether /healthz checks the cache too: when it is shared (Redis), every page depends on it.
HEALTH_CHECK_CACHE = bool(os.environ.get("REDIS_URL"))
#: A larger page is served but not kept in the page cache.
PAGE_CACHE_MAX_PAGE_BYTES = int(os.environ.get("PAGE_CACHE_MAX_PAGE_BYTES", str(512 * 1024)))
#: How long a process trusts the page versions it has just read (meetup.pagecache.recent): a
#: change saved through another process reaches its readers at most this late. 0: every
#: request reads them (one query, or one Redis round trip).
PAGE_VERSION_TRUST_SECONDS = float(os.environ.get("PAGE_VERSION_TRUST_SECONDS", "0.25"))
#: With a shared cache (Redis), each process keeps the pages it served last in its own memory
#: too, at most this many bytes (meetup.pagecache.near): a hit then reads only the page's
#: headers and versions from Redis. 0: every hit reads the page from Redis.
PAGE_CACHE_NEAR_BYTES = int(os.environ.get("PAGE_CACHE_NEAR_BYTES", str(32 * 1024 * 1024)))
#: A request body Django reads into memory: the report import's confirmation sends the report
#: (at most 1 MB) back urlencoded, up to three times its size.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024
#: The fields a post may hold: the admin's session page with its 100 inline status updates (ten
#: fields a row) and its decisions, action items and risks, or a meetup with 500 attendees, is
#: several thousand. Django's 1,000 refused a 100-update session's save outright (a 400).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# The JSON API (priorities/api/): read by anyone, written by editors' tokens; JSON only (the
# page cache keys pages by address, not by Accept, so one address must always answer one
# format; the browsable docs are Swagger UI at /api/docs/).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "priorities.api.access.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["priorities.api.access.WritesNeedTheAdminsRights"],
    "DEFAULT_THROTTLE_CLASSES": [
        "priorities.api.access.AnonymousThrottle",
        "priorities.api.access.EditorThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
#: Requests a minute to the API (past the page cache): per address for anonymous readers, per
#: editor for tokens and sessions. Counted in the cache: per process unless REDIS_URL is set.
API_THROTTLE_RATES = {
    "anon": os.environ.get("API_THROTTLE_ANONYMOUS", "300/minute"),
    "user": os.environ.get("API_THROTTLE_EDITORS", "120/minute"),
}
# The OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/), whose files come from
# drf-spectacular-sidecar among our static files: no CDN, as the Content-Security-Policy wants.
SPECTACULAR_SETTINGS = {
    "TITLE": "Meetup Notes API",
    "DESCRIPTION": (
        "The meetup notes as JSON: teams, cycles and their priority lists, priority areas, "
        "meetups, days, sessions, status updates, decisions, action items and risks. Anyone "
        "reads; an editor's personal token (made in the admin) posts status updates, "
        "decisions and action items."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
