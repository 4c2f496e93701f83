"""A session with 100 status updates: its admin page costs what the editor changed, not its size.

Rows the editor left alone are neither validated nor written (``ShownValuesForm.full_clean``),
each row's choices come from one query (``share_choices``), and rows load their area with them.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from priorities.models import StatusUpdate
from tests.factories import (
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
    editor_browser,
)
from tests.html import errors_shown, form_data

pytestmark = pytest.mark.django_db

#: Queries of an editor's save of one changed row, whatever the session's size: their session,
#: user, teams and permissions; the lock and the session, its day and meetup; the rows; the
#: changed row's checks (its area, its team, three constraints each in a savepoint, its
#: uniqueness); its claim, write and history; the admin's log; after the commit, the pages it
#: changes (its session's day, the team's later days, its area: priorities.page_scopes) and
#: their versions (the counter moved and read, the scopes' rows written).
SAVE_QUERIES = 39
#: Queries of opening the page: the editor's session, user, teams and permissions; the
#: session, its day and meetup; the updates with their areas, the decisions, action items
#: and risks; the team's areas once for each of the four inlines' rows.
LOAD_QUERIES = 18


def session_with(count):
    session = SessionFactory(title=f"{count} updates")
    team = session.day.meetup.team
    for n in range(count):
        area = PriorityAreaFactory(team=team, name=f"Area {n:03}", slug=f"area-{n:03}")
        StatusUpdateFactory(session=session, priority_area=area, headline=f"Headline {n:03}")
    return session


def change_url(session):
    return reverse("admin:priorities_session_change", args=[session.pk])


def first_row(session):
    return StatusUpdate.objects.filter(session=session).order_by("pk").first()


def row_field(data, update, field):
    """The name of ``field`` in the inline row of ``update`` in a posted form."""
    [prefix] = [
        name.removesuffix("-id")
        for name, value in data.items()
        if name.endswith("-id") and value == str(update.pk)
    ]
    return f"{prefix}-{field}"


def save_one_change(browser, session, update, headline):
    data = form_data(browser.get(change_url(session)).content, "session_form")
    data[row_field(data, update, "headline")] = headline
    with CaptureQueriesContext(connection) as queries:
        response = browser.post(change_url(session), {**data, "_continue": "Save"})
    return response, len(queries)


@pytest.mark.parametrize("count", [10, 100])
def test_saving_one_changed_row_costs_the_same_however_many_rows(count):
    browser = editor_browser(username="alice")
    session = session_with(count)
    changed = first_row(session)
    others = dict(StatusUpdate.objects.filter(session=session).values_list("pk", "version"))
    history = StatusUpdate.history.filter(session=session).count()

    response, queries = save_one_change(browser, session, changed, "Changed in the admin")

    assert response.status_code == 302, errors_shown(response.content)
    assert queries == SAVE_QUERIES
    changed.refresh_from_db()
    assert (changed.headline, changed.version) == ("Changed in the admin", 2)
    assert changed.saved_by.username == "alice"
    record = changed.history.first()
    assert (record.headline, record.history_user.username) == ("Changed in the admin", "alice")
    # Only the changed row was written: one history record, every other version as it was.
    assert StatusUpdate.history.filter(session=session).count() == history + 1
    now = dict(StatusUpdate.objects.filter(session=session).values_list("pk", "version"))
    assert {pk: v for pk, v in now.items() if pk != changed.pk} == {
        pk: v for pk, v in others.items() if pk != changed.pk
    }


@pytest.mark.parametrize("count", [10, 100])
def test_opening_the_page_costs_the_same_however_many_rows(count, django_assert_num_queries):
    browser = editor_browser()
    session = session_with(count)
    browser.get(change_url(session))  # the editor's session, loaded once
    with django_assert_num_queries(LOAD_QUERIES):
        assert browser.get(change_url(session)).status_code == 200


def test_a_row_changed_by_someone_else_since_the_page_is_refused_and_kept():
    browser = editor_browser(username="alice")
    session = session_with(100)
    row = first_row(session)
    data = form_data(browser.get(change_url(session)).content, "session_form")
    row.headline = "Bob's newer headline"
    row.save()  # someone else, after alice opened the page

    data[row_field(data, row, "headline")] = "Alice's headline"
    response = browser.post(change_url(session), {**data, "_continue": "Save"})

    assert response.status_code == 200
    assert any("Bob's newer headline" in message for message in errors_shown(response.content))
    row.refresh_from_db()
    assert (row.headline, row.version) == ("Bob's newer headline", 2)
