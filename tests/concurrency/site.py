"""A real site for the concurrency tests: its own database, gunicorn on 127.0.0.1, seeded.

The site runs in other processes (gunicorn's workers) against a database of its own, made for
the run and dropped after it: a file for SQLite, a new database on the PostgreSQL server the
suite uses. ``manage`` runs a management command against the same database, which is how the
test seeds the site and reads back what it holds.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    def __init__(self, database_url, workdir):
        self.database_url = database_url
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "PAGE_CACHE_SECONDS": "0",
            "DATABASE_CONN_MAX_AGE": "60",
        }
        self.env.pop("REDIS_URL", None)
        self.log = Path(workdir) / "gunicorn.log"
        self.process = None

    def manage(self, *args, stdin=None):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
        return result.stdout

    def python(self, code):
        """Run ``code`` in the site's Django (through ``manage.py shell``); return what it
        printed, parsed as JSON."""
        return json.loads(self.manage("shell", "-v", "0", "-c", code))

    def start(self, workers):
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "meetup.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
            ],
            cwd=REPO,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{self.url}/admin/login/", timeout=2)
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start: {self.log.read_text()}")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=30)


@contextlib.contextmanager
def site_database():
    """A new, empty database of the kind the suite runs on; yields its URL."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{Path(directory) / 'site.sqlite3'}"
        return
    import psycopg2

    name = f"meetup_load_{uuid.uuid4().hex[:12]}"
    params = {
        "host": default["HOST"] or "127.0.0.1",
        "port": default["PORT"] or 5432,
        "user": default["USER"],
        "password": default["PASSWORD"],
        "dbname": "postgres",
    }
    admin = psycopg2.connect(**params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        password = f":{params['password']}" if params["password"] else ""
        yield f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
