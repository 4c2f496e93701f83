"""Bad input gets a clear message or a 4xx, never a 500 and never a half-saved object;
good input, Unicode included, is stored and shown exactly."""

import datetime

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import reverse

from priorities.interchange.report_export import day_report
from priorities.models import (
    CONTENT_MODELS,
    ActionItem,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
)
from tests.corpora import HOSTILE_VALUES
from tests.factories import (
    ActionItemFactory,
    CycleFactory,
    DecisionFactory,
    PriorityAreaFactory,
    RiskFactory,
    StatusUpdateFactory,
    UserFactory,
)
from tests.html import errors_shown, form_data, inline_row_template, parse, text_of

pytestmark = pytest.mark.django_db

#: The models whose admin change forms the cross product fills in.
FORM_MODELS = [Meetup, Day, Session, PriorityArea, StatusUpdate, Decision, ActionItem, Risk]

#: Inline prefixes of the admin pages, and what they hold.
INLINES = {
    "days": Day,
    "sessions": Session,
    "updates": StatusUpdate,
    "decisions": Decision,
    "action_items": ActionItem,
    "risks": Risk,
}
MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def test_the_corpus_is_large_enough():
    assert len(HOSTILE_VALUES) >= 30


def database_snapshot():
    return {
        model.__name__: list(model.objects.order_by("pk").values_list()) for model in CONTENT_MODELS
    }


@pytest.fixture
def organiser(db):
    client = Client(raise_request_exception=True)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def site(db):
    """A day with one of everything, each reachable from its admin page."""
    update = StatusUpdateFactory()
    session = update.session
    DecisionFactory(session=session, priority_area=update.priority_area)
    ActionItemFactory(session=session)
    RiskFactory(session=session)
    return {
        Meetup: session.day.meetup,
        Day: session.day,
        Session: session,
        PriorityArea: update.priority_area,
        StatusUpdate: update,
        Decision: session.decisions.get(),
        ActionItem: session.action_items.get(),
        Risk: session.risks.get(),
    }


def add_inline_row(html, data, prefix, **values):
    """Fill in a new inline row, as "Add another" does in the browser."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    row = {**inline_row_template(html, prefix), **values}
    data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def admin_forms(client, site):
    """(name, url, data): every admin form, filled in validly, as a browser would post it."""
    for model, obj in site.items():
        url = reverse(f"admin:priorities_{model._meta.model_name}_change", args=[obj.pk])
        yield f"change {model._meta.model_name}", url, form_data(client.get(url).content)

    day, area = site[Day], site[PriorityArea]
    new_area = PriorityAreaFactory(name="Fresh area")
    adds = {
        Meetup: {
            "name": "New meetup",
            "slug": "new-meetup",
            "team": day.meetup.team_id,
            "cycle": day.meetup.cycle_id,
            "start_date": "2015-07-21",
            "end_date": "2015-07-23",
        },
        Day: {"meetup": day.meetup.pk, "number": "3", "date": "2015-01-28"},
        Session: {"day": day.pk, "title": "New session", "order": "5"},
        StatusUpdate: {
            "session": site[Session].pk,
            "priority_area": new_area.pk,
            "status": "started",
            "headline": "New headline",
        },
    }
    inline_rows = {
        Meetup: {"days": {"number": "1", "date": "2015-07-21"}},
        Day: {"sessions": {"title": "Inline session", "order": "2"}},
        Session: {
            "updates": {"priority_area": area.pk, "status": "blocked", "headline": "Inline"},
            "decisions": {"text": "Inline decision"},
        },
    }
    for model, values in adds.items():
        url = reverse(f"admin:priorities_{model._meta.model_name}_add")
        html = client.get(url).content
        data = {**form_data(html), **values}
        for prefix, row in inline_rows.get(model, {}).items():
            add_inline_row(html, data, prefix, **row)
        yield f"add {model._meta.model_name}", url, data

    url = reverse("admin:priorities_day_import")
    yield "import report", url, {**form_data(client.get(url).content), "text": day_report(day)}

    url = reverse("admin:priorities_actionitem_changelist")
    data = form_data(client.get(url).content, form_id="changelist-form")
    yield "action items list", url, {**data, "_save": "Save"}


#: How the admin says why it refused a form (checked on the bytes: parsing every page is slow).
REFUSAL_MARKS = (b'class="errorlist', b'class="errornote', b'class="error"')


def post_and_check(client, url, data, before=None):
    """Post ``data``; a refusal must say why (or be a 400) and leave the database as it was.

    Runs in a transaction rolled back afterwards, so each post starts from the same data (and
    a caller posting many times may pass the database's snapshot, ``before``, taken once).
    Returns the response.
    """
    with transaction.atomic():
        before = before if before is not None else database_snapshot()
        response = client.post(url, data)
        assert response.status_code in {200, 302, 400}, response.status_code
        if response.status_code != 302:
            if response.status_code == 200:
                assert any(mark in response.content for mark in REFUSAL_MARKS), "no message"
            assert database_snapshot() == before, "a refused form saved something"
        transaction.set_rollback(True)
    return response


@pytest.mark.any_database  # the admin forms' doing, on any database
def test_every_admin_form_is_filled_in_validly_by_the_test(organiser, site):
    """The starting point of the hostile posts below is itself accepted, for every form."""
    forms = list(admin_forms(organiser, site))
    assert [name for name, _url, _data in forms] == FORM_NAMES
    for name, url, data in forms:
        with transaction.atomic():
            response = organiser.post(url, data)
            transaction.set_rollback(True)
        assert response.status_code in {200, 302}, name
        if name == "import report":  # a valid upload shows its preview
            assert "would" in text_of(response.content).lower() or not errors_shown(
                response.content
            ), name
        else:
            assert response.status_code == 302, (name, errors_shown(response.content))


FORM_NAMES = [
    *(f"change {model._meta.model_name}" for model in FORM_MODELS),
    *(f"add {model._meta.model_name}" for model in (Meetup, Day, Session, StatusUpdate)),
    "import report",
    "action items list",
]


#: The cross product of every hostile value and every field of every admin form: what it finds
#: is the forms' and the models' doing, the same on every database (CI runs it once).
@pytest.mark.any_database
@pytest.mark.parametrize("form_name", FORM_NAMES)
def test_every_hostile_value_in_every_field_of_an_admin_form(organiser, site, form_name):
    # Only the forms up to this one are built (every one is checked valid above).
    url, data = next((u, d) for name, u, d in admin_forms(organiser, site) if name == form_name)
    fields = [
        key
        for key in data
        if key not in {"csrfmiddlewaretoken", "_save"} and not key.endswith(MANAGEMENT)
    ]
    before = database_snapshot()
    for value in HOSTILE_VALUES:
        post_and_check(organiser, url, {**data, **dict.fromkeys(fields, value)}, before)


@pytest.mark.any_database  # the admin forms' doing, on any database
@pytest.mark.parametrize("value", ["", "x", "-1", "0", "\x00", "1e3"])
def test_damaged_inline_management_data_is_refused(organiser, site, value):
    """The hidden counts of a session's inline rows are damaged: refused, whatever they claim."""
    url = reverse("admin:priorities_session_change", args=[site[Session].pk])
    data = form_data(organiser.get(url).content)
    for key in [k for k in data if k.endswith(MANAGEMENT[:2])]:
        post_and_check(organiser, url, {**data, key: value})


@pytest.mark.any_database  # the admin forms' doing, on any database
def test_more_inline_rows_than_a_page_holds_are_refused(organiser, site):
    url = reverse("admin:priorities_session_change", args=[site[Session].pk])
    data = form_data(organiser.get(url).content)
    response = post_and_check(organiser, url, {**data, "risks-TOTAL_FORMS": "101"})
    assert any("Please submit at most 100 forms." in m for m in errors_shown(response.content))


def text_fields(html):
    """Names of the free-text fields of the page's main form (not slugs, dates or times)."""
    names = set()
    for element in parse(html).iter():
        name = element.get("name") or ""
        classes = set((element.get("class") or "").split())
        if "__prefix__" in name or name.endswith("slug") or classes & {"vDateField", "vTimeField"}:
            continue
        kind = (element.get("type") or "text").lower()
        if element.tag == "textarea" or (element.tag == "input" and kind == "text"):
            names.add(name)
    return names - {"q"}


def stored(site, data, name):
    """The value now stored for form field ``name`` (``updates-0-body`` or ``headline``)."""
    parts = name.split("-")
    if len(parts) == 3 and parts[0] in INLINES:
        obj = INLINES[parts[0]].objects.get(pk=data[f"{parts[0]}-{parts[1]}-id"])
        return getattr(obj, parts[2]), obj._meta.get_field(parts[2])
    return None


def as_stored(value, field):
    """What a field keeps of ``value``: Markdown as typed (LF line breaks), lines trimmed."""
    if field.get_internal_type() == "TextField":
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value if value.strip() else ""
    return value.strip()


#: Decisions, action items and risks are edited inline on the session's page.
@pytest.mark.any_database  # the admin forms' doing, on any database
@pytest.mark.parametrize("model", [StatusUpdate, Session, Day, Meetup, PriorityArea])
def test_hostile_text_is_stored_exactly_or_refused_with_a_message(organiser, site, model):
    obj = site[model]
    url = reverse(f"admin:priorities_{model._meta.model_name}_change", args=[obj.pk])
    html = organiser.get(url).content
    data = form_data(html)
    fields = text_fields(html)
    accepted = 0
    for value in HOSTILE_VALUES:
        with transaction.atomic():
            response = organiser.post(url, {**data, **dict.fromkeys(fields, value)})
            if response.status_code == 302:
                accepted += 1
                for name in fields:
                    if (found := stored(site, data, name)) is None:
                        kept = getattr(model.objects.get(pk=obj.pk), name)
                        field = model._meta.get_field(name)
                    else:
                        kept, field = found
                    assert kept == as_stored(value, field), (name, value)
            else:
                assert response.status_code == 200
                assert errors_shown(response.content), value
            transaction.set_rollback(True)
    assert accepted >= 10, "hardly anything was accepted: the test posts nonsense"


UNICODE = {
    "headline": "Zellen v2 🚀 — مرحبا بالعالم — e\u0301 — 中文 — 👩‍👩‍👧‍👦",
    "body": "    indented code stays indented\n\nשלום *עולם* \u200f\n\nCafe\u0301 — ZWJ 👨‍💻\n",  # noqa: RUF001
    "reported_by": "Ærøskøbing Ω ﬁ",
}


def test_unicode_is_stored_and_shown_exactly(organiser, site):
    update = site[StatusUpdate]
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    data = form_data(organiser.get(url).content)
    posted = {**UNICODE, "body": UNICODE["body"].replace("\n", "\r\n")}  # as browsers send it

    assert organiser.post(url, {**data, **posted}).status_code == 302

    update.refresh_from_db()
    assert (update.headline, update.body, update.reported_by) == (
        UNICODE["headline"],
        UNICODE["body"],
        UNICODE["reported_by"],
    )
    page = text_of(organiser.get(update.session.day.get_absolute_url()).content)
    assert UNICODE["headline"] in page
    assert "Ærøskøbing Ω ﬁ" in page
    assert "indented code stays indented" in page
    admin_form = form_data(organiser.get(url).content)
    assert (admin_form["headline"], admin_form["body"]) == (UNICODE["headline"], UNICODE["body"])


def test_every_admin_form_field_has_a_length_limit():
    """A text field without a limit would take a 1 GB post; every field says how long it may be."""
    request = type("Request", (), {"user": UserFactory.build(is_superuser=True, is_active=True)})
    unlimited = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "priorities":
            continue
        forms = [model_admin.get_form(request)()]
        forms += [
            inline.get_formset(request).form()
            for inline in model_admin.get_inline_instances(request)
        ]
        for form in forms:
            for name, field in form.fields.items():
                if hasattr(field, "max_length") and field.max_length is None:
                    unlimited.append(f"{form._meta.model.__name__}.{name}")
    assert unlimited == []


@pytest.mark.parametrize(
    ("field", "limit"),
    [("headline", 200), ("reported_by", 200), ("body", 20_000)],
)
def test_too_long_text_is_refused_with_its_limit(organiser, site, field, limit):
    update = site[StatusUpdate]
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    data = form_data(organiser.get(url).content)
    exactly = organiser.post(url, {**data, field: "x" * limit})
    assert exactly.status_code == 302
    data = form_data(organiser.get(url).content)
    response = post_and_check(organiser, url, {**data, field: "x" * (limit + 1)})
    assert any(
        f"Ensure this value has at most {limit} characters (it has {limit + 1})." in message
        for message in errors_shown(response.content)
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("headline", "", "This field is required."),
        ("headline", "   ", "This field is required."),
        ("headline", "two\nlines", "Keep this on a single line"),
        ("headline", "bell \x07", "Remove the invisible control character U+0007"),
        ("body", "NUL \x00 inside", "Null characters are not allowed."),
        ("reported_by", "\x00", "Null characters are not allowed."),
        ("status", "finished", "Select a valid choice."),
        ("session", "abc", "Select a valid choice."),
        ("priority_area", "99999999999999999999", "Select a valid choice."),
    ],
)
def test_bad_values_get_a_clear_message(organiser, site, field, value, message):
    update = site[StatusUpdate]
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    data = form_data(organiser.get(url).content)
    response = post_and_check(organiser, url, {**data, field: value})
    assert response.status_code == 200
    assert any(message in shown for shown in errors_shown(response.content))


def test_a_day_outside_its_new_meetup_is_refused_when_added_with_it(organiser):
    url = reverse("admin:priorities_meetup_add")
    html = organiser.get(url).content
    data = {
        **form_data(html),
        "name": "Liberty mid-cycle",
        "slug": "liberty-mid-cycle",
        "team": CycleFactory().team_id,
        "cycle": CycleFactory().pk,
        "start_date": "2015-07-21",
        "end_date": "2015-07-23",
    }
    add_inline_row(html, data, "days", number="1", date="2015-08-30")

    response = post_and_check(organiser, url, data)

    assert any("within the meetup's dates" in m for m in errors_shown(response.content))
    assert not Meetup.objects.filter(slug="liberty-mid-cycle").exists()


def test_duplicates_are_refused_with_a_message(organiser, site):
    day = site[Day]
    url = reverse("admin:priorities_day_add")
    data = {
        **form_data(organiser.get(url).content),
        "meetup": day.meetup.pk,
        "number": str(day.number),
        "date": "2015-01-28",
    }
    response = post_and_check(organiser, url, data)
    assert any("already has a day with this number" in m for m in errors_shown(response.content))

    url = reverse("admin:priorities_priorityarea_add")
    area = site[PriorityArea]
    data = {
        **form_data(organiser.get(url).content),
        "team": area.team_id,
        "name": "Other",
        "slug": area.slug,
    }
    response = post_and_check(organiser, url, data)
    assert any(
        "already has a priority area with this slug" in m for m in errors_shown(response.content)
    )

    session_url = reverse("admin:priorities_session_change", args=[site[Session].pk])
    html = organiser.get(session_url).content
    data = form_data(html)
    for headline in ("Twice", "Twice again"):
        add_inline_row(
            html, data, "updates", priority_area=area.pk, status="started", headline=headline
        )
    response = post_and_check(organiser, session_url, data)
    assert any(
        "This priority area already has an update in this session." in m
        for m in errors_shown(response.content)
    )


MALFORMED = [
    "/meetups/%00/",
    "/meetups/%00/days/1/",
    "/meetups/{meetup}/days/99999999999999999999/",
    "/meetups/{meetup}/days/0/",
    "/meetups/{meetup}/days/-1/",
    "/meetups/{meetup}/days/1%00/",
    "/meetups/{meetup}/days/1/report.md%00",
    "/meetups/../../etc/passwd",
    "/meetups/%2e%2e%2f%2e%2e%2fetc%2fpasswd/",
    "/meetups/..%2f..%2fmeetup%2fsettings.py/",
    "/meetups/" + "a" * 5000 + "/",
    "/meetups/%ff%fe/",
    "/meetups/<script>/",
    "/priorities/%00/",
    "/priorities/{area}/?page=%00",
    "/priorities/{area}/?page=99999999999999999999",
    "/priorities/{area}/?status=%00&meetup=%00",
    "/priorities/{area}/feed/?x=%00",
    "/?status=%00&meetup=%00",
    "/search/?q=%00",
    "/search/?q=" + "x" * 10_000,
    "/search/?meetup=%00&area=%00&status=%00&since=%00&until=99999-99-99",
    "/search/?since=2015-02-30",
    "/static/../meetup/settings.py",
    "/static/%2e%2e/meetup/settings.py",
    "/admin/priorities/statusupdate/%00/change/",
    "/admin/priorities/statusupdate/99999999999999999999/change/",
    "/admin/priorities/statusupdate/-1/change/",
    "/admin/priorities/statusupdate/..%2f..%2f/change/",
    "/admin/priorities/statusupdate/{update}/history/%00/",
    "/admin/priorities/statusupdate/{update}/history/99999999999999999999/",
    "/admin/priorities/statusupdate/?q=%00",
    "/admin/priorities/statusupdate/?status__exact=%00",
    "/admin/priorities/statusupdate/?session__day__meetup__id__exact=abc",
    "/admin/priorities/statusupdate/?session__day__meetup__id__exact=99999999999999999999",
    "/admin/priorities/statusupdate/?o=%00&p=%00",
    "/admin/priorities/statusupdate/?session__day__date__year=%00",
    "/admin/priorities/day/?date__gte=%00",
    "/admin/r/%00/%00/",
    "/admin/r/99999999999999999999/1/",
    "/admin/autocomplete/?app_label=%00&model_name=%00&field_name=%00&term=%00",
    "/admin/autocomplete/?app_label=priorities&model_name=statusupdate"
    "&field_name=priority_area&term=%00",
]


@pytest.mark.parametrize("path", MALFORMED)
def test_malformed_urls_get_a_4xx_or_a_page_never_a_500(organiser, site, path):
    url = path.format(
        meetup=site[Meetup].slug, area=site[PriorityArea].slug, update=site[StatusUpdate].pk
    )
    for client in (organiser, Client(raise_request_exception=True)):
        response = client.get(url)
        assert response.status_code in {200, 301, 302, 400, 403, 404}, (url, response.status_code)


def test_search_with_a_nul_byte_says_what_is_wrong(client):
    response = client.get(reverse("priorities:search"), {"q": "cells\x00"})
    assert response.status_code == 200
    assert any("Null characters are not allowed" in m for m in errors_shown(response.content))


def test_a_damaged_selection_of_rows_is_refused_with_a_message(organiser, site):
    url = reverse("admin:priorities_statusupdate_changelist")
    for selected in ("abc", "\x00", "99999999999999999999", "-1"):
        response = organiser.post(
            url, {"action": "delete_selected", "_selected_action": [selected], "index": "0"}
        )
        assert response.status_code in {200, 302}
        assert StatusUpdate.objects.filter(pk=site[StatusUpdate].pk).exists()


def test_dates_are_checked_against_the_meetup(organiser, site):
    day = site[Day]
    url = reverse("admin:priorities_day_change", args=[day.pk])
    data = form_data(organiser.get(url).content)
    outside = (day.meetup.end_date + datetime.timedelta(days=1)).isoformat()
    response = post_and_check(organiser, url, {**data, "date": outside})
    assert any("within the meetup's dates" in m for m in errors_shown(response.content))
