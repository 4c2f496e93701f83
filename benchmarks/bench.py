"""The benchmark behind `make bench`: gunicorn (2 workers) on 127.0.0.1 under wrk.

For each database (SQLite, and PostgreSQL when it answers on 127.0.0.1:5432) it builds a
fresh database with `seed_bench`, starts gunicorn twice (page cache off: "cold"; page cache
on), loads each target with wrk for a fixed number of seconds, and prints one table:
requests/s, p50/p99 latency, errors and the ratio to a static file of the same size served
by whitenoise through the same gunicorn. It also counts SQL queries per page on a 20-update
and a 2,000-update day, and compares the day page's latency on a database of 1,000 and of
100,000 status updates. The tables are written to docs/benchmarks.md.

Usage: .venv/bin/python benchmarks/bench.py [--seconds 10] [--databases sqlite postgresql]
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/meetup_bench"

COUNT_QUERIES = """
import json
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from priorities.models import Day
result = {}
client = Client()
for slug in SLUGS:
    day = Day.objects.select_related("meetup").get(meetup__slug=slug, number=1)
    area = day.sessions.first().updates.first().priority_area
    pages = {
        "day page": day.get_absolute_url(),
        "report.md": day.get_absolute_url() + "report.md",
        "meetup page": day.meetup.get_absolute_url(),
        "priority timeline": area.get_absolute_url(),
        "home": "/",
        "API day": f"/api/days/{day.pk}/",
    }
    for name, url in pages.items():
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        assert status == 200, (url, status)
        result.setdefault(name, {})[slug] = len(queries)
print(json.dumps(result))
"""

DAY_ID = """
from priorities.models import Day
print(Day.objects.get(meetup__slug=SLUG, number=1).pk)
"""


def run(*args, env, capture=False):
    completed = subprocess.run(
        args, cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return completed.stdout


def manage(env, *args, capture=False):
    return run(PYTHON, "manage.py", *args, env=env, capture=capture)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk from Debian's packages...", flush=True)
        apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, env=apt_env)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-q"], check=True, env=apt_env)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, env=apt_env)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: install it (Debian: apt-get install wrk) and run again.")


def postgres_available():
    try:
        subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def fresh_database(name):
    if name == "sqlite":
        path = Path(tempfile.gettempdir()) / "meetup-bench.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for statement in ("DROP DATABASE IF EXISTS meetup_bench", "CREATE DATABASE meetup_bench"):
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", statement], check=True
        )
    return POSTGRES_URL


def seed(env, meetups, days, updates):
    output = manage(
        env, "seed_bench", f"--meetups={meetups}", f"--days={days}", f"--updates={updates}",
        capture=True,
    )  # fmt: skip
    return re.findall(r"^(bench-\d+):", output, re.MULTILINE)


class Gunicorn:
    def __init__(self, env, page_cache):
        self.env = {**env, "PAGE_CACHE_SECONDS": "600" if page_cache else "0"}

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"), "meetup.wsgi", "--workers", "2",
                "--bind", f"127.0.0.1:{PORT}", "--log-level", "warning",
            ],
            cwd=ROOT, env=self.env, start_new_session=True,
        )  # fmt: skip
        for _ in range(100):
            try:
                urllib.request.urlopen(BASE + "/", timeout=2).read()
                return self
            except urllib.error.HTTPError as error:
                self.__exit__()
                raise RuntimeError(f"the home page answered {error.code}") from error
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def wrk(url, seconds, connections):
    for _ in range(3):  # warm up both workers (Markdown memo, template cache, page cache)
        urllib.request.urlopen(url, timeout=30).read()
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in socket.groups()) if socket else 0
    )
    return {"rps": rate, "p50": latency["50"], "p99": latency["99"], "errors": errors}


def milliseconds(value):
    number, unit = re.match(r"([\d.]+)(us|ms|s)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def bench_database(name, seconds, connections):
    print(f"\n== {name}: building the database", flush=True)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP on 127.0.0.1: production settings would redirect it to HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": fresh_database(name),
    }
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--verbosity=0")
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    [day_200] = seed(env, 1, 1, 200)
    [day_20] = seed(env, 1, 1, 20)
    seed(env, 1, 3, 260)  # filler: the database now holds 1,000 updates
    day_url = f"{BASE}/meetups/{day_200}/days/1/"
    day_id = (
        manage(env, "shell", "-v", "0", "-c", f"SLUG = {day_200!r}\n{DAY_ID}", capture=True)
        .strip()
        .splitlines()[-1]
    )

    with Gunicorn(env, page_cache=False):
        small_db = wrk(day_url, seconds, connections)
    print(f"day page with 1,000 updates in the database: {small_db}", flush=True)

    [day_2000] = seed(env, 1, 1, 2000)
    seed(env, 10, 10, 970)  # the database now holds 100,000 updates
    counts = json.loads(
        manage(
            {**env, "PAGE_CACHE_SECONDS": "0"},
            "shell", "-c", f"SLUGS = {[day_20, day_2000]!r}\n{COUNT_QUERIES}",
            capture=True,
        ).strip().splitlines()[-1]
    )  # fmt: skip

    with Gunicorn(env, page_cache=False):
        body = urllib.request.urlopen(day_url, timeout=30).read()
    static_dir = ROOT / "staticfiles" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "day-page.html").write_bytes(body)
    targets = {
        "static file (whitenoise)": f"{BASE}/static/bench/day-page.html",
        "day page": day_url,
        "report.md": day_url + "report.md",
        "priority timeline": f"{BASE}/priorities/bench-area-1/",
        # The same day as JSON: every session with its updates and outcomes.
        "API day": f"{BASE}/api/days/{day_id}/",
    }
    results = {}
    for cached in (False, True):
        with Gunicorn(env, page_cache=cached):
            for target, url in targets.items():
                if target.startswith("static") and cached:
                    continue
                label = (
                    target
                    if target.startswith("static")
                    else (f"{target}, {'cached' if cached else 'cold'}")
                )
                results[label] = wrk(url, seconds, connections)
                print(f"{label}: {results[label]}", flush=True)
        if not cached:
            large_db = results["day page, cold"]
    return {
        "results": results,
        "counts": counts,
        "size": {"1,000": small_db, "100,000": large_db},
        "page_bytes": len(body),
        "slugs": (day_20, day_2000),
    }


def database_version(name):
    if name == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    output = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return f"PostgreSQL {output.strip()}"


def table(name, data, seconds, connections):
    static = data["results"]["static file (whitenoise)"]["rps"]
    lines = [
        f"### {database_version(name)}",
        "",
        f"wrk, 2 threads, {connections} connections, {seconds} s per target; the day is "
        f"200 status updates ({data['page_bytes']:,} bytes of HTML); the database holds "
        "100,000 updates.",
        "",
        "| target | requests/s | p50 | p99 | errors | ratio to static |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target, r in data["results"].items():
        lines.append(
            f"| {target} | {r['rps']:,.0f} | {r['p50']} | {r['p99']} | {r['errors']} "
            f"| {r['rps'] / static:.2f}x |"
        )
    small, large = data["counts"], data["slugs"]
    lines += [
        "",
        "SQL queries per request (page cache off):",
        "",
        "| page | 20-update day | 2,000-update day |",
        "| --- | ---: | ---: |",
    ]
    for page, by_slug in small.items():
        lines.append(f"| {page} | {by_slug[large[0]]} | {by_slug[large[1]]} |")
    one_k, hundred_k = data["size"]["1,000"], data["size"]["100,000"]
    ratio = milliseconds(hundred_k["p50"]) / milliseconds(one_k["p50"])
    lines += [
        "",
        "Day page (200 updates, page cache off) as the database grows:",
        "",
        "| updates in the database | requests/s | p50 | p99 |",
        "| --- | ---: | ---: | ---: |",
        f"| 1,000 | {one_k['rps']:,.0f} | {one_k['p50']} | {one_k['p99']} |",
        f"| 100,000 | {hundred_k['rps']:,.0f} | {hundred_k['p50']} | {hundred_k['p99']} |",
        "",
        f"p50 at 100,000 updates / p50 at 1,000: {ratio:.2f}x",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmarks.md"))
    options = parser.parse_args()
    ensure_wrk()
    sections = []
    for name in options.databases:
        if name == "postgresql" and not postgres_available():
            print("PostgreSQL is not answering on 127.0.0.1:5432: skipped.")
            continue
        data = bench_database(name, options.seconds, options.connections)
        sections.append(table(name, data, options.seconds, options.connections))
    header = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {datetime.date.today().isoformat()}: "
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        "gunicorn with 2 sync workers on 127.0.0.1, DJANGO_DEBUG=false, local-memory cache.",
        "Timings on this machine are noisy; compare the ratios within one run.",
        "",
    ]
    report = "\n".join([*header, "\n\n".join(sections), ""])
    print("\n" + report)
    Path(options.output).parent.mkdir(parents=True, exist_ok=True)
    Path(options.output).write_text(report)
    print(f"Written to {options.output}")


if __name__ == "__main__":
    main()
