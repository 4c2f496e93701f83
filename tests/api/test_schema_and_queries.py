"""The API's fixed query counts, its OpenAPI schema and the Swagger UI that browses it."""

import pytest
from django.core.cache import cache
from openapi_spec_validator import validate

from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    PersonFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
)
from tests.html import executable_content, parse

pytestmark = pytest.mark.django_db

#: Queries per list, the content version's included: a count, the rows, and what the
#: serializer shows of each row's children (one query per kind, however many rows).
LIST_QUERIES = {
    "teams": 3,
    "cycles": 6,  # + the priority lists, their leads, their areas' team
    "areas": 3,
    "meetups": 4,  # + the days
    "days": 3,
    "sessions": 3,
    "status-updates": 3,
    "decisions": 3,
    "action-items": 3,
    "risks": 3,
}
#: Queries for one record, the content version's included.
DETAIL_QUERIES = {
    "teams": 2,
    "cycles": 5,
    "areas": 2,
    "meetups": 3,
    "days": 7,  # + the sessions, their updates, decisions, action items and risks
    "sessions": 2,
    "status-updates": 2,
    "decisions": 2,
    "action-items": 2,
    "risks": 2,
}
#: A filtered list also fills its form's choices (the teams' cycles, meetups and areas) to
#: check the values against them: ``?team=`` on each.
FILTERED_QUERIES = {"meetups": 6, "days": 5, "status-updates": 6, "decisions": 6}


def grow(notes, times):
    """More of everything on the Nova meetup's days: a fixed count must not move."""
    day = DayFactory(meetup=notes["meetup"], number=3)
    for _n in range(times):
        session = SessionFactory(day=day)
        area = PriorityAreaFactory(leads=[PersonFactory(), PersonFactory()])
        StatusUpdateFactory(session=session, priority_area=area)
        DecisionFactory(session=session, priority_area=area)
        ActionItemFactory(session=session, priority_area=area)
        RiskFactory(session=session)


def detail_url(api, endpoint):
    return api.get(f"/api/{endpoint}/").json()["results"][0]["url"]


def count_queries(api, url, django_assert_num_queries, expected):
    cache.clear()  # the page cache would answer an anonymous reader's second request
    with django_assert_num_queries(expected):
        response = api.get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("times", [1, 12])
@pytest.mark.parametrize("endpoint", LIST_QUERIES)
def test_each_endpoint_costs_a_fixed_number_of_queries(
    api, notes, django_assert_num_queries, endpoint, times
):
    grow(notes, times)
    count_queries(api, f"/api/{endpoint}/", django_assert_num_queries, LIST_QUERIES[endpoint])
    url = detail_url(api, endpoint)
    count_queries(api, url, django_assert_num_queries, DETAIL_QUERIES[endpoint])


@pytest.mark.parametrize("endpoint", FILTERED_QUERIES)
def test_a_filtered_list_costs_a_fixed_number_of_queries_too(
    api, notes, django_assert_num_queries, endpoint
):
    grow(notes, 5)
    url = f"/api/{endpoint}/?team=openstack-nova"
    response = count_queries(api, url, django_assert_num_queries, FILTERED_QUERIES[endpoint])
    assert response.json()["count"] > 0


def test_the_day_endpoint_of_a_large_day_costs_the_same(api, notes, django_assert_num_queries):
    grow(notes, 40)
    day = notes["meetup"].days.get(number=3)
    response = count_queries(api, f"/api/days/{day.pk}/", django_assert_num_queries, 7)
    assert len(response.json()["sessions"]) == 40


def openapi_schema(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_is_valid_openapi(api):
    validate(openapi_schema(api))


def test_the_schema_describes_every_endpoint_and_its_filters(api):
    schema = openapi_schema(api)
    paths = schema["paths"]
    for endpoint in LIST_QUERIES:
        assert f"/api/{endpoint}/" in paths
        assert any(path.startswith(f"/api/{endpoint}/{{") for path in paths), endpoint
    parameters = {p["name"]: p for p in paths["/api/status-updates/"]["get"]["parameters"]}
    assert set(parameters) == {
        "team",
        "cycle",
        "meetup",
        "area",
        "status",
        "since",
        "until",
        "page",
        "page_size",
    }
    assert parameters["since"]["schema"] == {"type": "string", "format": "date"}
    assert "blocked" in parameters["status"]["schema"]["enum"]
    assert "done" in {p["name"] for p in paths["/api/action-items/"]["get"]["parameters"]}


def test_the_docs_run_only_our_own_scripts(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert executable_content(response.content) == []
    scripts = [script.get("src") for script in parse(response.content).iter("script")]
    assert scripts[:2] == [
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js",
    ]
    setup = api.get(scripts[2])
    assert setup["Content-Type"] == "application/javascript"
    assert b"/api/schema/" in setup.content
    for path in scripts[:2]:
        assert api.get(path).status_code == 200, path
