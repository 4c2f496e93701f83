"""People, priority area leads and attendance: the day page flags areas with no lead present."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from meetup.devtools.demo import load_demo
from meetup.pagecache.models import ContentVersion
from priorities.enums import Delivery
from priorities.models import Attendance, Day, Person
from tests.factories import (
    AttendanceFactory,
    DayFactory,
    MeetupFactory,
    PersonFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
    priority_of,
)
from tests.html import errors_shown, form_data, parse

pytestmark = pytest.mark.django_db

ABSENT = "No lead present"


@pytest.fixture
def day():
    return DayFactory(meetup=MeetupFactory(slug="kilo"), number=1)


@pytest.fixture
def api(day):
    """API v2.1, led by two people, with an update given in writing on ``day``."""
    leads = [PersonFactory(name="Christopher"), PersonFactory(name="Ken'ichi")]
    area = PriorityAreaFactory(name="API v2.1", slug="api-v2-1", leads=leads)
    StatusUpdateFactory(
        session=SessionFactory(day=day),
        priority_area=area,
        delivery=Delivery.IN_WRITING,
        reported_by="API v2.1 leads (on the etherpad)",
    )
    return area


def leads_of(area):
    """Who leads ``area`` in the Kilo cycle, the test meetups' cycle."""
    return priority_of(area).leads


def area_text(client, day, area):
    html = client.get(day.get_absolute_url()).content.decode()
    section = next(e for e in parse(html).iter() if e.get("id") == f"area-{area.slug}")
    return " ".join("".join(section.itertext()).split())


def test_day_page_flags_an_area_none_of_whose_leads_attended(client, day, api):
    AttendanceFactory(meetup=day.meetup, person=PersonFactory(name="Dan"), days=[day])

    text = area_text(client, day, api)
    assert f"{ABSENT} None of this area's leads (Christopher, Ken'ichi) attended this day." in text
    assert "In writing" in text


def test_an_area_with_one_lead_in_the_room_is_not_flagged(client, day, api):
    AttendanceFactory(meetup=day.meetup, person=leads_of(api).first(), days=[day])

    assert ABSENT not in area_text(client, day, api)


def test_attending_another_day_of_the_meetup_does_not_count(client, day, api):
    day2 = DayFactory(meetup=day.meetup, number=2)
    AttendanceFactory(meetup=day.meetup, person=leads_of(api).first(), days=[day2])
    AttendanceFactory(meetup=day.meetup, days=[day])

    assert ABSENT in area_text(client, day, api)


def test_nothing_is_flagged_while_the_day_has_no_attendance_recorded(client, day, api):
    AttendanceFactory(meetup=day.meetup, person=leads_of(api).first(), days=[])

    assert ABSENT not in area_text(client, day, api)


def test_an_area_without_leads_is_not_flagged(client, day):
    area = PriorityAreaFactory()
    StatusUpdateFactory(session=SessionFactory(day=day), priority_area=area)
    AttendanceFactory(meetup=day.meetup, days=[day])

    assert ABSENT not in area_text(client, day, area)


def test_glance_table_flags_the_area_too(client, day, api):
    AttendanceFactory(meetup=day.meetup, days=[day])

    html = client.get(day.get_absolute_url()).content.decode()
    row = next(e for e in parse(html).iter("tr") if "API v2.1" in "".join(e.itertext()))
    assert ABSENT in "".join(row.itertext())


def test_recording_attendance_shows_on_the_next_request(client, day, api):
    attendance = AttendanceFactory(meetup=day.meetup, days=[day])
    assert ABSENT in area_text(client, day, api)

    lead_attendance = AttendanceFactory(meetup=day.meetup, person=leads_of(api).last())
    version = ContentVersion.current()[0]
    lead_attendance.days.add(day)
    assert ContentVersion.current()[0] > version
    assert ABSENT not in area_text(client, day, api)

    version = ContentVersion.current()[0]
    leads_of(api).remove(leads_of(api).last())
    assert ContentVersion.current()[0] > version
    assert ABSENT in area_text(client, day, api)
    attendance.days.clear()


def test_a_person_may_attend_a_meetup_once():
    attendance = AttendanceFactory()
    duplicate = Attendance(meetup=attendance.meetup, person=attendance.person)
    with pytest.raises(ValidationError, match="already listed for this meetup"):
        duplicate.full_clean()


def test_irc_nicks_are_unique_whatever_their_case_but_may_be_left_blank():
    PersonFactory(irc_nick="cyeoh")
    PersonFactory(irc_nick="")
    PersonFactory(irc_nick="")
    with pytest.raises(ValidationError, match="already has this IRC nick"):
        Person(name="Someone else", irc_nick="CYeoh").full_clean()


def test_person_names_are_unique_whatever_their_case():
    PersonFactory(name="Dan Smith")
    with pytest.raises(ValidationError, match="already a person with this name"):
        Person(name="dan smith").full_clean()


def test_attendance_is_only_for_days_of_its_own_meetup(day):
    other_day = DayFactory(
        meetup=MeetupFactory(
            start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2016, 1, 2)
        )
    )
    attendance = AttendanceFactory(meetup=day.meetup, days=[day])
    # Each in its own transaction: the refused add leaves the surrounding one unusable.
    with pytest.raises(ValidationError, match="days of its own meetup"), transaction.atomic():
        attendance.days.add(other_day)
    with pytest.raises(ValidationError, match="days of its own meetup"), transaction.atomic():
        other_day.attendances.add(attendance)
    assert list(attendance.days.all()) == [day]


def test_a_person_name_stays_a_plain_one_line_label():
    with pytest.raises(ValidationError):
        Person(name="Alex [lead]").full_clean()


def test_demo_records_that_the_api_v2_1_leads_were_absent(client, demo_day):
    html = client.get(demo_day.get_absolute_url()).content.decode()

    flagged = [
        e.get("id")
        for e in parse(html).iter("section")
        if e.get("id", "").startswith("area-") and ABSENT in "".join(e.itertext())
    ]
    assert flagged == ["area-api-v2-1"]
    api_update = demo_day.sessions.first().updates.get(priority_area__slug="api-v2-1")
    api_text = area_text(client, demo_day, api_update.priority_area)
    assert "In writing" in api_text
    assert "New Good progress, first status report" in api_text


def test_demo_gives_every_area_a_lead_and_is_still_idempotent():
    load_demo()
    summary = load_demo()
    assert summary["created"] == summary["updated"] == 0
    assert not Person.objects.filter(led_priorities=None).exists()
    assert Attendance.objects.filter(days=None).count() == 2


def test_loading_the_demo_again_restores_its_leads_and_attendance_and_says_so():
    load_demo()
    api_lead = Person.objects.get(name="Christopher Yeoh")
    api_lead.led_priorities.clear()
    api_lead.attendances.get().days.add(Day.objects.get())

    summary = load_demo()

    assert summary["updated"] == 2
    assert api_lead.led_priorities.get().area.slug == "api-v2-1"
    assert not api_lead.attendances.get().days.exists()


class TestAdmin:
    def test_organiser_records_attendance_inline_on_the_meetup(self, admin_client, day, api):
        DayFactory(meetup=day.meetup, number=2)
        lead = leads_of(api).first()
        url = reverse("admin:priorities_meetup_change", args=[day.meetup.pk])
        page = admin_client.get(url).content.decode()
        assert "Day 1 (2015-01-26)" in page and "Day 2 (2015-01-27)" in page

        data = form_data(page)
        data.update({"attendances-0-person": str(lead.pk), "attendances-0-days": [str(day.pk)]})
        response = admin_client.post(url, data)
        assert response.status_code == 302, errors_shown(response.content.decode())

        attendance = Attendance.objects.get()
        assert (attendance.person, list(attendance.days.all())) == (lead, [day])

    def test_a_day_of_another_meetup_cannot_be_ticked(self, admin_client, day):
        other = DayFactory(
            meetup=MeetupFactory(
                start_date=datetime.date(2016, 1, 1), end_date=datetime.date(2016, 1, 2)
            )
        )
        url = reverse("admin:priorities_meetup_change", args=[day.meetup.pk])
        data = form_data(admin_client.get(url).content.decode())
        data.update(
            {"attendances-0-person": str(PersonFactory().pk), "attendances-0-days": [str(other.pk)]}
        )
        response = admin_client.post(url, data)
        assert response.status_code == 200
        assert any(
            "Select a valid choice" in error for error in errors_shown(response.content.decode())
        )
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("bad", ["abc", "99999999999999999999999", "-1"])
    def test_a_damaged_attendance_row_is_refused_with_a_message(self, admin_client, day, bad):
        url = reverse("admin:priorities_meetup_change", args=[day.meetup.pk])
        data = form_data(admin_client.get(url).content.decode())
        for field, value in (("person", bad), ("days", [str(day.pk), bad])):
            row = {"attendances-0-person": str(PersonFactory().pk), "attendances-0-days": []}
            row[f"attendances-0-{field}"] = value
            response = admin_client.post(url, {**data, **row})
            assert response.status_code == 200
            assert any("valid" in error for error in errors_shown(response.content.decode()))
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("bad", ["abc", "99999999999999999999999"])
    def test_a_damaged_lead_is_refused_with_a_message(self, admin_client, api, bad):
        priority = priority_of(api)
        url = reverse("admin:priorities_cycle_change", args=[priority.cycle.pk])
        data = form_data(admin_client.get(url).content.decode())
        row = next(k for k, v in data.items() if k.endswith("-id") and v == str(priority.pk))
        leads_field = row.removesuffix("-id") + "-leads"
        response = admin_client.post(
            url, {**data, leads_field: [str(leads_of(api).first().pk), bad]}
        )
        assert response.status_code == 200
        assert f"“{bad}” is not a valid value." in errors_shown(response.content.decode())
        assert leads_of(api).count() == 2

    def test_cycle_leads_are_set_on_the_cycles_priority_list(self, admin_client, api):
        priority = priority_of(api)
        url = reverse("admin:priorities_cycle_change", args=[priority.cycle.pk])
        data = form_data(admin_client.get(url).content.decode())
        row = next(k for k, v in data.items() if k.endswith("-id") and v == str(priority.pk))
        dan = PersonFactory(name="Dan")
        response = admin_client.post(url, {**data, row.removesuffix("-id") + "-leads": [dan.pk]})
        assert response.status_code == 302, errors_shown(response.content.decode())
        assert list(leads_of(api).all()) == [dan]

    def test_editor_adds_a_person_but_cannot_change_attendance(self, editor_client, day):
        response = editor_client.post(
            reverse("admin:priorities_person_add"),
            {"name": "Ken'ichi Ohmichi", "irc_nick": "oomichi", "affiliation": "NEC"},
        )
        assert response.status_code == 302
        assert Person.objects.get().irc_nick == "oomichi"

        url = reverse("admin:priorities_meetup_change", args=[day.meetup.pk])
        page = editor_client.get(url)
        assert page.status_code == 200  # editors may view a meetup, attendance included
        data = form_data(page.content.decode())
        data.update(
            {
                "attendances-TOTAL_FORMS": "1",
                "attendances-INITIAL_FORMS": "0",
                "attendances-0-person": str(Person.objects.get().pk),
                "attendances-0-days": [str(day.pk)],
            }
        )
        assert editor_client.post(url, data).status_code == 403
        assert not Attendance.objects.exists()

    def test_a_duplicate_nick_is_refused_with_a_message(self, admin_client):
        PersonFactory(irc_nick="alex_xu")
        response = admin_client.post(
            reverse("admin:priorities_person_add"), {"name": "Alex", "irc_nick": "ALEX_XU"}
        )
        assert "Someone else already has this IRC nick." in errors_shown(response.content.decode())


def test_priority_area_page_names_its_leads(client, api):
    html = client.get(api.get_absolute_url()).content.decode()
    assert "led by <bdi>Christopher</bdi>, <bdi>Ken&#x27;ichi</bdi>" in html


def test_meetup_page_links_to_its_decisions_and_actions(client, day):
    html = client.get(day.meetup.get_absolute_url()).content.decode()
    assert 'href="/decisions/?meetup=kilo"' in html
    assert 'href="/actions/?meetup=kilo"' in html


def test_people_list_says_which_areas_each_person_leads(admin_client, api):
    response = admin_client.get(reverse("admin:priorities_person_changelist"))
    rows = {person.name: person for person in response.context["cl"].result_list}
    assert set(rows) == {"Christopher", "Ken'ichi"}
    assert "API v2.1 (Kilo)" in response.content.decode()
