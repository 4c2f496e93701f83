import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from priorities.enums import Status
from priorities.models import Day, Meetup, PriorityArea, StatusUpdate
from priorities.pages import day_contents, scoreboard
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    MeetupFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db


def assert_violates_constraint(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_status_vocabulary_matches_launchpad_style_labels():
    assert [status.label for status in Status] == [
        "Not started",
        "Started",
        "Slow progress",
        "Good progress",
        "Needs code review",
        "Blocked",
        "Implemented",
        "Deferred",
    ]


def test_every_status_has_a_symbol_so_badges_read_without_colour():
    assert all(status.symbol for status in Status)
    assert len({status.symbol for status in Status}) == len(Status)


def test_day_numbers_are_unique_within_a_meetup():
    day = DayFactory(number=1)
    assert_violates_constraint(
        lambda: Day.objects.create(meetup=day.meetup, number=1, date=day.meetup.end_date)
    )


def test_the_same_day_number_is_fine_in_another_meetup():
    DayFactory(number=1)
    DayFactory(number=1)
    assert Day.objects.filter(number=1).count() == 2


def test_day_numbers_start_at_one():
    meetup = MeetupFactory()
    assert_violates_constraint(
        lambda: Day.objects.create(meetup=meetup, number=0, date=meetup.start_date)
    )


def test_meetup_slugs_are_unique():
    MeetupFactory(slug="nova-kilo")
    assert_violates_constraint(lambda: MeetupFactory(slug="nova-kilo"))


def test_priority_area_slugs_and_names_are_unique():
    PriorityAreaFactory(name="Cells v2", slug="cells-v2")
    assert_violates_constraint(lambda: PriorityAreaFactory(slug="cells-v2"))
    assert_violates_constraint(lambda: PriorityAreaFactory(name="Cells v2"))


def test_a_meetup_cannot_end_before_it_starts():
    assert_violates_constraint(
        lambda: MeetupFactory(
            start_date=datetime.date(2015, 1, 28), end_date=datetime.date(2015, 1, 26)
        )
    )


def test_day_date_must_be_within_the_meetup_dates():
    meetup = MeetupFactory()
    day = Day(meetup=meetup, number=1, date=datetime.date(2015, 2, 1))
    with pytest.raises(ValidationError) as error:
        day.full_clean()
    assert "within the meetup's dates" in str(error.value.message_dict["date"])


def test_day_date_on_the_last_day_of_the_meetup_is_valid():
    meetup = MeetupFactory()
    Day(meetup=meetup, number=3, date=meetup.end_date).full_clean()


def test_one_update_per_priority_area_per_session():
    update = StatusUpdateFactory()
    assert_violates_constraint(
        lambda: StatusUpdateFactory(session=update.session, priority_area=update.priority_area)
    )


def test_an_update_needs_a_known_status_and_a_headline():
    assert_violates_constraint(lambda: StatusUpdateFactory(status="finished"))
    assert_violates_constraint(lambda: StatusUpdateFactory(headline=""))


def test_an_action_item_needs_an_owner():
    assert_violates_constraint(lambda: ActionItemFactory(owner=""))


def test_a_priority_area_with_updates_cannot_be_deleted():
    update = StatusUpdateFactory()
    with pytest.raises(ProtectedError):
        update.priority_area.delete()
    assert PriorityArea.objects.filter(pk=update.priority_area.pk).exists()


def test_a_session_with_updates_cannot_be_deleted():
    update = StatusUpdateFactory()
    with pytest.raises(ProtectedError):
        update.session.delete()


def test_a_meetup_with_days_cannot_be_deleted():
    day = DayFactory()
    with pytest.raises(ProtectedError):
        day.meetup.delete()
    assert Meetup.objects.count() == 1


def test_objects_link_to_their_pages():
    update = StatusUpdateFactory()
    day = update.session.day
    assert day.meetup.get_absolute_url() == f"/meetups/{day.meetup.slug}/"
    assert day.get_absolute_url() == f"/meetups/{day.meetup.slug}/days/{day.number}/"
    assert update.get_absolute_url() == f"{day.get_absolute_url()}#update-{update.pk}"
    area = update.priority_area
    assert area.get_absolute_url() == f"/teams/openstack-nova/priorities/{area.slug}/"


def test_day_reports_list_each_area_updates_in_session_order():
    day = DayFactory()
    area = PriorityAreaFactory()
    morning = SessionFactory(day=day, order=1)
    afternoon = SessionFactory(day=day, order=2)
    later = StatusUpdateFactory(session=afternoon, priority_area=area, status=Status.BLOCKED)
    earlier = StatusUpdateFactory(session=morning, priority_area=area, status=Status.STARTED)
    [report] = day_contents(day).area_reports
    assert report.updates == [earlier, later]
    assert report.latest == later


def test_day_reports_list_the_cycles_priorities_without_an_update_and_no_other_area():
    day = DayFactory()
    quiet = PriorityAreaFactory(name="Bugs")
    PriorityAreaFactory(name="Not a Kilo priority", listed=False)
    [report] = day_contents(day).area_reports
    assert report.area == quiet
    assert report.latest is None


def test_scoreboard_shows_the_status_each_area_ended_each_day_with():
    meetup = MeetupFactory()
    day1 = DayFactory(meetup=meetup, number=1)
    day2 = DayFactory(meetup=meetup, number=2)
    area = PriorityAreaFactory()
    StatusUpdateFactory(
        session=SessionFactory(day=day1, order=1), priority_area=area, status=Status.STARTED
    )
    StatusUpdateFactory(
        session=SessionFactory(day=day1, order=2), priority_area=area, status=Status.BLOCKED
    )
    StatusUpdateFactory(
        session=SessionFactory(day=day2, order=1),
        priority_area=area,
        status=Status.IMPLEMENTED,
    )
    [row] = scoreboard(meetup, [day1, day2])
    assert row.area == area
    assert row.statuses == [Status.BLOCKED, Status.IMPLEMENTED]


def test_meetups_are_counted_by_days_and_updates():
    day = DayFactory()
    StatusUpdateFactory.create_batch(3, session=SessionFactory(day=day))
    MeetupFactory()
    counts = {m.slug: (m.day_count, m.update_count) for m in Meetup.objects.with_counts()}
    assert counts[day.meetup.slug] == (1, 3)
    assert sorted(counts.values()) == [(0, 0), (1, 3)]


def test_unicode_text_is_stored_exactly():
    text = "Zellen v2 🚀 — مرحبا — e\u0301 — 中文"
    update = StatusUpdateFactory(headline=text, body=text)
    update.refresh_from_db()
    assert update.headline == text
    assert StatusUpdate.objects.get(pk=update.pk).body == text


def test_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_timeline_keys_follow_the_session_and_the_day():
    update = StatusUpdateFactory()
    session, day = update.session, update.session.day
    update.refresh_from_db()
    assert (update.day_date, update.session_order) == (day.date, session.order)
    session.order = 7
    session.save()
    day.date = day.meetup.end_date
    day.save()
    update.refresh_from_db()
    assert (update.day_date, update.session_order) == (day.meetup.end_date, 7)


def test_moving_a_day_reorders_its_area_timeline():
    area = PriorityAreaFactory()
    meetup = MeetupFactory()
    first = StatusUpdateFactory(
        priority_area=area, session__day=DayFactory(meetup=meetup, number=1)
    )
    second = StatusUpdateFactory(
        priority_area=area, session__day=DayFactory(meetup=meetup, number=2)
    )
    assert list(StatusUpdate.objects.for_priority_area(area)) == [second, first]
    day = first.session.day
    day.date = meetup.end_date
    day.save()
    assert list(StatusUpdate.objects.for_priority_area(area)) == [first, second]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_the_timeline_is_read_from_its_index_on_postgresql():
    area = PriorityAreaFactory()
    StatusUpdateFactory.create_batch(3, priority_area=area)
    with connection.cursor() as cursor:
        # On a table this small the planner's choice between this index and the foreign key's
        # (plus a sort) is a coin toss; the question is whether the index gives the order.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = StatusUpdate.objects.for_priority_area(area)[:50].explain()
    assert "update_area_timeline_idx" in plan
    assert "Sort" not in plan
