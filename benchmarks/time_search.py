"""Time search() over a database seeded by seed_bench (e.g. 100,000 status updates).

Run: DATABASE_URL=postgres://... DJANGO_DEBUG=true .venv/bin/python manage.py shell \
     < benchmarks/time_search.py
Prints the median of 7 runs per query: the count and the first page of 20 hits, which is
what the search page asks of the database.
"""

from benchmarks.timing import measure
from priorities.models import StatusUpdate
from priorities.search import search

QUERIES = ["scheduler", "live migration", '"resource tracker"', "regression -gate"]

print(f"status updates in the database: {StatusUpdate.objects.count():,}")


def first_page(query):
    results = search(query)
    list(results[:20])
    return results.count()


for query in QUERIES:
    timing = measure(first_page, query)
    print(f"{query!r}: {first_page(query):,} hits, median {timing}")
