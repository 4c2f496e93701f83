"""Personal API tokens in the admin: made by an editor, shown once, kept hashed, revoked."""

import hashlib
import re

import pytest
from django.urls import reverse

from priorities.models import ApiToken
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:priorities_apitoken_add")
LIST = reverse("admin:priorities_apitoken_changelist")


def make_token(client, name="Status bot"):
    response = client.post(ADD, {"name": name})
    assert response.status_code == 200
    page = response.content.decode()
    (key,) = re.findall(r'value="(mnt_[^"]+)"', page)
    return ApiToken.objects.get(name=name), key, page


def test_an_editor_makes_a_token_and_sees_its_key_once(editor_client, editor):
    token, key, page = make_token(editor_client)
    assert "shown only this once" in page
    assert token.user == editor
    # Only a digest and the first characters are kept.
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(token.prefix)
    assert len(key) > 40
    assert key not in editor_client.get(LIST).content.decode()
    change = editor_client.get(reverse("admin:priorities_apitoken_change", args=[token.pk]))
    assert key not in change.content.decode()
    assert token.prefix in change.content.decode()


def test_the_key_works_on_the_api(editor_client, client):
    _token, key = make_token(editor_client)[:2]
    answer = client.get("/api/teams/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200


def test_an_editor_sees_only_their_own_tokens(editor_client):
    other, _key = ApiToken.issue(EditorFactory(), "Someone else's bot")
    mine = make_token(editor_client)[0]
    listed = editor_client.get(LIST).content.decode()
    assert mine.name in listed
    assert other.name not in listed
    response = editor_client.get(reverse("admin:priorities_apitoken_change", args=[other.pk]))
    assert response.status_code == 302  # "doesn't exist": not theirs


def test_revoking_a_token_stops_it_and_keeps_its_record(editor_client, client):
    token, key = make_token(editor_client)[:2]
    response = editor_client.post(
        LIST, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 token(s) revoked." in response.content.decode()
    token.refresh_from_db()
    assert token.revoked
    answer = client.get("/api/teams/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 401


def test_a_token_needs_a_name(editor_client):
    response = editor_client.post(ADD, {"name": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()
