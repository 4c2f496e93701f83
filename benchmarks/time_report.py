"""Time the Markdown report's export and import on a day with 1,000 status updates.

Run: DJANGO_DEBUG=true DATABASE_URL=sqlite:////tmp/time-report.sqlite3 \
     .venv/bin/python manage.py shell < benchmarks/time_report.py
(on a migrated, scratch database: it deletes and recreates the 'timing' meetup).
"""

import datetime

from django.db import transaction

from benchmarks.timing import measure
from priorities.interchange.report_export import day_report
from priorities.interchange.report_import import import_report
from priorities.models import Cycle, Day, Meetup, PriorityArea, Session, StatusUpdate, Team

AREAS, SESSIONS, RUNS = 100, 10, 5

with transaction.atomic():
    StatusUpdate.objects.filter(session__day__meetup__slug="timing").delete()
    Session.objects.filter(day__meetup__slug="timing").delete()
    Day.objects.filter(meetup__slug="timing").delete()
    Meetup.objects.filter(slug="timing").delete()
    team = Team.objects.get_or_create(slug="timing", defaults={"name": "Timing team"})[0]
    cycle = Cycle.objects.get_or_create(team=team, slug="timing", defaults={"name": "Timing"})[0]
    meetup = Meetup.objects.create(
        name="Timing meetup",
        slug="timing",
        team=team,
        cycle=cycle,
        start_date=datetime.date(2015, 1, 26),
        end_date=datetime.date(2015, 1, 28),
    )
    day = Day.objects.create(meetup=meetup, number=1, date=meetup.start_date, summary="Summary.")
    areas = [
        PriorityArea.objects.get_or_create(
            team=team, slug=f"timing-{i}", defaults={"name": f"Timing {i}"}
        )[0]
        for i in range(AREAS)
    ]
    sessions = [
        Session.objects.create(day=day, title=f"Session {i}", order=i + 1) for i in range(SESSIONS)
    ]
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            session=session,
            priority_area=area,
            status="good-progress",
            headline=f"Headline {session.order}/{area.slug}",
            body="Some **progress**.\n\n- one\n- two",
        )
        for session in sessions
        for area in areas
    )

day = Day.objects.select_related("meetup").get(pk=day.pk)
report = day_report(day)


def import_every_record():
    """A real import of every record: from a day the report does not describe, rolled back."""
    with transaction.atomic():
        StatusUpdate.objects.filter(session__day=day).delete()
        import_report(report)
        transaction.set_rollback(True)


def import_nothing_to_change():
    assert import_report(report).changes == []


updates = StatusUpdate.objects.filter(session__day=day).count()
print(f"updates: {updates}, report: {len(report):,} chars")
print(f"export: median {measure(day_report, day, runs=RUNS)}")
print(f"import (creating 1,000 updates): median {measure(import_every_record, runs=RUNS)}")
print(f"import (nothing to change): median {measure(import_nothing_to_change, runs=RUNS)}")
