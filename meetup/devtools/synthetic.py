"""Synthetic meetups for benchmarks: realistic text, bulk inserts, valid by the models' rules."""

import datetime
import math
import random

from django.db import connection, transaction

from meetup.pagecache.models import PageVersion
from priorities.enums import Delivery, SessionKind, Status
from priorities.models import (
    ActionItem,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    Team,
)

BATCH = 2000
FIRST_DATE = datetime.date(2010, 1, 4)
SUBJECTS = [
    "the scheduler", "cells v2", "the placement API", "flavors", "the objects layer",
    "live migration", "the resource tracker", "microversions", "novaclient", "the gate",
    "grenade jobs", "the database migrations", "the compute manager", "quotas", "neutron ports",
]  # fmt: skip
VERBS = [
    "needs reviews on", "is blocked on", "landed a series for", "is refactoring",
    "wrote a spec for", "added functional tests for", "is untangling", "split out",
]  # fmt: skip
DETAILS = [
    "The first patches merged this week.",
    "Two cores have promised to look at the series.",
    "A **regression** in the gate slowed things down.",
    "See the [etherpad](https://etherpad.openstack.org/p/kilo-nova-midcycle) for details.",
    "The `nova-manage` command needs a new sub-command.",
    "Grenade jobs run with it switched on now.",
    "Nobody has picked up the follow-up work yet.",
]  # fmt: skip


def _sentence(rng):
    return f"The team {rng.choice(VERBS)} {rng.choice(SUBJECTS)}"


def _body(rng):
    points = "\n".join(f"- {rng.choice(DETAILS)}" for _ in range(rng.randint(1, 4)))
    return f"{_sentence(rng)}; {rng.choice(SUBJECTS)} comes next.\n\n{points}"


def bench_team():
    team, _created = Team.objects.get_or_create(slug="bench-team", defaults={"name": "Bench team"})
    return team


def bench_areas(team, count):
    areas = []
    for index in range(count):
        area, _created = PriorityArea.objects.get_or_create(
            team=team, slug=f"bench-area-{index + 1}", defaults={"name": f"Bench area {index + 1}"}
        )
        areas.append(area)
    return areas


@transaction.atomic
def seed(meetups, days, updates_per_day, areas=12, seed=0):
    """Create ``meetups`` meetups of ``days`` days with ``updates_per_day`` updates each.

    Each day has as many sessions as it takes to give every area at most one update per
    session (a model rule), plus a decision, an action item and a risk per session. Returns
    the created meetups.
    """
    rng = random.Random(seed)  # noqa: S311 (synthetic text, not security)
    team = bench_team()
    area_list = bench_areas(team, areas)
    first = Meetup.objects.filter(slug__startswith="bench-").count() + 1
    numbers = range(first, first + meetups)
    cycles = Cycle.objects.bulk_create(
        Cycle(team=team, name=f"Cycle {number}", slug=f"cycle-{number}") for number in numbers
    )
    cycles = list(Cycle.objects.filter(team=team, slug__in=[c.slug for c in cycles]))
    CyclePriority.objects.bulk_create(
        CyclePriority(cycle=cycle, area=area, order=place)
        for cycle in cycles
        for place, area in enumerate(area_list, start=1)
    )
    cycle_by_slug = {cycle.slug: cycle for cycle in cycles}
    created_meetups = []
    for number in numbers:
        start = FIRST_DATE + datetime.timedelta(days=40 * number)
        created_meetups.append(
            Meetup(
                name=f"Bench meetup {number}",
                slug=f"bench-{number}",
                team=team,
                cycle=cycle_by_slug[f"cycle-{number}"],
                location="Benchmark City",
                start_date=start,
                end_date=start + datetime.timedelta(days=max(days - 1, 0)),
                description=_body(rng),
            )
        )
    Meetup.objects.bulk_create(created_meetups)
    created_meetups = list(Meetup.objects.filter(slug__in=[m.slug for m in created_meetups]))

    day_objects = Day.objects.bulk_create(
        Day(
            meetup=meetup,
            number=n + 1,
            date=meetup.start_date + datetime.timedelta(days=n),
            summary=_body(rng),
        )
        for meetup in created_meetups
        for n in range(days)
    )
    sessions_per_day = max(1, math.ceil(updates_per_day / len(area_list)))
    session_objects = Session.objects.bulk_create(
        (
            Session(
                day=day,
                title=f"Session {n + 1}",
                kind=rng.choice(list(SessionKind)),
                order=n + 1,
                notes=_body(rng),
            )
            for day in day_objects
            for n in range(sessions_per_day)
        ),
        batch_size=BATCH,
    )
    by_day = {}
    for session in session_objects:
        by_day.setdefault(session.day_id, []).append(session)

    statuses = list(Status)

    def updates():
        for day_sessions in by_day.values():
            for index in range(updates_per_day):
                session = day_sessions[index // len(area_list)]
                yield StatusUpdate(
                    session=session,
                    day_date=session.day.date,
                    session_order=session.order,
                    priority_area=area_list[index % len(area_list)],
                    status=rng.choice(statuses),
                    headline=_sentence(rng),
                    body=_body(rng),
                    reported_by=f"Lead {index % len(area_list) + 1}",
                    delivery=Delivery.IN_WRITING if rng.random() < 0.1 else Delivery.IN_PERSON,
                )

    StatusUpdate.objects.bulk_create(updates(), batch_size=BATCH)
    for model, extra in ((Decision, {}), (Risk, {}), (ActionItem, {"owner": "Bench team"})):
        model.objects.bulk_create(
            (
                model(
                    session=session,
                    priority_area=rng.choice(area_list),
                    text=_sentence(rng) + ".",
                    **extra,
                )
                for session in session_objects
            ),
            batch_size=BATCH,
        )
    PageVersion.bump([PageVersion.ALL_PAGES])  # bulk inserts send no signals
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
    return created_meetups
