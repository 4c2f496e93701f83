"""Two editors saving the same thing: the second is told, and nothing is overwritten silently.

Each test opens the admin in two browsers (two clients), as two Editors would.
"""

import pytest
from django import forms
from django.db import transaction
from django.urls import reverse

from priorities.admin.forms import VersionedForm
from priorities.interchange.report_export import day_report
from priorities.interchange.report_import import import_report
from priorities.models import ActionItem, Day, Decision, Risk, Session, StatusUpdate
from priorities.models.locking import VersionConflict
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    editor_browser,
)
from tests.html import Opened, errors_shown, form_data, inline_row_template

pytestmark = pytest.mark.django_db


EDITABLE = [
    (StatusUpdateFactory, StatusUpdate, "headline"),
    (SessionFactory, Session, "notes"),
    (DayFactory, Day, "summary"),
    (DecisionFactory, Decision, "text"),
    (ActionItemFactory, ActionItem, "owner"),
    (RiskFactory, Risk, "text"),
]


@pytest.mark.parametrize(("factory", "model", "field"), EDITABLE)
def test_the_second_editor_is_refused_and_shown_the_newer_text(factory, model, field):
    obj = factory(**{field: "What both editors opened"})
    url = reverse(f"admin:priorities_{model._meta.model_name}_change", args=[obj.pk])
    first, second = Opened(editor_browser(), url), Opened(editor_browser(), url)

    assert first.save(**{field: "Saved first"}).status_code == 302
    refused = second.save(**{field: "Saved second"})

    assert refused.status_code == 200
    obj.refresh_from_db()
    assert getattr(obj, field) == "Saved first"
    assert obj.version == 2
    messages = errors_shown(refused.content)
    assert any("while you were editing it, so your changes were not saved" in m for m in messages)
    assert any("now reads: “Saved first”" in m for m in messages)
    # The refused form still holds the second editor's text, for them to compare.
    assert form_data(refused.content)[field] == "Saved second"


def test_saving_again_after_the_refusal_is_deliberate_and_goes_through():
    update = StatusUpdateFactory(headline="Opened")
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    first, second = Opened(editor_browser(), url), Opened(editor_browser(), url)
    first.save(headline="First")
    refused = second.save(headline="Second")

    again = second.client.post(url, {**form_data(refused.content), "_save": "Save"})

    assert again.status_code == 302
    update.refresh_from_db()
    assert (update.headline, update.version) == ("Second", 3)
    assert list(update.history.values_list("headline", flat=True)) == ["Second", "First", "Opened"]


def test_an_update_edited_inline_on_its_session_is_refused_when_newer_and_nothing_is_saved():
    update = StatusUpdateFactory(body="Opened")
    session = update.session
    session_url = reverse("admin:priorities_session_change", args=[session.pk])
    update_url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    on_session_page = Opened(editor_browser(), session_url)
    on_update_page = Opened(editor_browser(), update_url)

    assert on_update_page.save(body="The lead's newer body").status_code == 302
    refused = on_session_page.save(**{"updates-0-body": "Older body", "notes": "New notes"})

    assert refused.status_code == 200
    assert any(
        "Body now reads: “The lead's newer body”" in m for m in errors_shown(refused.content)
    )
    update.refresh_from_db()
    session.refresh_from_db()
    assert update.body == "The lead's newer body"
    assert session.notes != "New notes"  # the whole form is refused, not half of it
    assert session.version == 1


def test_two_note_takers_add_rows_to_the_same_session_without_clashing():
    session = SessionFactory()
    areas = PriorityAreaFactory.create_batch(2)
    url = reverse("admin:priorities_session_change", args=[session.pk])
    first, second = Opened(editor_browser(), url), Opened(editor_browser(), url)
    html = first.client.get(url).content

    for browser, area, headline in ((first, areas[0], "Cells"), (second, areas[1], "Objects")):
        row = inline_row_template(html, "updates")
        row.update(priority_area=area.pk, status="started", headline=headline)
        response = browser.save(
            **{f"updates-0-{name}": value for name, value in row.items()},
            **{"updates-TOTAL_FORMS": "1"},
        )
        assert response.status_code == 302, errors_shown(response.content)

    assert sorted(session.updates.values_list("headline", flat=True)) == ["Cells", "Objects"]
    session.refresh_from_db()
    assert session.version == 1  # the session itself was not changed by either


def test_a_save_that_loses_the_race_after_validation_writes_nothing(monkeypatch):
    """Another save lands between the form's check and its UPDATE: the UPDATE matches no row.

    The form's check is made to miss the other save once, as if that save had landed just
    after it; the ``UPDATE ... WHERE version = 1`` must then refuse, and the admin must handle
    the request again and show the newer text.
    """
    update = StatusUpdateFactory(headline="Opened")
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    browser = Opened(editor_browser(), url)
    other = Opened(editor_browser(), url)
    assert other.save(headline="Saved in between").status_code == 302
    checks = []
    real_clean = VersionedForm.clean

    def clean_that_misses_the_other_save_once(form):
        checks.append(form.instance.pk)
        if len(checks) == 1:
            return forms.ModelForm.clean(form)
        return real_clean(form)

    monkeypatch.setattr(VersionedForm, "clean", clean_that_misses_the_other_save_once)
    response = browser.save(headline="Mine")

    assert len(checks) == 2  # refused by the UPDATE, then by the form
    assert response.status_code == 200
    assert any("now reads: “Saved in between”" in m for m in errors_shown(response.content))
    update.refresh_from_db()
    assert (update.headline, update.version) == ("Saved in between", 2)


def test_a_form_that_lost_its_version_is_refused_with_a_message():
    update = StatusUpdateFactory(headline="Opened")
    url = reverse("admin:priorities_statusupdate_change", args=[update.pk])
    browser = Opened(editor_browser(), url)
    for damaged in ("", "not a number", "-4"):
        response = browser.save(headline="Mine", version=damaged)
        assert response.status_code == 200
        assert any("Reload the page" in m for m in errors_shown(response.content))
    update.refresh_from_db()
    assert update.headline == "Opened"


def test_saving_an_object_read_before_another_save_raises_and_writes_nothing():
    update = StatusUpdateFactory(headline="Opened")
    mine = StatusUpdate.objects.get(pk=update.pk)
    theirs = StatusUpdate.objects.get(pk=update.pk)
    theirs.headline = "Theirs"
    theirs.save()
    mine.headline = "Mine"

    with pytest.raises(VersionConflict), transaction.atomic():
        mine.save()
    with pytest.raises(VersionConflict), transaction.atomic():
        mine.save(update_fields=["headline"])
    update.refresh_from_db()
    assert (update.headline, update.version) == ("Theirs", 2)


def test_every_save_moves_the_version_on():
    update = StatusUpdateFactory()
    for expected in (2, 3, 4):
        update.save()
        assert update.version == expected
    update.save(update_fields=["headline"])
    update.refresh_from_db()
    assert update.version == 5


def test_the_report_import_moves_versions_on_and_keeps_working():
    update = StatusUpdateFactory(headline="Before")
    day = update.session.day
    report = day_report(day).replace("Before", "After the import")

    import_report(report)
    import_report(report.replace("After the import", "And again"))

    update.refresh_from_db()
    assert update.headline == "And again"
    assert update.version == 3
