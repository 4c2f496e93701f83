"""Time what a note-taker's save costs: the day page's first view after an edit of that day
(200 updates), and the admin's save of a session with 100 inline updates, one row changed.

Run: DJANGO_DEBUG=true DJANGO_ALLOWED_HOSTS=testserver PAGE_CACHE_SECONDS=0 \
     DATABASE_URL=sqlite:////tmp/time-saves.sqlite3 \
     .venv/bin/python manage.py shell -v 0 < benchmarks/time_saves.py
(on a migrated, scratch database: it deletes and recreates the 'timing-saves' meetup).

Each view follows an edit of one update of the day, with the process's memo of rendered
Markdown emptied, as in a worker that has just started: what a reader waits for once the
page cache has let the edited page go. It also counts the Markdown rendered during the view.
"""

import datetime
import random
import time

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

import priorities.rendering
from benchmarks.timing import Timing
from meetup.devtools.synthetic import _body
from priorities.enums import Status
from priorities.models import (
    Cycle,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Session,
    StatusUpdate,
    Team,
)
from tests.html import form_data

SLUG, AREAS, SESSIONS, INLINE_UPDATES, RUNS = "timing-saves", 20, 10, 100, 7
rng = random.Random(0)  # noqa: S311 (made-up text)
statuses = list(Status)

with transaction.atomic():
    for model in (StatusUpdate, Decision):
        model.objects.filter(session__day__meetup__slug=SLUG).delete()
    Session.objects.filter(day__meetup__slug=SLUG).delete()
    Day.objects.filter(meetup__slug=SLUG).delete()
    Meetup.objects.filter(slug=SLUG).delete()
    get_user_model().objects.filter(username="timing-saves").delete()
    team = Team.objects.get_or_create(slug=SLUG, defaults={"name": "Timing saves"})[0]
    cycle = Cycle.objects.get_or_create(team=team, slug=SLUG, defaults={"name": "Timing"})[0]
    meetup = Meetup.objects.create(
        name="Timing saves", slug=SLUG, team=team, cycle=cycle,
        start_date=datetime.date(2015, 1, 26), end_date=datetime.date(2015, 1, 28),
    )  # fmt: skip
    day = Day.objects.create(meetup=meetup, number=1, date=meetup.start_date, summary=_body(rng))
    inline_day = Day.objects.create(meetup=meetup, number=2, date=meetup.end_date)
    areas = [
        PriorityArea.objects.get_or_create(
            team=team, slug=f"{SLUG}-{i}", defaults={"name": f"Timing area {i}"}
        )[0]
        for i in range(max(AREAS, INLINE_UPDATES))
    ]
    sessions = [
        Session.objects.create(day=day, title=f"Session {i}", order=i + 1, notes=_body(rng))
        for i in range(SESSIONS)
    ]
    for session in sessions:
        Decision.objects.create(session=session, text=_body(rng))
        for area in areas[:AREAS]:
            StatusUpdate.objects.create(
                session=session, priority_area=area, status=rng.choice(statuses),
                headline=f"Headline {session.order}/{area.slug}", body=_body(rng),
            )  # fmt: skip
    inline_session = Session.objects.create(day=inline_day, title="100 updates", order=1)
    for area in areas[:INLINE_UPDATES]:
        StatusUpdate.objects.create(
            session=inline_session, priority_area=area, status=rng.choice(statuses),
            headline=f"Update of {area.name}", body=_body(rng),
        )  # fmt: skip
    user = get_user_model().objects.create_superuser("timing-saves", "t@example.org", "x")

client = Client()
client.force_login(user)
day_url = day.get_absolute_url()
edited = StatusUpdate.objects.filter(session__day=day).first()


def timed(work):
    """(seconds, queries, Markdown texts rendered, result) of one call of ``work``."""
    priorities.rendering.render_markdown.cache_clear()  # as in a worker that has just started
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    rendered = priorities.rendering.render_markdown.cache_info().misses
    return seconds, len(queries), rendered, result


def report(label, runs):
    seconds = Timing(tuple(run[0] for run in runs))
    queries = sorted({run[1] for run in runs})
    rendered = sorted({run[2] for run in runs})
    print(f"{label}: {seconds}; queries {queries}; Markdown texts rendered {rendered}")


reader = Client()  # a reader's page: no edit links
for who, browser in (("the editor", client), ("a reader", reader)):
    browser.get(day_url)  # templates loaded once, as in a running worker
    views = []
    for _ in range(RUNS):
        edited.refresh_from_db()
        edited.body = _body(rng)
        edited.save()
        views.append(timed(lambda: browser.get(day_url)))  # noqa: B023 (called at once)
        assert views[-1][3].status_code == 200, views[-1][3].status_code
    report(f"day page (200 updates), {who}'s first view after an edit of the day", views)

admin_url = f"/admin/priorities/session/{inline_session.pk}/change/"
loads, saves = [], []
for attempt in range(RUNS):
    load = timed(lambda: client.get(admin_url))
    loads.append(load)
    data = form_data(load[3].content, "session_form")
    first = next(name for name in data if name.endswith("-headline"))
    data[first] = f"Changed {attempt}"
    data["_continue"] = "Save"
    save = timed(lambda: client.post(admin_url, data))  # noqa: B023 (called at once)
    assert save[3].status_code == 302, save[3].content[:2000]
    saves.append(save)
report(f"admin: load a session with {INLINE_UPDATES} inline updates", loads)
report("admin: save it with one headline changed", saves)
