"""``/healthz``: what a load balancer asks of each app server."""

import json

import pytest
from django.test import override_settings

from tests.factories import UserFactory
from tests.test_production_settings import manage

pytestmark = pytest.mark.django_db

#: A Redis cache nobody listens on: port 1 on the loopback refuses every connection.
UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_a_healthy_server_answers_200_with_its_checks(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "not configured"},
    }
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_it_needs_no_account_and_answers_a_signed_in_user_the_same(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/healthz").json()["status"] == "ok"


@override_settings(HEALTH_CHECK_CACHE=True)
def test_with_a_shared_cache_it_checks_the_cache_too(client):
    assert client.get("/healthz").json()["checks"] == {"database": "ok", "cache": "ok"}


@override_settings(HEALTH_CHECK_CACHE=True, CACHES=UNREACHABLE_REDIS)
def test_an_unreachable_cache_answers_503_naming_it(client):
    """Also shows the page cache leaves /healthz alone: its read would raise here."""
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failed", "checks": {"database": "ok", "cache": "failed"}}


def test_it_only_answers_reads(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def _probe(**environment):
    """GET /healthz over plain HTTP in a manage.py process with ``environment``."""
    code = (
        "import json; from django.test import Client; "
        "r = Client(HTTP_HOST='notes.example.org').get('/healthz'); "
        "print(json.dumps([r.status_code, r.content.decode(), r.get('Location')]))"
    )
    result = manage("shell", "-v", "0", "-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.any_database
def test_an_unreachable_database_answers_503(tmp_path):
    status, body, _location = _probe(
        DATABASE_URL=f"sqlite:///{tmp_path}/no-such-directory/db.sqlite3"
    )
    assert status == 503
    assert json.loads(body) == {
        "status": "failed",
        "checks": {"database": "failed", "cache": "not configured"},
    }


@pytest.mark.any_database
def test_production_answers_plain_http_probes_without_redirecting(tmp_path):
    status, body, location = _probe(DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    assert (status, location) == (200, None)
    assert json.loads(body)["status"] == "ok"
