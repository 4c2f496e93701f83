"""Edits that move what other pages read: a session's order, a history record restored, a bump
that failed. Each once served a stale page from the cache (a review's findings)."""

import datetime

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from meetup.pagecache.models import PageVersion
from priorities.models import Session, StatusUpdate
from tests.admin.test_history import admin_save
from tests.factories import (
    DayFactory,
    EditorFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
    other_team,
)
from tests.pagecache.test_scopes import read_every_page, rebuilt

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    browser = Client()
    browser.force_login(EditorFactory())
    return browser


def restore_earliest(browser, obj):
    """Restore ``obj``'s first version through the admin's history page."""
    first = obj.history.earliest("history_date")
    name = obj._meta.model_name
    url = reverse(f"admin:priorities_{name}_simple_history", args=[obj.pk, first.history_id])
    assert admin_save(browser, url).status_code == 302


def test_reordering_a_days_sessions_changes_what_the_later_days_say_changed(client):
    """Cells is Blocked in session 1 and Good progress in session 2 of day 1, so day 2 says it
    "was Good progress on day 1"; with session 1 moved after session 2, it was Blocked."""
    first = StatusUpdateFactory(status="blocked", session__order=1)
    day1, area = first.session.day, first.priority_area
    StatusUpdateFactory(
        session=SessionFactory(day=day1, order=2), priority_area=area, status="good-progress"
    )
    day2 = DayFactory(meetup=day1.meetup, number=2, date=day1.date + datetime.timedelta(days=1))
    StatusUpdateFactory(session=SessionFactory(day=day2), priority_area=area, status="started")
    pages = {"day1": day1.get_absolute_url(), "day2": day2.get_absolute_url()}
    assert "was Good progress on day 1" in client.get(pages["day2"]).content.decode()
    read_every_page(client, pages)

    session1 = Session.objects.get(pk=first.session.pk)  # as the admin loads it
    session1.order = 3
    session1.save()

    assert rebuilt(client, pages) == {"day1", "day2"}
    assert "was Blocked on day 1" in client.get(pages["day2"]).content.decode()


def test_an_update_restored_to_its_earlier_area_leaves_the_timeline_it_was_on(client, editor):
    update = StatusUpdateFactory(headline="Moved and restored")
    area_a, area_b = update.priority_area, PriorityAreaFactory(team=update.priority_area.team)
    moved = StatusUpdate.objects.get(pk=update.pk)
    moved.priority_area = area_b
    moved.save()
    pages = {"a": area_a.get_absolute_url(), "b": area_b.get_absolute_url()}
    read_every_page(client, pages)
    assert "Moved and restored" in client.get(pages["b"]).content.decode()

    restore_earliest(editor, update)

    assert StatusUpdate.objects.get(pk=update.pk).priority_area == area_a
    assert rebuilt(client, pages) == {"a", "b"}
    assert "Moved and restored" not in client.get(pages["b"]).content.decode()


def test_a_session_restored_to_its_earlier_day_leaves_the_day_it_was_on(client, editor):
    day1 = DayFactory()
    day2 = DayFactory(meetup=day1.meetup, number=2, date=day1.date + datetime.timedelta(days=1))
    session = SessionFactory(day=day2, title="The wandering session")
    moved = Session.objects.get(pk=session.pk)
    moved.day = day1
    moved.save()
    pages = {"day1": day1.get_absolute_url(), "day2": day2.get_absolute_url()}
    read_every_page(client, pages)

    restore_earliest(editor, session)

    assert Session.objects.get(pk=session.pk).day == day2
    assert rebuilt(client, pages) == {"day1", "day2"}
    assert "The wandering session" not in client.get(pages["day1"]).content.decode()


def test_an_object_saved_twice_leaves_each_place_it_was(client):
    update = StatusUpdateFactory(headline="Wandering update")
    team = update.priority_area.team
    area_b, area_c = PriorityAreaFactory(team=team), PriorityAreaFactory(team=team)
    neutron, liberty = other_team()
    elsewhere = DayFactory(meetup__team=neutron, meetup__cycle=liberty)
    pages = {
        "b": area_b.get_absolute_url(),
        "c": area_c.get_absolute_url(),
        "elsewhere": elsewhere.get_absolute_url(),  # stays cached: the move is known
    }
    update.priority_area = area_b
    update.save()
    read_every_page(client, pages)
    update.priority_area = area_c  # the same object again: from b, not from where it was loaded
    update.save()
    assert rebuilt(client, pages) == {"b", "c"}


def test_pages_a_failed_bump_missed_move_with_the_next_commit(client, monkeypatch):
    update = StatusUpdateFactory(headline="Before")
    neutron, liberty = other_team()  # a change that touches none of the first one's pages
    other = StatusUpdateFactory(
        session__day__meetup__team=neutron,
        session__day__meetup__cycle=liberty,
        priority_area__team=neutron,
    )
    pages = {"day": update.session.day.get_absolute_url()}
    read_every_page(client, pages)
    after_commit = []  # what waits for the commit, run by hand as the commit would
    monkeypatch.setattr("meetup.pagecache.signals.on_commit", after_commit.append)
    update.headline = "After"
    update.save()
    real_bump = PageVersion.bump

    def database_away(scopes):
        raise OperationalError("the database went away")

    monkeypatch.setattr(PageVersion, "bump", database_away)
    with pytest.raises(OperationalError):
        after_commit.pop(0)()
    monkeypatch.setattr(PageVersion, "bump", real_bump)
    after_commit.clear()
    other.delete()  # another commit, of another row
    for callback in after_commit:
        callback()
    assert "After" in client.get(pages["day"]).content.decode()
