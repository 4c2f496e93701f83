"""Time search() over a database seeded by seed_bench (e.g. 100,000 status updates).

Run: DATABASE_URL=postgres://... DJANGO_DEBUG=true .venv/bin/python manage.py shell \
     < scripts/time_search.py
Prints the median of 7 runs per query: the count and the first page of 20 hits, which is
what the search page asks of the database.
"""

import statistics
import time

from priorities.models import StatusUpdate
from priorities.search import search

QUERIES = ["scheduler", "live migration", '"resource tracker"', "regression -gate"]

print(f"status updates in the database: {StatusUpdate.objects.count():,}")
for query in QUERIES:
    times = []
    for _ in range(7):
        start = time.perf_counter()
        results = search(query)
        total = results.count()
        list(results[:20])
        times.append(time.perf_counter() - start)
    print(f"{query!r}: {total:,} hits, median {statistics.median(times) * 1000:.0f} ms")
