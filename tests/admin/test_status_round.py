"""The status round page: one row per priority of the cycle, each saved on its own."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError
from django.urls import reverse

from priorities.admin.registrations import SessionAdmin
from priorities.enums import Status
from priorities.models import ActionItem, Decision, Risk, Session, StatusUpdate
from tests.factories import EditorFactory, SessionFactory, UserFactory, browser_for, other_team
from tests.html import errors_shown, form_data, parse, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def afternoon(demo_day):
    """A second status round of the demo day, after the morning's."""
    return SessionFactory(day=demo_day, title="Afternoon status round", order=9)


def round_url(session):
    return reverse("admin:priorities_session_round", args=[session.pk])


def rows_of(html):
    """(area name, selected status) of each row, in order."""
    tree = parse(html)
    rows = []
    for fieldset in tree.iter():
        if not (fieldset.get("data-row") or "").startswith("area-"):
            continue
        legend = next(e for e in fieldset.iter() if (e.get("class") or "") == "round-area")
        name = " ".join("".join(legend.itertext()).split()[1:]).split(" last:")[0]
        select = next(e for e in fieldset.iter() if (e.get("name") or "").endswith("-status"))
        chosen = next(o.get("value") for o in select.iter() if o.get("selected") is not None)
        rows.append((name.split(" never reported")[0].split(" updated in")[0], chosen))
    return rows


def test_the_round_lists_the_cycles_priorities_in_order_with_their_last_status(
    editor_client, demo_day, afternoon
):
    response = editor_client.get(round_url(afternoon))
    assert response.status_code == 200
    rows = rows_of(response.content)
    priorities = [p.area.name for p in demo_day.meetup.cycle.priority_list.select_related("area")]
    assert [name for name, _status in rows] == priorities
    morning = {
        u.priority_area.name: u.status
        for u in StatusUpdate.objects.filter(session__day=demo_day).select_related("priority_area")
    }
    assert dict(rows) == {name: morning[name] for name in priorities}


def test_the_round_page_costs_a_fixed_number_of_queries(
    editor_client, demo_day, afternoon, django_assert_max_num_queries
):
    editor_client.get(round_url(afternoon))
    with django_assert_max_num_queries(16):
        assert editor_client.get(round_url(afternoon)).status_code == 200


def row_post(client, session, area_slug, **values):
    """The page's form as a browser posts it, with one row filled in and its Save pressed."""
    page = client.get(round_url(session))
    data = form_data(page.content, "status-round-form")
    area = session.day.meetup.team.areas.get(slug=area_slug)
    for name, value in values.items():
        data[f"area-{area.pk}-{name}"] = value
    return data, area


def test_saving_one_row_puts_the_update_on_the_day_page_at_once(
    editor_client, editor, client, afternoon
):
    data, area = row_post(
        editor_client, afternoon, "scheduler", status=Status.BLOCKED, headline="Blocked on review"
    )
    response = editor_client.post(round_url(afternoon), {**data, "_row": f"area-{area.pk}"})
    assert response.status_code == 302, errors_shown(response.content)
    update = StatusUpdate.objects.get(session=afternoon, priority_area=area)
    assert (update.status, update.headline, update.saved_by) == (
        Status.BLOCKED,
        "Blocked on review",
        editor,
    )
    assert StatusUpdate.objects.filter(session=afternoon).count() == 1  # untouched rows: none
    assert "Blocked on review" in text_of(client.get(afternoon.day.get_absolute_url()).content)


def test_a_row_saved_twice_from_the_same_page_edits_its_update(editor_client, afternoon):
    """The JSON answer gives the row its new version, so the second save is not stale."""
    data, area = row_post(editor_client, afternoon, "bugs", headline="Triage first")
    prefix = f"area-{area.pk}"
    first = editor_client.post(
        round_url(afternoon), {**data, "_row": prefix}, HTTP_ACCEPT="application/json"
    )
    assert first.status_code == 200
    answer = first.json()
    assert answer["saved"] and answer["version"] == 1
    data[f"{prefix}-version"] = str(answer["version"])
    data[f"{prefix}-shown"] = answer["shown"]
    data[f"{prefix}-headline"] = "Triage first, then the gate"
    second = editor_client.post(
        round_url(afternoon), {**data, "_row": prefix}, HTTP_ACCEPT="application/json"
    )
    assert second.status_code == 200, second.content
    update = StatusUpdate.objects.get(session=afternoon, priority_area=area)
    assert (update.headline, update.version) == ("Triage first, then the gate", 2)


def test_saving_the_whole_form_saves_every_changed_row_and_only_those(editor_client, afternoon):
    page = editor_client.get(round_url(afternoon))
    data = form_data(page.content, "status-round-form")
    areas = {a.slug: a for a in afternoon.day.meetup.team.areas.all()}
    data[f"area-{areas['cells-v2'].pk}-headline"] = "Schema agreed"
    data[f"area-{areas['objects'].pk}-headline"] = "Flavors merged"
    data[f"area-{areas['objects'].pk}-status"] = Status.GOOD_PROGRESS
    response = editor_client.post(round_url(afternoon), data)
    assert response.status_code == 302, errors_shown(response.content)
    rows = StatusUpdate.objects.filter(session=afternoon)
    saved = dict(rows.values_list("priority_area__slug", "headline"))
    assert saved == {"cells-v2": "Schema agreed", "objects": "Flavors merged"}


def test_a_row_saved_by_someone_else_since_the_page_is_refused_with_their_text(
    editor_client, second_editor_client, afternoon
):
    data_a, area = row_post(editor_client, afternoon, "bugs", headline="Alice's headline")
    data_b, _area = row_post(second_editor_client, afternoon, "bugs", headline="Bob's headline")
    prefix = f"area-{area.pk}"
    assert editor_client.post(round_url(afternoon), {**data_a, "_row": prefix}).status_code == 302
    # Bob's page was opened before Alice saved: his row is a new update, hers exists now.
    refused = second_editor_client.post(
        round_url(afternoon), {**data_b, "_row": prefix}, HTTP_ACCEPT="application/json"
    )
    assert refused.status_code == 400
    messages = json.dumps(refused.json())
    assert "Alice's headline" in messages
    assert StatusUpdate.objects.get(session=afternoon, priority_area=area).headline == (
        "Alice's headline"
    )


def test_a_headline_is_needed_and_the_row_says_so(editor_client, afternoon):
    data, area = row_post(editor_client, afternoon, "bugs", body="Only a note")
    response = editor_client.post(
        round_url(afternoon), {**data, "_row": f"area-{area.pk}"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400
    assert "headline" in json.dumps(response.json()).lower()
    assert not StatusUpdate.objects.filter(session=afternoon).exists()


def test_decisions_and_action_items_are_added_from_the_same_page(editor_client, afternoon):
    page = editor_client.get(round_url(afternoon))
    data = form_data(page.content, "status-round-form")
    area = afternoon.day.meetup.team.areas.get(slug="scheduler")
    data.update(
        {"outcome-kind": "decision", "outcome-priority_area": area.pk, "outcome-text": "Split it"}
    )
    assert editor_client.post(round_url(afternoon), data).status_code == 302
    data.update(
        {"outcome-kind": "action", "outcome-text": "Write the spec", "outcome-owner": "jaypipes"}
    )
    assert editor_client.post(round_url(afternoon), data).status_code == 302
    assert Decision.objects.get(session=afternoon).text == "Split it"
    action = ActionItem.objects.get(session=afternoon)
    assert (action.owner, action.order) == ("jaypipes", 1)


def test_an_editor_of_another_team_cannot_open_or_post_the_round(afternoon):
    neutron, _liberty = other_team()
    stranger = EditorFactory(username="neutron-editor")
    stranger.teams.add(neutron)
    browser = browser_for(stranger)
    opened = browser.get(round_url(afternoon))
    assert (opened.status_code, opened["Location"]) == (302, reverse("admin:index"))
    area = afternoon.day.meetup.team.areas.first()
    posted = browser.post(
        round_url(afternoon), {"_row": f"area-{area.pk}", f"area-{area.pk}-headline": "Mine"}
    )
    assert posted.status_code == 302
    assert not StatusUpdate.objects.filter(session=afternoon).exists()


def test_a_reader_is_sent_to_the_login_page(client, afternoon):
    response = client.get(round_url(afternoon))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_session_page_links_to_its_round(superuser, afternoon):
    html = (
        browser_for(superuser)
        .get(reverse("admin:priorities_session_change", args=[afternoon.pk]))
        .content.decode()
    )
    assert round_url(afternoon) in html
    assert Session.objects.filter(pk=afternoon.pk).exists()


@pytest.fixture
def session_changer(demo_day):
    """A staff member of the demo team who may change sessions but not add or change their
    status updates, decisions or action items."""
    user = UserFactory(is_staff=True, username="session-only")
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="priorities", codename__in=["view_session", "change_session"]
        )
    )
    user.teams.add(demo_day.meetup.team)
    return browser_for(user)


def test_a_round_post_needs_the_right_to_add_or_change_status_updates(
    session_changer, afternoon, demo_day
):
    data, area = row_post(session_changer, afternoon, "bugs", headline="Not mine to add")
    prefix = f"area-{area.pk}"
    one_row = session_changer.post(
        round_url(afternoon), {**data, "_row": prefix}, HTTP_ACCEPT="application/json"
    )
    assert one_row.status_code == 400
    assert "may not add status updates" in json.dumps(one_row.json())
    whole = session_changer.post(round_url(afternoon), data)
    assert whole.status_code == 200
    assert "may not add status updates" in text_of(whole.content)
    morning = StatusUpdate.objects.filter(session__day=demo_day).exclude(session=afternoon).first()
    morning_round = round_url(morning.session)
    data = form_data(session_changer.get(morning_round).content, "status-round-form")
    data[f"area-{morning.priority_area_id}-headline"] = "Rewritten by someone who may not"
    refused = session_changer.post(morning_round, data)
    assert "may not change status updates" in text_of(refused.content)
    data, _area = row_post(session_changer, afternoon, "bugs")
    data.update({"outcome-kind": "decision", "outcome-text": "Decided by someone who may not"})
    outcome = session_changer.post(round_url(afternoon), data)
    assert "may not add decisions" in text_of(outcome.content)
    assert not StatusUpdate.objects.filter(session=afternoon).exists()
    assert not Decision.objects.filter(session=afternoon).exists()
    morning.refresh_from_db()
    assert morning.headline != "Rewritten by someone who may not"


def test_a_refused_row_gets_the_newer_text_and_version_so_saving_again_is_deliberate(
    editor_client, second_editor_client, afternoon
):
    data_a, area = row_post(editor_client, afternoon, "bugs", headline="Alice's headline")
    data_b, _area = row_post(
        second_editor_client, afternoon, "bugs", headline="Bob's headline", body="Bob's note"
    )
    prefix = f"area-{area.pk}"
    editor_client.post(round_url(afternoon), {**data_a, "_row": prefix})
    refused = second_editor_client.post(
        round_url(afternoon), {**data_b, "_row": prefix}, HTTP_ACCEPT="application/json"
    )
    answer = refused.json()
    assert refused.status_code == 400
    assert answer["version"] == "1" and answer["shown"]
    assert answer["values"]["headline"] == "Bob's headline"  # his own text stays his
    # The page applies the answer (static/js/status_round.js); saving again replaces Alice's.
    data_b.update({f"{prefix}-version": answer["version"], f"{prefix}-shown": answer["shown"]})
    data_b.update({f"{prefix}-{name}": value for name, value in answer["values"].items()})
    again = second_editor_client.post(
        round_url(afternoon), {**data_b, "_row": prefix}, HTTP_ACCEPT="application/json"
    )
    assert again.status_code == 200, again.content
    update = StatusUpdate.objects.get(session=afternoon, priority_area=area)
    assert (update.headline, update.body, update.version) == ("Bob's headline", "Bob's note", 2)


def test_without_javascript_a_rows_save_button_keeps_what_was_typed_in_the_other_rows(
    editor_client, afternoon
):
    """Enter in any one-line field presses the first Save: the whole form is saved."""
    page = editor_client.get(round_url(afternoon))
    data = form_data(page.content, "status-round-form")
    areas = {a.slug: a for a in afternoon.day.meetup.team.areas.all()}
    first = next(key for key in data if key.endswith("-headline")).removesuffix("-headline")
    data[f"area-{areas['cells-v2'].pk}-headline"] = "Schema agreed"
    data[f"area-{areas['objects'].pk}-headline"] = "Flavors merged"
    data.update({"outcome-kind": "risk", "outcome-text": "The gate may break"})
    response = editor_client.post(round_url(afternoon), {**data, "_row": first})
    assert response.status_code == 302, errors_shown(response.content)
    saved = dict(
        StatusUpdate.objects.filter(session=afternoon).values_list(
            "priority_area__slug", "headline"
        )
    )
    assert saved == {"cells-v2": "Schema agreed", "objects": "Flavors merged"}
    assert Risk.objects.get(session=afternoon).text == "The gate may break"


def test_a_saved_round_says_so_as_a_success_which_forgets_the_drafts(editor_client, afternoon):
    data, _area = row_post(editor_client, afternoon, "bugs", headline="Triage first")
    saved = editor_client.post(round_url(afternoon), data, follow=True)
    assert [m.level_tag for m in saved.context["messages"]] == ["success"]
    untouched = form_data(editor_client.get(round_url(afternoon)).content, "status-round-form")
    unchanged = editor_client.post(round_url(afternoon), untouched, follow=True)
    assert [m.level_tag for m in unchanged.context["messages"]] == ["info"]


def test_a_json_post_must_name_its_row(editor_client, afternoon):
    data, _area = row_post(editor_client, afternoon, "bugs", headline="Which row?")
    response = editor_client.post(round_url(afternoon), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert "which row" in json.dumps(response.json()).lower()
    unknown = editor_client.post(
        round_url(afternoon), {**data, "_row": "area-0"}, HTTP_ACCEPT="application/json"
    )
    assert unknown.status_code == 404 and "errors" in unknown.json()
    assert not StatusUpdate.objects.filter(session=afternoon).exists()


def test_a_round_on_a_cycle_without_priorities_answers_a_json_post_without_an_error(
    editor_client, afternoon
):
    afternoon.day.meetup.cycle.priority_list.all().delete()
    StatusUpdate.objects.filter(session__day=afternoon.day).delete()
    page = editor_client.get(round_url(afternoon))
    assert "has no priority list yet" in text_of(page.content)
    response = editor_client.post(
        round_url(afternoon), {"_row": "area-1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 404


def test_a_round_the_database_kept_refusing_is_shown_again_with_what_was_typed(
    editor_client, afternoon, monkeypatch
):
    data, _area = row_post(editor_client, afternoon, "bugs", headline="Typed during a storm")

    def always_busy(self, *args):
        raise IntegrityError("database is locked")

    monkeypatch.setattr(SessionAdmin, "_save_round", always_busy)
    response = editor_client.post(round_url(afternoon), data)
    assert response.status_code == 200
    assert "Typed during a storm" in response.content.decode()
    assert not StatusUpdate.objects.filter(session=afternoon).exists()
