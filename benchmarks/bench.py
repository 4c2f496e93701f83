"""The benchmark behind `make bench`: gunicorn (2 workers) on 127.0.0.1 under wrk.

For each database (SQLite, and PostgreSQL when it answers on 127.0.0.1:5432) it builds a
fresh database with `seed_bench`, starts gunicorn twice (page cache off: "cold"; page cache
on), loads each target with wrk for a fixed number of seconds, and prints one table:
requests/s, p50/p99 latency, errors and the ratio to a static file of the same size served
by whitenoise through the same gunicorn. It also counts SQL queries per page on a 20-update
and a 2,000-update day, and compares the day page's latency on a database of 1,000 and of
100,000 status updates. When Redis answers on 127.0.0.1:6379, the cached
targets, the 304 and the probe are measured again with it as the cache. The tables are
written to docs/benchmarks.md.

Usage: .venv/bin/python benchmarks/bench.py [--seconds 10] [--databases sqlite postgresql]
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit

from load import BASE, ROUNDS, TABLE_HEADER, Gunicorn, compare, milliseconds

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
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

# The admin's session page with 100 inline updates: load it, then save it with one headline
# changed, five times, in-process (the test client), timing each and counting its queries.
ADMIN_SAVE = """
import json, statistics, time
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from priorities.models import Day, PriorityArea, Session, StatusUpdate
from tests.html import form_data
day = Day.objects.select_related("meetup").get(meetup__slug=SLUG, number=1)
session = Session.objects.create(day=day, title="Bench: 100 updates", order=99)
team = day.meetup.team
# One update an area in a session: the team needs 100 areas.
areas = [
    PriorityArea.objects.get_or_create(
        team=team, slug=f"bench-admin-{i}", defaults={"name": f"Admin bench area {i}"}
    )[0]
    for i in range(100)
]
StatusUpdate.objects.bulk_create(
    StatusUpdate(session=session, priority_area=areas[i], status="started",
                 headline=f"Update {i}", day_date=day.date, session_order=session.order)
    for i in range(100)
)
user = get_user_model().objects.create_superuser("bench-admin", "bench@example.org", "x")
client = Client()
client.force_login(user)
url = f"/admin/priorities/session/{session.pk}/change/"
loads, saves, queries = [], [], []
for attempt in range(5):
    start = time.perf_counter()
    page = client.get(url)
    loads.append(time.perf_counter() - start)
    data = form_data(page.content, "session_form")
    first = next(name for name in data if name.endswith("-headline"))
    data[first] = f"Changed {attempt}"
    data["_continue"] = "Save"
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.post(url, data)
        saves.append(time.perf_counter() - start)
    assert response.status_code == 302, response.content[:500]
    queries.append(len(captured))
print(json.dumps({"load": loads, "save": saves, "queries": queries}))
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


#: The Redis database each run's page cache uses (``redis-cli -n``).
REDIS_DATABASES = {"sqlite": 14, "postgresql": 15}


def redis_available():
    try:
        answer = subprocess.run(
            ["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return answer.stdout.strip() == "PONG"


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


def bench_database(name, seconds, connections):
    print(f"\n== {name}: building the database", flush=True)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        # Plain HTTP on 127.0.0.1: production settings would redirect it to HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        # wrk is one reader asking thousands of times a second: the API's throttle would answer
        # most of its requests 429 (the throttle has tests of its own).
        "API_THROTTLE_ANONYMOUS": "100000000/minute",
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
        write_static_copies({"day page": day_url})
    with Gunicorn(env, page_cache=False) as server:
        small_db = compare(server, day_url, day_static_url(), seconds, connections)
    print(f"day page with 1,000 updates in the database: {small_db.row('day page')}", flush=True)

    [day_2000] = seed(env, 1, 1, 2000)
    seed(env, 10, 10, 970)  # the database now holds 100,000 updates
    counts = json.loads(
        manage(
            {**env, "PAGE_CACHE_SECONDS": "0"},
            "shell", "-c", f"SLUGS = {[day_20, day_2000]!r}\n{COUNT_QUERIES}",
            capture=True,
        ).strip().splitlines()[-1]
    )  # fmt: skip
    # On the 20-update day, measured before this: its 100 new updates must not grow the day
    # the pages below are measured on.
    admin_save = json.loads(
        manage(
            {**env, "PAGE_CACHE_SECONDS": "0"},
            "shell", "-c", f"SLUG = {day_20!r}\n{ADMIN_SAVE}", capture=True,
        ).strip().splitlines()[-1]
    )  # fmt: skip

    targets = {
        "day page": day_url,
        "report.md": day_url + "report.md",
        "priority timeline": f"{BASE}/teams/bench-team/priorities/bench-area-1/",
        # The same day as JSON: every session with its updates and outcomes.
        "API day": f"{BASE}/api/days/{day_id}/",
    }
    # Each target's static copy (same bytes) must exist before gunicorn starts: whitenoise
    # serves the files it finds then.
    with Gunicorn(env, page_cache=False):
        page_bytes = write_static_copies(targets)
    write_probe_reference()
    results = {}
    with Gunicorn(env, page_cache=False) as server:
        for target, url in targets.items():
            results[f"{target}, cold"] = compare(
                server, url, static_copy_url(target), seconds, connections
            )
            print(f"{target}, cold: {results[f'{target}, cold'].row(target)}", flush=True)
        large_db = results["day page, cold"]
    caches = [("local-memory cache", env)]
    if redis_available():
        # A Redis database of each run's own, emptied first: the page cache's entries and the
        # content version's copy must not outlive the database they were built from.
        redis_url = f"redis://127.0.0.1:6379/{REDIS_DATABASES[name]}"
        run("redis-cli", "-n", str(REDIS_DATABASES[name]), "flushdb", env=env, capture=True)
        caches.append(("Redis", {**env, "REDIS_URL": redis_url}))
    for cache_name, cache_env in caches:
        suffix = "" if cache_name == "local-memory cache" else f", {cache_name}"
        with Gunicorn(cache_env, page_cache=True) as server:
            for target, url in targets.items():
                results[f"{target}, cached{suffix}"] = compare(
                    server, url, static_copy_url(target), seconds, connections
                )
            etag = urllib.request.urlopen(day_url, timeout=30).headers["ETag"]
            static_etag = urllib.request.urlopen(day_static_url(), timeout=30).headers["ETag"]
            results[f"day page, 304{suffix}"] = compare(
                server, day_url, day_static_url(), seconds, connections,
                headers=[("If-None-Match", etag)], static_headers=[("If-None-Match", static_etag)],
            )  # fmt: skip
            # As live.js asks: for the day page's own version.
            probe_url = f"{BASE}/live/version?page={quote(urlsplit(day_url).path, safe='')}"
            version = json.loads(urllib.request.urlopen(probe_url, timeout=30).read())["version"]
            results[f"live version probe (204){suffix}"] = compare(
                server, f"{probe_url}&since={version}",
                f"{BASE}/static/bench/probe.json", seconds, connections,
            )  # fmt: skip
            for label in ("day page, cached", "day page, 304", "live version probe (204)"):
                label += suffix
                print(f"{label}: {results[label].row(label)}", flush=True)
    return {
        "results": results,
        "counts": counts,
        "admin_save": admin_save,
        "size": {"1,000": small_db, "100,000": large_db},
        "page_bytes": page_bytes["day page"],
        "slugs": (day_20, day_2000),
    }


STATIC_COPIES = ROOT / "staticfiles" / "bench"


def static_copy_url(target):
    return f"{BASE}/static/bench/{target.replace(' ', '-').replace('.', '-')}.html"


def day_static_url():
    return static_copy_url("day page")


def write_static_copies(targets):
    """Save each target's page, as served now, as a static file of the same bytes."""
    STATIC_COPIES.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for target, url in targets.items():
        body = urllib.request.urlopen(url, timeout=30).read()
        name = static_copy_url(target).rsplit("/", 1)[1]
        (STATIC_COPIES / name).write_bytes(body)
        sizes[target] = len(body)
    return sizes


def write_probe_reference():
    """The probe's static copy: the size of its JSON answer."""
    STATIC_COPIES.mkdir(parents=True, exist_ok=True)
    (STATIC_COPIES / "probe.json").write_bytes(json.dumps({"version": 1000}).encode())


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
    lines = [
        f"### {database_version(name)}",
        "",
        f"wrk, 2 threads, {connections} connections, {seconds} s a run; each target alternates "
        f"with a static file of the same bytes served by whitenoise through the same gunicorn, "
        f"{ROUNDS} rounds (median, and the spread from the slowest round to the fastest); the "
        f"day is 200 status updates ({data['page_bytes']:,} bytes of HTML); the database holds "
        "100,000 updates. Worker CPU is the gunicorn workers' user and system time per request.",
        "",
        *TABLE_HEADER,
    ]
    for target, comparison in data["results"].items():
        lines.append(comparison.row(target))
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
    ratio = statistics.median(milliseconds(r["p50"]) for r in hundred_k.target) / (
        statistics.median(milliseconds(r["p50"]) for r in one_k.target)
    )
    save = data["admin_save"]
    lines += [
        "",
        "Day page (200 updates, page cache off) as the database grows:",
        "",
        *TABLE_HEADER,
        one_k.row("1,000 updates"),
        hundred_k.row("100,000 updates"),
        "",
        f"p50 at 100,000 updates / p50 at 1,000: {ratio:.2f}x",
        "",
        "The admin's page of a session with 100 inline updates, in-process, 5 runs: load "
        f"{_median_ms(save['load'])}; save with one headline changed {_median_ms(save['save'])}, "
        f"{statistics.median(save['queries']):.0f} queries "
        f"({min(save['queries'])}-{max(save['queries'])}).",
        "",
        "Readers polling a live page every 10 s that one app server (2 workers) carries: about "
        f"{_probe_rps(data) * 10:,.0f}.",
    ]
    return "\n".join(lines)


def _probe_rps(data):
    return statistics.median(r["rps"] for r in data["results"]["live version probe (204)"].target)


def _median_ms(seconds):
    ordered = sorted(seconds)
    return (
        f"{statistics.median(ordered) * 1000:.0f} ms "
        f"({ordered[0] * 1000:.0f}-{ordered[-1] * 1000:.0f} ms)"
    )


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
        "gunicorn with 2 sync workers on 127.0.0.1, DJANGO_DEBUG=false; the cached rows use the "
        "local-memory cache, and Redis (127.0.0.1:6379) where the row says so.",
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
