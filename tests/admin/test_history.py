"""Earlier versions of days, sessions, updates and outcomes are kept, shown and restorable."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from priorities.models import StatusUpdate
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    EditorFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.html import errors_shown, form_data, parse

pytestmark = pytest.mark.django_db

editors_history = importlib.import_module("priorities.migrations.0006_editors_history_permissions")


@pytest.fixture
def alice():
    return EditorFactory(username="alice")


@pytest.fixture
def alice_browser(alice):
    client = Client()
    client.force_login(alice)
    return client


def admin_save(client, url, **changes):
    data = form_data(client.get(url).content)
    return client.post(url, {**data, **changes, "_save": "Save"})


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (StatusUpdateFactory, "body"),
        (SessionFactory, "notes"),
        (DayFactory, "summary"),
        (DecisionFactory, "text"),
        (ActionItemFactory, "text"),
        (RiskFactory, "text"),
    ],
)
def test_every_change_in_the_admin_is_kept_with_who_made_it(alice_browser, alice, factory, field):
    obj = factory(**{field: "First words"})
    name = obj._meta.model_name
    url = reverse(f"admin:priorities_{name}_change", args=[obj.pk])
    assert admin_save(alice_browser, url, **{field: "Second words"}).status_code == 302

    history = list(obj.history.order_by("history_id"))
    assert [getattr(record, field) for record in history] == ["First words", "Second words"]
    assert [record.history_type for record in history] == ["+", "~"]
    assert history[-1].history_user == alice

    page = alice_browser.get(reverse(f"admin:priorities_{name}_history", args=[obj.pk]))
    assert page.status_code == 200
    table = next(t for t in parse(page.content).iter("table") if t.get("id") == "change-history")
    rows = [" ".join("".join(row.itertext()).split()) for row in table.iter("tr")]
    newest = rows[1]  # under the header, newest first
    assert "alice" in newest
    assert history[-1].history_date.strftime("%Y") in newest
    assert "First words" in newest and "Second words" in newest  # what changed


def test_updates_saved_inline_on_a_session_are_kept_with_who_saved_them(alice_browser, alice):
    update = StatusUpdateFactory(headline="Before")
    url = reverse("admin:priorities_session_change", args=[update.session.pk])
    assert admin_save(alice_browser, url, **{"updates-0-headline": "After"}).status_code == 302
    newest = update.history.first()
    assert (newest.headline, newest.history_user) == ("After", alice)


def test_an_editor_restores_an_earlier_version(alice_browser, alice):
    update = StatusUpdateFactory(headline="The right words", body="Careful notes")
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    admin_save(alice_browser, url, headline="Oops", body="")
    first = update.history.earliest("history_date")

    restore_url = reverse(
        "admin:priorities_statusupdate_simple_history", args=[update.pk, first.history_id]
    )
    response = admin_save(alice_browser, restore_url)

    assert response.status_code == 302, errors_shown(response.content)
    update.refresh_from_db()
    assert (update.headline, update.body) == ("The right words", "Careful notes")
    assert update.body_html == "<p>Careful notes</p>"  # rendered again as it is restored
    assert update.version == 3
    assert update.saved_by == alice
    assert update.history.first().history_user == alice
    assert update.history.count() == 3  # restoring is itself a change, kept like the others


def test_restoring_over_a_newer_change_is_refused(alice_browser):
    update = StatusUpdateFactory(headline="Original")
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    admin_save(alice_browser, url, headline="Second")
    first = update.history.earliest("history_date")
    restore_url = reverse(
        "admin:priorities_statusupdate_simple_history", args=[update.pk, first.history_id]
    )
    restore_form = form_data(alice_browser.get(restore_url).content)
    bob = Client()
    bob.force_login(EditorFactory(username="bob"))
    admin_save(bob, url, headline="Bob's newer words")

    response = alice_browser.post(restore_url, {**restore_form, "_save": "Save"})

    assert response.status_code == 200
    assert any("Bob's newer words" in message for message in errors_shown(response.content))
    update.refresh_from_db()
    assert update.headline == "Bob's newer words"


def test_deleting_keeps_the_history_and_an_editor_can_bring_the_update_back(alice_browser, alice):
    update = StatusUpdateFactory(headline="Worth keeping")
    pk = update.pk
    delete_url = reverse("admin:priorities_statusupdate_delete", args=[pk])
    assert alice_browser.post(delete_url, {"post": "yes"}).status_code == 302
    assert not StatusUpdate.objects.filter(pk=pk).exists()

    records = StatusUpdate.history.filter(id=pk).order_by("history_id")
    assert [r.history_type for r in records] == ["+", "-"]
    assert records.last().history_user == alice
    history_page = alice_browser.get(reverse("admin:priorities_statusupdate_history", args=[pk]))
    assert history_page.status_code == 200
    table = next(
        t for t in parse(history_page.content).iter("table") if t.get("id") == "change-history"
    )
    newest = " ".join("".join(list(table.iter("tr"))[1].itertext()).split())
    assert "Deleted" in newest and "alice" in newest

    restore_url = reverse(
        "admin:priorities_statusupdate_simple_history", args=[pk, records.first().history_id]
    )
    response = admin_save(alice_browser, restore_url)
    assert response.status_code == 302, errors_shown(response.content)
    assert StatusUpdate.objects.get(pk=pk).headline == "Worth keeping"


def test_someone_who_may_only_read_history_cannot_restore_it():
    readers = Group.objects.create(name="History readers")
    readers.permissions.add(
        *Permission.objects.filter(
            codename__in=["view_statusupdate", "change_statusupdate", "view_historicalstatusupdate"]
        )
    )
    reader = UserFactory(is_staff=True)
    reader.groups.add(readers)
    update = StatusUpdateFactory(headline="Original")
    update.headline = "Changed"
    update.save()
    client = Client()
    client.force_login(reader)
    restore_url = reverse(
        "admin:priorities_statusupdate_simple_history",
        args=[update.pk, update.history.earliest("history_date").history_id],
    )
    data = form_data(client.get(restore_url).content)

    assert client.post(restore_url, {**data, "_save": "Save"}).status_code == 403
    update.refresh_from_db()
    assert update.headline == "Changed"


def test_editors_may_see_and_restore_history_but_not_rewrite_it():
    codenames = set(
        Group.objects.get(name="Editors").permissions.values_list("codename", flat=True)
    )
    for model in ("day", "session", "statusupdate", "decision", "actionitem", "risk"):
        assert {f"view_historical{model}", f"change_historical{model}"} <= codenames
        assert f"delete_historical{model}" not in codenames
        assert f"add_historical{model}" not in codenames


def test_rows_saved_before_history_was_kept_get_a_first_entry():
    update = StatusUpdateFactory(headline="Older than history")
    area = PriorityAreaFactory()
    update.history.all().delete()

    editors_history.record_existing_rows(apps, None)
    editors_history.record_existing_rows(apps, None)  # running it again adds nothing

    records = list(update.history.all())
    assert [(r.headline, r.history_type, r.version) for r in records] == [
        ("Older than history", "+", 1)
    ]
    assert records[0].history_change_reason == editors_history.BASELINE_REASON
    assert not hasattr(area, "history")  # priority areas are organisers' data, not tracked
