"""Who may open what: every URL of the site and the admin, as anonymous, an Editor given no
team (who edits every team's data), an Editor of team A (whose the data is), an Editor of team
B, and a superuser.

The URLs come from the URL resolver, so a new page cannot be forgotten: a URL this table does
not know fails ``test_every_url_has_an_expectation`` until someone decides who may see it.
"""

import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from priorities.models import (
    ActionItem,
    ApiToken,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    ReportSending,
    Risk,
    Session,
    StatusUpdate,
    Team,
)
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    EditorFactory,
    PersonFactory,
    RiskFactory,
    StatusUpdateFactory,
    UserFactory,
    other_team,
)
from tests.html import executable_content

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = [pytest.mark.django_db, pytest.mark.any_database]

ANONYMOUS, EDITOR, SUPERUSER = "anonymous", "editor", "superuser"
EDITOR_A, EDITOR_B = "editor of team A", "editor of team B"
ROLES = [ANONYMOUS, EDITOR, EDITOR_A, EDITOR_B, SUPERUSER]
EDITORS = {EDITOR, EDITOR_A, EDITOR_B}

#: The reader pages: everyone gets them.
PUBLIC_PAGES = {
    "priorities:meetup-list",
    "priorities:meetup-detail",
    "priorities:day-detail",
    "priorities:day-report",
    "priorities:priority-list",
    "priorities:priority-detail",
    "priorities:search",
    "priorities:decision-list",
    "priorities:action-list",
    "priorities:updates-feed",
    "priorities:priority-feed",
    "priorities:meetup-feed",
    "priorities:team-detail",
    "priorities:team-feed",
    "live-version",
    "priorities:calendar",
    "priorities:team-calendar",
    "healthz",
}
#: The JSON API, read-only: everyone reads everything, whatever their team. Each endpoint's
#: object, by the router's basename.
API_OBJECTS = {
    "team": "priorities.team",
    "cycle": "priorities.cycle",
    "area": "priorities.priorityarea",
    "meetup": "priorities.meetup",
    "day": "priorities.day",
    "session": "priorities.session",
    "status-update": "priorities.statusupdate",
    "decision": "priorities.decision",
    "action-item": "priorities.actionitem",
    "risk": "priorities.risk",
}
API_PAGES = {
    "api:api-root",
    "api:schema",
    "api:docs",
    *(f"api:{basename}-{kind}" for basename in API_OBJECTS for kind in ("list", "detail")),
}
#: Addresses from before teams: a permanent redirect to the one area of that slug.
LEGACY_PAGES = {"priorities:priority-legacy", "priorities:priority-feed-legacy"}

#: What an Editor may do with each model of the admin (README, "Editing through the admin").
EDITOR_RIGHTS = {
    "priorities.team": {"view"},
    "priorities.cycle": {"view"},
    "priorities.meetup": {"view"},
    "priorities.priorityarea": {"view"},
    "priorities.day": {"add", "change", "view"},
    "priorities.session": {"add", "change", "view"},
    "priorities.statusupdate": {"add", "change", "delete", "view"},
    "priorities.decision": {"add", "change", "delete", "view"},
    "priorities.actionitem": {"add", "change", "delete", "view"},
    "priorities.risk": {"add", "change", "delete", "view"},
    "priorities.person": {"add", "change", "view"},
    # What was sent is the organisers' to see (and to send: a day's "send" page).
    "priorities.reportsending": set(),
    "priorities.apitoken": {"add", "change", "view"},
    "auth.user": set(),
    "auth.group": set(),
}
#: Models whose history an Editor may see and restore.
EDITOR_HISTORY = {
    "priorities.day",
    "priorities.session",
    "priorities.statusupdate",
    "priorities.decision",
    "priorities.actionitem",
    "priorities.risk",
}

LOGIN = "login"  # a redirect to the admin's login page
SITE = "site"  # a redirect away from the admin, to the site
MISSING = "missing"  # a redirect to the admin's index: "... doesn't exist. Perhaps it was deleted?"

#: The admin's own pages: expected answer for anonymous, any Editor, superuser.
ADMIN_PAGES = {
    "admin:index": (LOGIN, 200, 200),
    "admin:login": (200, 302, 302),
    "admin:logout": (302, 405, 405),  # logging out is a POST
    "admin:password_change": (LOGIN, 200, 200),
    "admin:password_change_done": (LOGIN, 200, 200),
    "admin:autocomplete": (LOGIN, 200, 200),
    "admin:jsi18n": (LOGIN, 200, 200),
    "admin:view_on_site": (LOGIN, SITE, SITE),
    "admin:app_list auth": (LOGIN, 404, 200),
    "admin:app_list priorities": (LOGIN, 200, 200),
    "admin catch-all": (LOGIN, 404, 404),
}

#: Pages every registered model has, by the part of the URL after the model's name.
MODEL_PAGES = {
    "": "changelist",
    "add/": "add",
    "<object>/": "redirect",
    "<object>/change/": "change",
    "<object>/delete/": "delete",
    "<object>/history/": "history",
    "<object>/history/<version>/": "restore",
    "<object>/password/": "password",
    "import/": "import",
    "notes/": "notes",
    "<object>/notes/": "notes",
    "<object>/round/": "round",
    "<object>/send/": "send",
}

#: Model pages nobody adds to or deletes from, a superuser neither: a record of what happened.
READ_ONLY = {"priorities.reportsending"}


#: Models whose rows belong to a team (people and accounts are everyone's).
TEAM_DATA = {
    "priorities.team",
    "priorities.cycle",
    "priorities.meetup",
    "priorities.priorityarea",
    "priorities.day",
    "priorities.session",
    "priorities.statusupdate",
    "priorities.decision",
    "priorities.actionitem",
    "priorities.risk",
    "priorities.reportsending",
}


#: Models whose rows are their user's own: nobody else but a superuser reaches them.
PERSONAL_DATA = {"priorities.apitoken"}


def expected_for_another_teams_object(model, page):
    """What an Editor of team B gets on a page of team A's object: never the object."""
    rights = EDITOR_RIGHTS[model]
    if page == "restore" or (page == "history" and model in EDITOR_HISTORY):
        return 403  # history is looked up from the records, then refused
    if page == "delete" and "delete" not in rights:
        return 403
    if page == "change" and not rights & {"view", "change"}:
        return 403  # Django asks for the right before it looks the object up
    return MISSING  # not among the objects the editor may reach


def expected_for_model_page(model, page, role):
    if role == ANONYMOUS:
        return LOGIN
    if model in PERSONAL_DATA and page == "delete":
        return 403  # tokens are revoked, never deleted: their record stays
    if role == SUPERUSER:
        if model in READ_ONLY and page in {"add", "delete"}:
            return 403
        return 302 if page == "redirect" else 200
    if page == "notes" and role == EDITOR_B and model == "priorities.day:object":
        return 302  # "That day does not exist (any more)": back to the list
    model = model.removesuffix(":object")
    object_page = page in {"change", "delete", "history", "restore", "round"}
    if role == EDITOR_B and model in TEAM_DATA and object_page:
        return expected_for_another_teams_object(model, page)
    if model in PERSONAL_DATA and object_page:
        return expected_for_another_teams_object(model, page)  # the site's token is not theirs
    rights = EDITOR_RIGHTS[model]
    allowed = {
        "changelist": "view" in rights,
        "add": "add" in rights,
        "redirect": True,
        "change": bool(rights & {"view", "change"}),
        "delete": "delete" in rights,
        "history": bool(rights & {"view", "change"}),
        "restore": model in EDITOR_HISTORY,
        "password": False,
        "import": {"add", "change"} <= rights,
        "notes": "add" in EDITOR_RIGHTS["priorities.session"],
        "round": "change" in rights,
        "send": False,  # Organisers only (the send_report permission)
    }[page]
    if page == "redirect":
        return 302
    return 200 if allowed else 403


@dataclass
class Page:
    key: str  # the URL's name, or what the tables above call it
    url: str
    model: str | None = None  # app_label.model_name for a model's admin page
    page: str | None = None


def url_patterns(patterns=None, prefix="", namespace=""):
    """(route, name) of every URL pattern the project serves, walked from the resolver."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern).lstrip("^").rstrip("$"), name


REGISTERED = {model._meta.label_lower for model in admin.site._registry}
_ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/(?P<rest>.*)$")
_OBJECT = re.compile(r"<path:object_id>|<id>|\(\[\^/\]\+\)")


@pytest.fixture
def site():
    """One of everything of team A, for the URLs to point at; team B has a cycle of its own."""
    other_team()
    update = StatusUpdateFactory()
    update.headline = "Changed once, so there is history"
    update.save()
    session = update.session
    DecisionFactory(session=session)
    ActionItemFactory(session=session)
    RiskFactory(session=session)
    return {
        "priorities.team": session.day.meetup.team,
        "priorities.cycle": session.day.meetup.cycle,
        "priorities.meetup": session.day.meetup,
        "priorities.day": session.day,
        "priorities.session": session,
        "priorities.priorityarea": update.priority_area,
        "priorities.statusupdate": update,
        "priorities.decision": session.decisions.get(),
        "priorities.actionitem": session.action_items.get(),
        "priorities.risk": session.risks.get(),
        "priorities.person": PersonFactory(),
        "priorities.reportsending": ReportSending.objects.create(
            day=session.day,
            recipients="list@example.org",
            subject="Day 1",
            message_id="<1@example.org>",
            day_version=1,
            content_digest="0" * 64,
        ),
        "priorities.apitoken": ApiToken.issue(UserFactory(is_staff=True), "A bot")[0],
        "auth.user": UserFactory(is_staff=True),
        "auth.group": Group.objects.get(name="Editors"),
    }


def concrete_pages(site):
    """Every URL pattern with real values in it; a pattern no rule fits is a ``?`` page."""
    meetup, day, area = (
        site["priorities.meetup"],
        site["priorities.day"],
        site["priorities.priorityarea"],
    )
    update = site["priorities.statusupdate"]
    for route, name in url_patterns():
        if name in PUBLIC_PAGES | LEGACY_PAGES:
            url = "/" + route.replace("<day:number>", str(day.number)).replace(
                "<slug:slug>", meetup.slug if route.startswith("meetups/") else area.slug
            )
            yield Page(name, url.replace("<slug:team>", area.team.slug))
        elif name in API_PAGES:
            url = "/" + route
            if name.endswith("-detail"):
                obj = site[API_OBJECTS[name.removeprefix("api:").removesuffix("-detail")]]
                key = obj.slug if "<slug:slug>" in url else str(obj.pk)
                url = re.sub(r"<(int:pk|slug:slug)>", key, url)
            yield Page(name, url)
        elif name == "admin:app_list":
            yield Page(f"{name} auth", "/admin/auth/")
            yield Page(f"{name} priorities", "/admin/priorities/")
        elif name == "admin:view_on_site":
            content_type = ContentType.objects.get_for_model(update)
            yield Page(name, reverse(name, args=[content_type.pk, update.pk]))
        elif route == "admin/(?P<url>.*)":
            yield Page("admin catch-all", "/admin/no-such-page/")
        elif name == "admin:autocomplete":
            query = "?app_label=priorities&model_name=statusupdate&field_name=priority_area"
            yield Page(name, reverse(name) + query)
        elif (match := _ADMIN_MODEL.match(route)) and f"{match['app']}.{match['model']}" in (
            REGISTERED
        ):
            model = f"{match['app']}.{match['model']}"
            obj = site.get(model)
            rest = _OBJECT.sub("<object>", match["rest"], count=1)
            rest = rest.replace("([^/]+)", "<version>")
            page = MODEL_PAGES.get(rest, "?")
            url = "/" + route
            if page == "notes" and "<object>" in rest:
                model = f"{model}:object"  # a day's own quick notes page
            if obj is not None and "<object>" in rest:
                url = _OBJECT.sub(str(obj.pk), url, count=1)
                if page == "restore":
                    url = url.replace("([^/]+)", str(obj.history.first().history_id))
            yield Page(name or route, url, model, page)
        elif name in ADMIN_PAGES:
            yield Page(name, reverse(name))
        else:
            yield Page(name or route, "/" + route, page="?")


def expected(page, role):
    if page.key in PUBLIC_PAGES | API_PAGES:
        return 200
    if page.key in LEGACY_PAGES:
        return 301
    if page.key in ADMIN_PAGES:
        anonymous, editor, superuser = ADMIN_PAGES[page.key]
        return {ANONYMOUS: anonymous, SUPERUSER: superuser}.get(role, editor)
    return expected_for_model_page(page.model, page.page, role)


def test_every_url_has_an_expectation(site):
    unknown = [
        page.key
        for page in concrete_pages(site)
        if page.page == "?"
        or (page.model and page.model.removesuffix(":object") not in EDITOR_RIGHTS)
    ]
    assert unknown == [], "Add these URLs to the tables of tests/test_permissions.py"


def client_for(role):
    client = Client()
    if role in EDITORS:
        editor = EditorFactory()
        if role != EDITOR:
            team = "openstack-nova" if role == EDITOR_A else "openstack-neutron"
            editor.teams.add(Team.objects.get(slug=team))
        client.force_login(editor)
    elif role == SUPERUSER:
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def outcome(response, page, site_url_prefix="/admin/"):
    """The answer in the terms of the tables: a status, or where a redirect goes."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("admin:login")):
            return LOGIN
        if location == reverse("admin:index") and page.model:
            return MISSING
        if not location.startswith(site_url_prefix):
            return SITE
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_the_tables_say(site, role):
    client = client_for(role)
    wrong = []
    for page in concrete_pages(site):
        response = client.get(page.url)
        got = outcome(response, page)
        if got != expected(page, role):
            wrong.append(f"{page.url} ({page.key}): expected {expected(page, role)}, got {got}")
        is_html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 200 and is_html:
            found = executable_content(response.content, allow_svg=page.url.startswith("/admin/"))
            if found:
                wrong.append(f"{page.url}: {found}")
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_sent_with_the_security_headers(site, role):
    client = client_for(role)
    for page in concrete_pages(site):
        response = client.get(page.url)
        policy = response.get("Content-Security-Policy", "")
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
        )
        assert directives.get("script-src") == ["'self'"], page.url
        assert directives.get("style-src") == ["'self'"], page.url
        assert directives.get("object-src") == ["'none'"], page.url
        assert directives.get("frame-ancestors") == ["'none'"], page.url
        assert response["X-Content-Type-Options"] == "nosniff", page.url
        assert response["Referrer-Policy"] == "same-origin", page.url
        assert response["X-Frame-Options"] == "DENY", page.url
        assert "camera=()" in response["Permissions-Policy"], page.url


MODELS = {
    "meetup": Meetup,
    "priorityarea": PriorityArea,
    "day": Day,
    "session": Session,
    "statusupdate": StatusUpdate,
    "decision": Decision,
    "actionitem": ActionItem,
    "risk": Risk,
}


@pytest.mark.parametrize(
    ("model_name", "editor_may"),
    [
        ("meetup", False),
        ("priorityarea", False),
        ("day", False),
        ("session", False),
        ("statusupdate", True),
        ("decision", True),
        ("actionitem", True),
        ("risk", True),
    ],
)
def test_an_editor_deletes_only_updates_and_outcomes(site, model_name, editor_may):
    obj = site[f"priorities.{model_name}"]
    response = client_for(EDITOR).post(
        reverse(f"admin:priorities_{model_name}_delete", args=[obj.pk]), {"post": "yes"}
    )
    still_there = MODELS[model_name].objects.filter(pk=obj.pk).exists()
    if editor_may:
        assert response.status_code == 302
        assert not still_there
    else:
        assert response.status_code == 403
        assert still_there


@pytest.mark.parametrize("model_name", ["meetup", "priorityarea"])
def test_an_editor_cannot_create_or_change_meetups_and_priority_areas(site, model_name):
    client = client_for(EDITOR)
    obj = site[f"priorities.{model_name}"]
    before = MODELS[model_name].objects.count()
    add = client.post(reverse(f"admin:priorities_{model_name}_add"), {"name": "New"})
    change = client.post(
        reverse(f"admin:priorities_{model_name}_change", args=[obj.pk]), {"name": "Renamed"}
    )
    assert add.status_code == 403
    assert change.status_code == 403
    assert MODELS[model_name].objects.count() == before
    obj.refresh_from_db()
    assert obj.name != "Renamed"


def test_a_superuser_cannot_delete_a_session_with_updates(site):
    session = site["priorities.session"]
    response = client_for(SUPERUSER).post(
        reverse("admin:priorities_session_delete", args=[session.pk]), {"post": "yes"}
    )
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert Session.objects.filter(pk=session.pk).exists()


def test_state_changing_requests_without_a_csrf_token_are_refused(site):
    """Every admin page that takes a POST refuses one without the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    update = site["priorities.statusupdate"]
    before = StatusUpdate.objects.values_list("pk", "headline", "version").get(pk=update.pk)
    posted = 0
    for page in concrete_pages(site):
        if not page.url.startswith("/admin/") or page.key == "admin:view_on_site":
            continue
        response = client.post(page.url, {"headline": "Forged", "post": "yes", "_save": "1"})
        assert response.status_code == 403, page.url
        assert b"CSRF" in response.content, page.url
        posted += 1
    assert posted > 70
    assert StatusUpdate.objects.values_list("pk", "headline", "version").get(pk=update.pk) == before
    assert StatusUpdate.objects.count() == 1
