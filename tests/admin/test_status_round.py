"""The status round page: one row per priority of the cycle, each saved on its own."""

import json

import pytest
from django.urls import reverse

from priorities.enums import Status
from priorities.models import ActionItem, Decision, Session, StatusUpdate
from tests.factories import EditorFactory, SessionFactory, browser_for, other_team
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
