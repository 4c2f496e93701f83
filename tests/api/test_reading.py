"""The read-only API: what each endpoint answers, its filters, pages and conditional requests."""

import pytest

from tests.factories import StatusUpdateFactory

pytestmark = pytest.mark.django_db

BASE = "http://testserver"


def get_json(api, url, status=200, **headers):
    response = api.get(url, **headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def results(api, url):
    return get_json(api, url)["results"]


def test_the_root_lists_every_endpoint(api):
    assert set(get_json(api, "/api/")) == {
        "teams",
        "cycles",
        "areas",
        "meetups",
        "days",
        "sessions",
        "status-updates",
        "decisions",
        "action-items",
        "risks",
    }


def test_a_team_and_its_cycle_with_the_priority_list(api, notes):
    teams = results(api, "/api/teams/")
    assert [team["slug"] for team in teams] == ["openstack-neutron", "openstack-nova"]
    nova = get_json(api, "/api/teams/openstack-nova/")
    assert nova["page"] == f"{BASE}/teams/openstack-nova/"
    cycles = results(api, "/api/cycles/?team=openstack-nova")
    assert [(cycle["team"], cycle["slug"]) for cycle in cycles] == [("openstack-nova", "kilo")]
    assert cycles[0]["priority_list"] == [
        {
            "order": 1,
            "area": {
                "id": notes["cells"].pk,
                "team": "openstack-nova",
                "slug": "cells-v2",
                "name": "Cells v2",
            },
            "leads": [],
        }
    ]
    assert [area["slug"] for area in results(api, "/api/areas/?team=openstack-neutron")] == ["dvr"]


def test_a_meetup_with_its_days(api, notes):
    meetup = get_json(api, "/api/meetups/nova-kilo/")
    day1, day2 = notes["days"]
    assert meetup["team"] == "openstack-nova"
    assert meetup["cycle"] == "kilo"
    assert meetup["days"] == [
        {"url": f"{BASE}/api/days/{day1.pk}/", "id": day1.pk, "number": 1, "date": "2015-01-26"},
        {"url": f"{BASE}/api/days/{day2.pk}/", "id": day2.pk, "number": 2, "date": "2015-01-27"},
    ]
    assert meetup["page"] == f"{BASE}/meetups/nova-kilo/"


def test_a_day_holds_its_sessions_with_everything_said_in_them(api, notes):
    day1, _day2 = notes["days"]
    day = get_json(api, f"/api/days/{day1.pk}/")
    assert day["report"] == f"{BASE}/meetups/nova-kilo/days/1/report.md"
    (session,) = day["sessions"]
    assert session["title"] == "Status round"
    assert [(u["area"]["slug"], u["status"], u["headline"]) for u in session["updates"]] == [
        ("cells-v2", "slow-progress", "Slow")
    ]
    assert session["updates"][0]["status_label"] == "Slow progress"
    assert [d["text"] for d in session["decisions"]] == ["Devstack moves"]
    assert [(a["owner"], a["done"]) for a in session["action_items"]] == [
        ("Alice", False),
        ("Bob", True),
    ]
    assert [r["text"] for r in session["risks"]] == ["novaclient lags"]
    assert session["risks"][0]["area"] is None


def test_a_status_update_says_where_it_was_given(api, notes):
    first, _second = notes["updates"]
    update = get_json(api, f"/api/status-updates/{first.pk}/")
    assert update["session"] == first.session_id
    assert update["day"] == first.session.day_id
    assert update["meetup"] == "nova-kilo"
    assert update["page"] == f"{BASE}/meetups/nova-kilo/days/1/#update-{first.pk}"
    assert update["body"] == "Some *progress* was made."  # Markdown as written


@pytest.mark.parametrize(
    ("query", "headlines"),
    [
        ("", ["Better", "Blocked on review", "Slow"]),
        ("?team=openstack-nova", ["Better", "Slow"]),
        ("?cycle=openstack-neutron/liberty", ["Blocked on review"]),
        ("?meetup=nova-kilo", ["Better", "Slow"]),
        ("?area=openstack-nova/cells-v2", ["Better", "Slow"]),
        ("?status=blocked", ["Blocked on review"]),
        ("?since=2015-01-27", ["Better", "Blocked on review"]),
        ("?since=2015-01-26&until=2015-01-26", ["Slow"]),
        ("?team=openstack-nova&status=blocked", []),
    ],
)
def test_status_updates_take_the_search_pages_filters(api, notes, query, headlines):
    found = results(api, f"/api/status-updates/{query}")
    assert sorted(update["headline"] for update in found) == headlines


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?status=nearly-done", "status"),
        ("?meetup=no-such-meetup", "meetup"),
        ("?area=openstack-nova/no-such-area", "area"),
        ("?since=yesterday", "since"),
        ("?since=2015-02-01&until=2015-01-01", "until"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_it(api, notes, query, field):
    errors = get_json(api, f"/api/status-updates/{query}", status=400)
    assert list(errors) == [field]
    assert errors[field][0]["message"]


def test_meetups_filter_as_the_home_page_does(api, notes):
    assert [m["slug"] for m in results(api, "/api/meetups/?status=blocked")] == ["neutron-sprint"]
    assert [m["slug"] for m in results(api, "/api/meetups/?team=openstack-nova")] == ["nova-kilo"]


def test_days_filter_by_meetup_and_dates(api, notes):
    assert [d["number"] for d in results(api, "/api/days/?meetup=nova-kilo")] == [2, 1]
    assert [d["meetup"] for d in results(api, "/api/days/?since=2015-06-01")] == ["neutron-sprint"]


def test_sessions_filter_by_day(api, notes):
    day1, _day2 = notes["days"]
    assert [s["title"] for s in results(api, f"/api/sessions/?day={day1.pk}")] == ["Status round"]


def test_action_items_are_the_open_ones_unless_done_is_asked(api, notes):
    assert [a["owner"] for a in results(api, "/api/action-items/")] == ["Alice"]
    assert [a["owner"] for a in results(api, "/api/action-items/?done=true")] == ["Alice", "Bob"]
    # A done one is still there at its own address.
    assert get_json(api, f"/api/action-items/{notes['done_item'].pk}/")["done"] is True


def test_outcomes_take_the_registers_filters(api, notes):
    assert [d["text"] for d in results(api, "/api/decisions/?q=DEVSTACK")] == ["Devstack moves"]
    assert results(api, "/api/decisions/?team=openstack-neutron") == []
    assert [r["text"] for r in results(api, "/api/risks/?meetup=nova-kilo")] == ["novaclient lags"]


def test_lists_are_paginated(api, notes):
    first = get_json(api, "/api/status-updates/?page_size=2")
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["next"] == f"{BASE}/api/status-updates/?page=2&page_size=2"
    second = get_json(api, "/api/status-updates/?page=2&page_size=2")
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert get_json(api, "/api/status-updates/?page=9", status=404)["detail"]


@pytest.mark.parametrize(
    "url",
    ["/api/teams/no-such-team/", "/api/days/999999/", "/api/meetups/no-such/"],
)
def test_unknown_records_are_a_404(api, notes, url):
    assert "detail" in get_json(api, url, status=404)


def test_a_malformed_id_is_a_404_not_a_500(api, notes):
    assert api.get("/api/days/abc/").status_code == 404


def test_answers_carry_the_content_version_and_answer_304(api, notes):
    url = "/api/status-updates/"
    first = api.get(url)
    assert first.has_header("Last-Modified")
    assert "no-cache" in first["Cache-Control"]
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    StatusUpdateFactory(headline="Something new")
    changed = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Something new" in changed.content.decode()


def test_an_anonymous_answer_is_served_from_the_page_cache(api, notes, django_assert_num_queries):
    url = "/api/status-updates/?team=openstack-nova&utm_source=chat"
    built = api.get(url).content
    with django_assert_num_queries(1):  # the content version, then the cache
        assert api.get(url).content == built
