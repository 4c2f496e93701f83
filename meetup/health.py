"""``/healthz``: whether this app server can serve pages, for a load balancer or a monitor.

It checks what every page needs: the database (one ``SELECT 1``), and the shared cache when
there is one (``REDIS_URL``: a write and a read of a key of its own). The answer is JSON,
``200`` when every check passed and ``503`` when one failed, naming which; the reason is
logged, never sent (a database error may name its host). It needs no account, is exempt from
the redirect to HTTPS (a load balancer probes over plain HTTP) and never goes through the page
cache (``PAGE_CACHE_EXEMPT_PATHS``), so that a cache outage is reported, not raised.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    """A round trip through the shared cache: what is written is read back."""
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not give back what was written")
    cache.delete(key)


def run_checks(checks):
    """{name: "ok" or "failed"} for each (name, function) of ``checks``; a failure is logged."""
    results = {}
    for name, check in checks:
        try:
            check()
        except Exception:  # any failure is what the probe is there to report
            logger.exception("Health check %r failed", name)
            results[name] = FAILED
        else:
            results[name] = OK
    return results


@never_cache
@require_safe
def healthz(request):
    checks = [("database", check_database)]
    if settings.HEALTH_CHECK_CACHE:
        checks.append(("cache", check_cache))
    results = run_checks(checks)
    results.setdefault("cache", NOT_CONFIGURED)
    healthy = FAILED not in results.values()
    return JsonResponse(
        {"status": OK if healthy else FAILED, "checks": results},
        status=200 if healthy else 503,
    )
