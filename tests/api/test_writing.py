"""Bots post status updates, decisions and action items with an editor's personal token,
under the admin's rights, team scope, rules, locking and history; every bad request is a 4xx
JSON answer that writes nothing."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from priorities.enums import Status
from priorities.models import ActionItem, ApiToken, Decision, StatusUpdate
from tests.factories import (
    EditorFactory,
    PriorityAreaFactory,
    SessionFactory,
    StatusUpdateFactory,
    TeamFactory,
    UserFactory,
    other_team,
)

pytestmark = pytest.mark.django_db

ANONYMOUS, EDITOR_A, EDITOR_B, SUPERUSER = "anonymous", "editor A", "editor B", "superuser"


@pytest.fixture
def team_a():
    """A session of team A (Nova) and one of its areas, with nothing reported yet."""
    session = SessionFactory(title="Status round")
    area = PriorityAreaFactory(team=session.day.meetup.team, name="Cells v2", slug="cells-v2")
    return session, area


@pytest.fixture
def team_b():
    team, cycle = other_team()
    session = SessionFactory(day__meetup__team=team, day__meetup__cycle=cycle)
    return session, PriorityAreaFactory(team=team, name="DVR", slug="dvr")


def key_for(role):
    """A token's key for ``role`` (None: anonymous)."""
    if role == ANONYMOUS:
        return None
    if role == SUPERUSER:
        user = UserFactory(is_staff=True, is_superuser=True)
    else:
        user = EditorFactory()
        team = other_team()[0] if role == EDITOR_B else TeamFactory()
        user.teams.add(team)
    return ApiToken.issue(user, f"bot of {role}")[1]


def post(api, url, body, key=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return api.post(url, data, content_type="application/json", **headers, **extra)


def update_body(session, area, /, **changes):
    return {
        "session": session.pk,
        "area": area.pk,
        "status": "good-progress",
        "headline": "Cells v2 is moving",
        "body": "Patches *landed*.",
        **changes,
    }


#: What each role gets posting to team A's session: (status update, decision, action item).
EXPECTED = {ANONYMOUS: 401, EDITOR_A: 201, EDITOR_B: 400, SUPERUSER: 201}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_posts_to_team_a_as_the_admin_would_let_it(api, team_a, role, row_counts):
    session, area = team_a
    key = key_for(role)
    before = row_counts()
    answers = [
        post(api, "/api/status-updates/", update_body(session, area), key),
        post(api, "/api/decisions/", {"session": session.pk, "text": "Agreed"}, key),
        post(
            api,
            "/api/action-items/",
            {"session": session.pk, "owner": "Alice", "text": "Do it", "area": area.pk},
            key,
        ),
    ]
    assert [answer.status_code for answer in answers] == [EXPECTED[role]] * 3
    for answer in answers:
        assert answer["Content-Type"] == "application/json"
    if EXPECTED[role] == 201:
        assert StatusUpdate.objects.filter(session=session).count() == 1
        assert Decision.objects.filter(session=session).count() == 1
        assert ActionItem.objects.filter(session=session, done=False).count() == 1
    else:
        assert row_counts() == before
    if role == EDITOR_B:
        # Team A's session is not one of theirs: "does not exist", as in the admin.
        assert "does not exist" in answers[0].json()["session"][0]


def test_a_posted_update_is_saved_by_the_editor_with_history(api, team_a):
    session, area = team_a
    user = EditorFactory()
    _token, key = ApiToken.issue(user, "IRC bot")
    answer = post(api, "/api/status-updates/", update_body(session, area), key)
    assert answer.status_code == 201
    update = StatusUpdate.objects.get()
    assert answer["Location"] == f"http://testserver/api/status-updates/{update.pk}/"
    assert answer.json()["headline"] == "Cells v2 is moving"
    assert update.saved_by == user
    assert update.body == "Patches *landed*."
    assert update.day_date == session.day.date
    (record,) = update.history.all()
    assert record.history_user == user
    assert record.history_type == "+"
    # It is on the day page at once.
    assert "Cells v2 is moving" in api.get(session.day.get_absolute_url()).content.decode()


def test_the_token_records_its_last_use(api, team_a):
    token, key = ApiToken.issue(EditorFactory(), "IRC bot")
    assert token.last_used_at is None
    post(api, "/api/decisions/", {"session": team_a[0].pk, "text": "Agreed"}, key)
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer mnt_not-a-token", "Invalid or revoked token."),
        ("Bearer", "The Authorization header must be “Bearer <token>”."),
        ("Bearer two words", "The Authorization header must be “Bearer <token>”."),
    ],
)
def test_a_bad_token_is_a_401(api, team_a, header, detail):
    session, area = team_a
    answer = api.post(
        "/api/status-updates/",
        json.dumps(update_body(session, area)),
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )
    assert answer.status_code == 401
    assert answer.json() == {"detail": detail}
    assert answer["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not StatusUpdate.objects.exists()


def test_a_revoked_token_no_longer_works(api, team_a):
    token, key = ApiToken.issue(EditorFactory(), "IRC bot")
    token.revoked_at = token.created_at
    token.save()
    answer = post(api, "/api/decisions/", {"session": team_a[0].pk, "text": "Agreed"}, key)
    assert answer.status_code == 401


def test_a_token_of_someone_no_longer_staff_no_longer_works(api, team_a):
    user = EditorFactory()
    _token, key = ApiToken.issue(user, "IRC bot")
    user.is_staff = False
    user.save()
    answer = post(api, "/api/decisions/", {"session": team_a[0].pk, "text": "Agreed"}, key)
    assert answer.status_code == 401


def test_a_user_without_the_right_to_add_is_refused(api, team_a):
    _token, key = ApiToken.issue(UserFactory(is_staff=True), "no group")
    answer = post(api, "/api/decisions/", {"session": team_a[0].pk, "text": "Agreed"}, key)
    assert answer.status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("{not json", "detail"),
        ("[1, 2]", "non_field_errors"),
        ({"session": None}, "session"),
        ({"colour": "red"}, "colour"),  # an unknown field is refused, not ignored
        ({"status": "nearly-done"}, "status"),
        ({"headline": ""}, "headline"),
        ({"headline": "two\nlines"}, "headline"),
        ({"headline": "bell \x07"}, "headline"),
        ({"body": "x" * 20_001}, "body"),
        ({"area": 999_999}, "area"),
        ({"session": "one"}, "session"),
    ],
)
def test_bad_input_is_a_400_naming_what_is_wrong(api, team_a, body, field, row_counts):
    session, area = team_a
    key = key_for(EDITOR_A)
    if isinstance(body, dict):
        body = update_body(session, area, **body)
    before = row_counts()
    answer = post(api, "/api/status-updates/", body, key)
    assert answer.status_code == 400, answer.content
    assert field in answer.json()
    assert row_counts() == before


def test_a_body_too_large_for_one_record_is_a_413_read_no_further(api, team_a):
    session, area = team_a
    body = update_body(session, area, body="x" * 300_000)
    answer = post(api, "/api/status-updates/", body, key_for(EDITOR_A))
    assert answer.status_code == 413
    assert answer.json() == {"detail": "The request body is too large for one record."}
    assert not StatusUpdate.objects.exists()


def test_a_form_post_is_a_415(api, team_a):
    answer = api.post(
        "/api/decisions/",
        {"session": team_a[0].pk, "text": "Agreed"},
        HTTP_AUTHORIZATION=f"Bearer {key_for(EDITOR_A)}",
    )
    assert answer.status_code == 415
    assert "Unsupported media type" in answer.json()["detail"]


def test_an_area_of_another_team_is_refused_even_to_a_superuser(api, team_a, team_b):
    session, _area = team_a
    _other_session, other_area = team_b
    answer = post(api, "/api/status-updates/", update_body(session, other_area), key_for(SUPERUSER))
    assert answer.status_code == 400
    assert answer.json() == {"area": ["The priority area must be one of the meetup's team."]}
    assert not StatusUpdate.objects.exists()


def test_a_second_update_of_an_area_in_a_session_is_refused_with_the_admins_message(api, team_a):
    session, area = team_a
    StatusUpdateFactory(session=session, priority_area=area, status=Status.BLOCKED)
    answer = post(api, "/api/status-updates/", update_body(session, area), key_for(EDITOR_A))
    assert answer.status_code == 400
    assert answer.json() == {
        "non_field_errors": ["This priority area already has an update in this session."]
    }


def test_reads_never_need_a_token_and_a_token_may_read(api, team_a):
    key = key_for(EDITOR_B)
    assert api.get("/api/status-updates/").status_code == 200
    answer = api.get("/api/status-updates/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200
    assert "private" in answer["Cache-Control"]


def test_a_bad_token_on_a_read_is_a_401_even_when_the_page_cache_holds_the_answer(api, team_a):
    assert api.get("/api/teams/").status_code == 200
    assert api.get("/api/teams/").status_code == 200  # now from the page cache
    answer = api.get("/api/teams/", HTTP_AUTHORIZATION="Bearer mnt_wrong")
    assert answer.status_code == 401


def test_an_editor_signed_in_writes_with_the_csrf_token_only(team_a):
    session, area = team_a
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(EditorFactory())
    answer = browser.post(
        "/api/status-updates/",
        json.dumps(update_body(session, area)),
        content_type="application/json",
    )
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["detail"]
    assert not StatusUpdate.objects.exists()


@override_settings(API_THROTTLE_RATES={"anon": "3/minute", "user": "2/minute"})
def test_requests_are_throttled(api, team_a):
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=0):
        anonymous = [api.get("/api/teams/").status_code for _n in range(4)]
    assert anonymous == [200, 200, 200, 429]
    key = key_for(EDITOR_A)
    posted = [
        post(api, "/api/decisions/", {"session": team_a[0].pk, "text": f"D{n}"}, key)
        for n in range(3)
    ]
    assert [answer.status_code for answer in posted] == [201, 201, 429]
    assert posted[2]["Retry-After"]
    assert "throttled" in posted[2].json()["detail"]
    assert Decision.objects.count() == 2
