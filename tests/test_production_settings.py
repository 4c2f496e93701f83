"""Production settings: `check --deploy` is clean, cookies are secure, HSTS is configurable,
and the site refuses to start without a secret key. Each check runs manage.py in a subprocess
with DJANGO_DEBUG off and only the environment a deployment would set."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = pytest.mark.any_database

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
    "DJANGO_ALLOWED_HOSTS": "notes.example.org",
    "DATABASE_URL": "postgres://meetup@db.example.org:5432/meetup",
}
SHOWN_SETTINGS = [
    "DEBUG",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "X_FRAME_OPTIONS",
]


def manage(*args, **environment):
    """Run manage.py with the production environment (plus ``environment``)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_"))
    }
    env.update(PRODUCTION)
    env.update(environment)
    env = {key: value for key, value in env.items() if value is not None}
    return subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_settings(**environment):
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SHOWN_SETTINGS!r}}}))"
    )
    result = manage("shell", "-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_the_production_environment():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_uses_secure_cookies_https_and_hsts():
    settings = production_settings()
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SECURE_HSTS_SECONDS"] == 31_536_000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert settings["SECURE_HSTS_PRELOAD"] is True
    assert settings["X_FRAME_OPTIONS"] == "DENY"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"DJANGO_HSTS_SECONDS": "300"}, (300, True, True)),
        ({"DJANGO_HSTS_SECONDS": "0"}, (0, True, True)),
        (
            {"DJANGO_HSTS_INCLUDE_SUBDOMAINS": "false", "DJANGO_HSTS_PRELOAD": "false"},
            (31_536_000, False, False),
        ),
    ],
)
def test_hsts_is_configured_from_the_environment(environment, expected):
    settings = production_settings(**environment)
    assert (
        settings["SECURE_HSTS_SECONDS"],
        settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        settings["SECURE_HSTS_PRELOAD"],
    ) == expected


def test_a_tls_proxy_can_be_trusted_for_the_scheme():
    settings = production_settings(DJANGO_BEHIND_TLS_PROXY="true")
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None


def test_check_deploy_warns_when_hsts_is_switched_off():
    """The check is not clean by accident: switching HSTS off is reported."""
    result = manage("check", "--deploy", DJANGO_HSTS_SECONDS="0")
    assert "security.W004" in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_development_needs_no_secret_and_no_https():
    settings = production_settings(DJANGO_DEBUG="true", DJANGO_SECRET_KEY=None)
    assert settings["DEBUG"] is True
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.django_db
def test_https_responses_carry_hsts(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/")  # only ever sent over HTTPS
