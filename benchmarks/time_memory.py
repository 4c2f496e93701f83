"""Time the meetup's memory over a database seeded by seed_bench (e.g. 100,000 status updates).

Run: DATABASE_URL=postgres://... DJANGO_DEBUG=true .venv/bin/python manage.py shell \
     < benchmarks/time_memory.py
Prints the median of 7 runs of: every area's previous update before the last day (the "what
changed" query), a whole day's contents, the last meetup's scoreboard, and the first page of
the decision register and of the open action items (count and rows, as the pages ask).
"""

from django.db import connection

from benchmarks.timing import measure
from priorities.models import ActionItem, Day, Decision, PriorityArea, StatusUpdate
from priorities.pages import day_contents, scoreboard

day = Day.objects.select_related("meetup").order_by("-date").first()
meetup = day.meetup
days = list(meetup.days.order_by("number"))
area_ids = list(PriorityArea.objects.values_list("pk", flat=True))
print(
    f"{connection.vendor}: {StatusUpdate.objects.count():,} status updates, "
    f"{Decision.objects.count():,} decisions, {ActionItem.objects.count():,} action items, "
    f"{len(area_ids)} areas"
)


def page(queryset, size):
    queryset.count()
    list(queryset[:size])


timings = {
    "previous update of every area": lambda: list(
        StatusUpdate.objects.latest_before(day.date, area_ids)
    ),
    f"contents of {day} ({StatusUpdate.objects.filter(session__day=day).count()} updates)": (
        lambda: day_contents(day)
    ),
    f"scoreboard of {meetup} ({len(days)} days)": lambda: scoreboard(meetup, days),
    "decision register, page 1": lambda: page(Decision.objects.register(), 50),
    "open action items, page 1": lambda: page(ActionItem.objects.by_owner().open(), 100),
}
for name, work in timings.items():
    print(f"{name}: median {measure(work)}")

if connection.vendor == "postgresql":
    plan = StatusUpdate.objects.latest_before(day.date, area_ids).explain(analyze=True)
    print("\nEXPLAIN ANALYZE of the previous-update query:\n" + plan)
