import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from priorities.models import Decision, StatusUpdate
from tests.factories import (
    DayFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def csrf_token(response):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


@pytest.fixture
def csrf_client():
    return Client(enforce_csrf_checks=True)


def test_editor_logs_in_posts_an_update_and_sees_it_on_the_day_page(csrf_client, editor):
    session = SessionFactory(title="Morning status round")
    area = PriorityAreaFactory(name="Cells v2")
    login_url = reverse("admin:login")
    login_page = csrf_client.get(login_url)
    response = csrf_client.post(
        login_url,
        {
            "username": editor.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf_token(login_page),
            "next": reverse("admin:index"),
        },
    )
    assert response.status_code == 302

    add_url = reverse("admin:priorities_statusupdate_add")
    form = csrf_client.get(add_url)
    assert form.status_code == 200
    response = csrf_client.post(
        add_url,
        {
            "csrfmiddlewaretoken": csrf_token(form),
            "session": session.pk,
            "priority_area": area.pk,
            "status": "slow-progress",
            "headline": "CI with cells on is the hurdle",
            "body": "Tests are *disabled* for now.",
            "reported_by": "Cells lead",
            "delivery": "in-person",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = StatusUpdate.objects.get()
    assert update.saved_by == editor

    day_page = csrf_client.get(session.day.get_absolute_url()).content.decode()
    assert "CI with cells on is the hurdle" in day_page
    assert "<em>disabled</em>" in day_page
    assert "Slow progress" in day_page


def test_posting_without_a_csrf_token_is_refused(csrf_client, editor):
    csrf_client.force_login(editor)
    session = SessionFactory()
    response = csrf_client.post(
        reverse("admin:priorities_statusupdate_add"),
        {
            "session": session.pk,
            "priority_area": PriorityAreaFactory().pk,
            "status": "started",
            "headline": "No token",
        },
    )
    assert response.status_code == 403
    assert not StatusUpdate.objects.exists()


def test_editor_adds_updates_and_decisions_inline_on_a_session(editor_client, editor):
    session = SessionFactory()
    area = PriorityAreaFactory()
    url = reverse("admin:priorities_session_change", args=[session.pk])
    data = {
        "day": session.day.pk,
        "title": session.title,
        "kind": session.kind,
        "part_of_day": "",
        "start_time": "",
        "order": session.order,
        "facilitator": "",
        "notes": session.notes,
        "version": session.version,
    }
    for prefix in ("updates", "decisions", "action_items", "risks"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    data.update(
        {
            "updates-TOTAL_FORMS": 1,
            "updates-0-priority_area": area.pk,
            "updates-0-status": "good-progress",
            "updates-0-headline": "Flavors are objectified",
            "updates-0-body": "",
            "updates-0-reported_by": "",
            "updates-0-delivery": "in-person",
            "decisions-TOTAL_FORMS": 1,
            "decisions-0-order": 1,
            "decisions-0-priority_area": area.pk,
            "decisions-0-text": "Move devstack to Neutron",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert StatusUpdate.objects.get().saved_by == editor
    assert Decision.objects.get().text == "Move devstack to Neutron"


def test_editors_group_can_work_on_days_sessions_updates_and_outcomes():
    editors = Group.objects.get(name="Editors")
    codenames = set(editors.permissions.values_list("codename", flat=True))
    for model in ("day", "session", "statusupdate", "decision", "actionitem", "risk"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
    for forbidden in ("delete_meetup", "delete_priorityarea", "add_meetup", "change_user"):
        assert forbidden not in codenames
    assert not editors.permissions.filter(content_type__app_label="auth").exists()


@pytest.mark.parametrize(
    ("url_name", "args", "status"),
    [
        ("admin:index", [], 200),
        ("admin:priorities_statusupdate_changelist", [], 200),
        ("admin:priorities_statusupdate_add", [], 200),
        ("admin:priorities_day_add", [], 200),
        ("admin:priorities_session_add", [], 200),
        ("admin:priorities_decision_add", [], 200),
        ("admin:priorities_meetup_changelist", [], 200),
        ("admin:priorities_meetup_add", [], 403),
        ("admin:auth_user_changelist", [], 403),
        ("admin:auth_group_changelist", [], 403),
    ],
)
def test_editor_permissions_in_the_admin(editor_client, url_name, args, status):
    assert editor_client.get(reverse(url_name, args=args)).status_code == status


def test_editor_cannot_delete_meetups_or_priority_areas(editor_client):
    day = DayFactory()
    area = PriorityAreaFactory()
    for url in (
        reverse("admin:priorities_meetup_delete", args=[day.meetup.pk]),
        reverse("admin:priorities_priorityarea_delete", args=[area.pk]),
    ):
        assert editor_client.get(url).status_code == 403
        assert editor_client.post(url, {"post": "yes"}).status_code == 403


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:priorities_statusupdate_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_user_outside_the_staff_cannot_use_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:index")).status_code == 302


def test_status_update_admin_lists_filters_and_searches(editor_client):
    StatusUpdateFactory(headline="Flavors are a hairy mess")
    StatusUpdateFactory(headline="Detach Service from Compute Node")
    url = reverse("admin:priorities_statusupdate_changelist")
    response = editor_client.get(url, {"q": "hairy"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Flavors are a hairy mess" in content
    assert "Detach Service" not in content
    assert editor_client.get(url, {"status__exact": "blocked"}).status_code == 200


def test_admin_links_to_the_object_on_the_site(editor_client):
    update = StatusUpdateFactory()
    response = editor_client.get(reverse("admin:priorities_statusupdate_change", args=[update.pk]))
    assert "View on site" in response.content.decode()


def test_day_form_rejects_a_date_outside_the_meetup(editor_client):
    day = DayFactory()
    response = editor_client.post(
        reverse("admin:priorities_day_add"),
        {
            "meetup": day.meetup.pk,
            "number": 2,
            "date": "2016-01-01",
            "summary": "",
            "sessions-TOTAL_FORMS": 0,
            "sessions-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "within the meetup&#x27;s dates" in response.content.decode()
    assert day.meetup.days.count() == 1


def test_superuser_sees_every_admin_page(client, superuser):
    client.force_login(superuser)
    for name in ("meetup", "day", "session", "priorityarea", "statusupdate", "decision"):
        assert client.get(reverse(f"admin:priorities_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:priorities_{name}_add")).status_code == 200


def test_signing_in_with_a_refused_next_address_lands_on_the_admin_index(client, editor):
    editor.set_password("correct horse battery")
    editor.save()
    response = client.post(
        reverse("admin:login") + "?next=https://evil.example/",
        {"username": editor.username, "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
