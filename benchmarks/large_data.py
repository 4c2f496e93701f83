"""`make bench-search`: search over 100,000 status updates, and the day page as data grows.

Not a test, and not in CI: it builds four databases and takes a few minutes. For each database
(SQLite, and PostgreSQL when it answers on 127.0.0.1:5432) it builds a small one (1,000
status updates) and a large one (100,000) with `seed_bench`. In both, the day measured has
200 updates and comes last, after every filler day, so that its "what changed" lines have a
history to read (the earlier meetups and days), as a real team's latest day does; the day
itself is the same text in both.

Then, in-process (Django's test client, page cache off, DJANGO_DEBUG=false), in rounds that
alternate the small and the large database so that whatever else runs on the machine moves
both: the day page's time on each, and their ratio. On the large database only: search for
a common word, two words and a phrase, through the search view and through ``search()``
(the count and the first page of 20 hits, what the page asks of the database; on SQLite
that is the fallback, which has no target). Each figure
is the median of the rounds' medians, with the spread from the fastest round to the slowest.

The tables are written to docs/large-data.md.

Usage: .venv/bin/python benchmarks/large_data.py [--databases sqlite postgresql]
       [--rounds 3] [--runs 15] [--prefix meetup_large] [--output FILE]
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES = "postgres://postgres@127.0.0.1:5432"
DAY_UPDATES = 200
#: (meetups, days, updates per day) of the filler seeded before the day measured.
FILLER = {"1,000": (1, 4, 200), "100,000": (10, 10, 998)}
SEARCHES = ["scheduler", "live migration", '"resource tracker"']
TARGETS = (
    "day page at 100,000 updates within 1.2x of at 1,000, on both databases; search on "
    "PostgreSQL: a common word <= 60 ms, a phrase <= 100 ms (medians)"
)

# Runs in `manage.py shell`: times what MEASURE names, RUNS times after one warm-up each.
TIMING = """
import json, time
from django.test import Client
from priorities.models import Day
from priorities.search import search

def timed(work):
    work()
    seconds = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    return seconds

def get(url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)

def first_page(text):
    results = search(text)
    results.count()
    list(results[:20])

client = Client()
day = Day.objects.select_related("meetup").get(meetup__slug=SLUG, number=1)
result = {"day page": timed(lambda: get(day.get_absolute_url()))}
if SEARCH:
    for text in SEARCHES:
        result[f"{text} (view)"] = timed(lambda: get("/search/?" + urlencode({"q": text})))
        result[f"{text} (search())"] = timed(lambda: first_page(text))
print(json.dumps(result))
"""


def run(args, env, capture=False):
    completed = subprocess.run(
        args, cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )
    return completed.stdout


def manage(env, *args, capture=False):
    return run([PYTHON, "manage.py", *args], env, capture=capture)


def postgres_available():
    try:
        run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], os.environ)
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def fresh_database(vendor, name):
    if vendor == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{name.replace('_', '-')}.sqlite3"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    for statement in (f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"'):
        run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", statement], os.environ)
    return f"{POSTGRES}/{name}"


def environment(database_url):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "PAGE_CACHE_SECONDS": "0",
        "DATABASE_URL": database_url,
    }
    env.pop("REDIS_URL", None)
    return env


def build(vendor, size, prefix):
    """A migrated database holding ``size`` updates, the measured day last; its env and slug."""
    name = f"{prefix}_{vendor}_{size.replace(',', '')}"
    env = environment(fresh_database(vendor, name))
    manage(env, "migrate", "--verbosity=0")
    # DJANGO_DEBUG=false serves static files by their hashed names, from collectstatic's manifest.
    manage(env, "collectstatic", "--noinput", "--verbosity=0")
    seed(env, *FILLER[size])
    output = seed(env, 1, 1, DAY_UPDATES)
    print(f"{name}: {output.strip().splitlines()[-1]}", flush=True)
    return env, output.split(":", 1)[0].strip()


def seed(env, meetups, days, updates):
    arguments = (f"--meetups={meetups}", f"--days={days}", f"--updates={updates}")
    return manage(env, "seed_bench", *arguments, capture=True)


def measure(env, slug, runs, with_search):
    code = "\n".join(
        [
            "from urllib.parse import urlencode",
            f"SLUG, RUNS, SEARCH, SEARCHES = {slug!r}, {runs}, {with_search}, {SEARCHES!r}",
            TIMING,
        ]
    )
    output = manage(env, "shell", "-v", "0", "-c", code, capture=True)
    return json.loads(output.strip().splitlines()[-1])


def database_version(vendor):
    if vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    psql = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"]
    version = run(psql, os.environ, capture=True)
    return f"PostgreSQL {version.strip()}"


def spread(values, unit=1000, suffix=" ms", digits=1):
    """The median of ``values`` with the lowest and highest beside it."""
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{mid * unit:.{digits}f}{suffix} ({low * unit:.{digits}f}-{high * unit:.{digits}f})"


def bench_vendor(vendor, rounds, runs, prefix):
    print(f"\n== {vendor}: building the databases", flush=True)
    databases = {size: build(vendor, size, prefix) for size in FILLER}
    medians = {}  # (size, what) -> one median per round
    for round_number in range(1, rounds + 1):
        for size, (env, slug) in databases.items():
            timings = measure(env, slug, runs, with_search=size == "100,000")
            for what, seconds in timings.items():
                medians.setdefault((size, what), []).append(statistics.median(seconds))
        print(f"round {round_number} of {rounds} done", flush=True)
    small, large = medians[("1,000", "day page")], medians[("100,000", "day page")]
    ratios = [big / little for big, little in zip(large, small, strict=True)]
    lines = [
        f"## {database_version(vendor)}",
        "",
        f"In-process, page cache off; {rounds} rounds alternating the databases, {runs} runs "
        "a round; median of the rounds' medians (fastest round-slowest round).",
        "",
        "| what | 1,000 updates | 100,000 updates | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| day page, {DAY_UPDATES} updates | {spread(small)} | {spread(large)} | "
        f"{spread(ratios, unit=1, suffix='x', digits=2)} |",
    ]
    for text in SEARCHES:
        for way in ("view", "search()"):
            key = ("100,000", f"{text} ({way})")
            if key in medians:
                lines.append(f"| search {text} ({way}) | | {spread(medians[key])} | |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--prefix", default="meetup_large", help="names of the databases built")
    parser.add_argument("--output", default=str(ROOT / "docs" / "large-data.md"))
    options = parser.parse_args()
    sections = []
    for vendor in options.databases:
        if vendor == "postgresql" and not postgres_available():
            print("PostgreSQL is not answering on 127.0.0.1:5432: skipped.")
            continue
        sections.append(bench_vendor(vendor, options.rounds, options.runs, options.prefix))
    header = [
        "# Large data: search and the day page",
        "",
        f"Measured by `make bench-search` on {datetime.date.today().isoformat()}: "
        f"{platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}.",
        f"Targets (issue 20): {TARGETS}.",
        "",
    ]
    report = "\n".join([*header, "\n\n".join(sections), ""])
    print("\n" + report)
    Path(options.output).write_text(report)
    print(f"Written to {options.output}")


if __name__ == "__main__":
    main()
