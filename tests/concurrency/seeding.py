"""Data for the concurrency tests, made and read inside the site's own Django.

``seed()`` (run through ``manage.py shell``) prints the keys the clients need as JSON;
``state()`` prints every row's history, for the test to hold against what clients were told.
"""

import datetime
import json

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

PASSWORD = "correct horse battery staple"
NOTE_TAKERS = 6


def seed():
    from priorities.models import (
        ActionItem,
        Cycle,
        CyclePriority,
        Day,
        Meetup,
        PriorityArea,
        Session,
        StatusUpdate,
        Team,
    )

    users = get_user_model()
    editors = Group.objects.get(name="Editors")
    for n in range(NOTE_TAKERS + 4):
        user = users.objects.create_user(f"editor{n}", password=PASSWORD, is_staff=True)
        user.groups.add(editors)
    users.objects.create_superuser("organiser", password=PASSWORD)
    team = Team.objects.create(name="OpenStack Nova", slug="openstack-nova")
    cycle = Cycle.objects.create(team=team, name="Kilo", slug="kilo")
    meetup = Meetup.objects.create(
        name="Load meetup",
        slug="load",
        team=team,
        cycle=cycle,
        start_date=datetime.date(2015, 1, 26),
        end_date=datetime.date(2015, 1, 28),
    )
    day = Day.objects.create(meetup=meetup, number=1, date=meetup.start_date, summary="Day 1")
    other_day = Day.objects.create(
        meetup=meetup,
        number=2,
        date=meetup.start_date + datetime.timedelta(days=1),
        summary="Day 2",
    )
    session = Session.objects.create(day=day, title="Morning status round", order=1, notes="-")
    Session.objects.create(day=other_day, title="Imported round", order=1, notes="-")
    areas = [
        PriorityArea.objects.create(team=team, name=f"Area {n}", slug=f"area-{n}")
        for n in range(NOTE_TAKERS + 1)
    ]
    for n, area in enumerate(areas, start=1):
        CyclePriority.objects.create(cycle=cycle, area=area, order=n)
    updates = [
        StatusUpdate.objects.create(
            session=session, priority_area=area, status="started", headline=f"Area {n} opened"
        )
        for n, area in enumerate(areas)
    ]
    items = [
        ActionItem.objects.create(session=session, text=f"Item {n}", owner="bob", order=n + 1)
        for n in range(2)
    ]
    print(
        json.dumps(
            {
                "day": day.pk,
                "other_day": other_day.pk,
                "session": session.pk,
                "updates": [update.pk for update in updates],
                "items": [item.pk for item in items],
            }
        )
    )


def state():
    """{"Model:pk": [[history type, {field: value}], ...] oldest first} for every row of the
    content, deleted ones included, and which sessions exist now."""
    from priorities.models import ActionItem, Day, Session, StatusUpdate

    fields = {
        StatusUpdate: ("headline", "body"),
        Session: ("title", "notes"),
        Day: ("summary",),
        ActionItem: ("text", "done"),
    }
    histories = {}
    for model, names in fields.items():
        for record in model.history.order_by("history_id"):
            key = f"{model.__name__}:{record.id}"
            values = {name: getattr(record, name) for name in names}
            histories.setdefault(key, []).append([record.history_type, values])
    print(
        json.dumps(
            {
                "histories": histories,
                "sessions": sorted(Session.objects.values_list("pk", flat=True)),
            }
        )
    )
