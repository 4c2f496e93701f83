"""Every API endpoint, as anonymous, with the token of an editor of team A, with the token of
an editor of team B, and with a superuser's: reads are everyone's, writes their team's."""

import json

import pytest

from priorities.api.urls import router
from priorities.models import ApiToken, Team
from tests.factories import EditorFactory, PriorityAreaFactory, UserFactory, other_team

pytestmark = pytest.mark.django_db

ANONYMOUS, EDITOR_A, EDITOR_B, SUPERUSER = "anonymous", "editor A", "editor B", "superuser"

#: What posting to team A's session answers, by role.
WRITE_EXPECTED = {ANONYMOUS: 401, EDITOR_A: 201, EDITOR_B: 400, SUPERUSER: 201}
WRITABLE = {"status-updates", "decisions", "action-items"}


def headers_for(role):
    if role == ANONYMOUS:
        return {}
    if role == SUPERUSER:
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = EditorFactory()
        user.teams.add(Team.objects.get(slug="openstack-nova" if role == EDITOR_A else "dvr"))
    return {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, role)[1]}"}


def write_body(endpoint, session, area):
    return {
        "status-updates": {
            "session": session.pk,
            "area": area.pk,
            "status": "blocked",
            "headline": "Posted by the walk",
        },
        "decisions": {"session": session.pk, "text": "Posted by the walk"},
        "action-items": {"session": session.pk, "owner": "Walker", "text": "Posted"},
    }[endpoint]


@pytest.mark.parametrize("role", [ANONYMOUS, EDITOR_A, EDITOR_B, SUPERUSER])
def test_every_endpoint_answers_each_role(api, notes, role):
    other_team(name="DVR", cycle="Mitaka")  # team B of the editor of team B, with no data
    session = notes["days"][0].sessions.get()
    area = PriorityAreaFactory(name="Not reported yet", slug="not-reported-yet")
    headers = headers_for(role)
    wrong = []
    for prefix, _viewset, _basename in router.registry:
        listed = api.get(f"/api/{prefix}/", **headers)
        if listed.status_code != 200 or not listed.json()["results"]:
            wrong.append(f"/api/{prefix}/: {listed.status_code}")
            continue
        detail = listed.json()["results"][0]["url"]
        if api.get(detail, **headers).status_code != 200:
            wrong.append(f"{detail}: not 200")
        if prefix in WRITABLE:
            posted = api.post(
                f"/api/{prefix}/",
                json.dumps(write_body(prefix, session, area)),
                content_type="application/json",
                **headers,
            )
            if posted.status_code != WRITE_EXPECTED[role]:
                wrong.append(f"POST /api/{prefix}/: {posted.status_code}")
        for method in ("put", "patch", "delete"):
            answer = getattr(api, method)(detail, **headers)
            if answer.status_code != 405:  # read-only records, whoever asks
                wrong.append(f"{method.upper()} {detail}: {answer.status_code}")
    for path in ("/api/", "/api/schema/", "/api/docs/"):
        if api.get(path, **headers).status_code != 200:
            wrong.append(f"{path}: not 200")
    assert wrong == []
