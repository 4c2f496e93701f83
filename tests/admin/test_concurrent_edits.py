"""Nothing an editor saves is lost, however many edit at once (issue 12).

Each test opens admin pages in two browsers (two clients), as two editors would, and saves them
in the order that used to lose work: a page opened before someone else's save, rows the editor
never touched, a delete racing a save, an import confirmed after others' edits. What counts is
what the editor changed *on the page they had*, never the difference from the current row.
"""

import pytest
from django.db import transaction
from django.db.models import UniqueConstraint
from django.urls import reverse

from priorities.interchange.report_export import day_report
from priorities.models import ActionItem, Decision, Person, Risk, Session, StatusUpdate
from priorities.models.locking import ObjectDeleted
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    PersonFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    editor_browser,
    organiser_browser,
    priority_of,
)
from tests.html import Opened, errors_shown, form_data, inline_row_template, text_of

pytestmark = pytest.mark.django_db


def change_url(obj):
    return reverse(f"admin:priorities_{obj._meta.model_name}_change", args=[obj.pk])


def history_of(obj, field):
    """The values ``field`` took, oldest first, as the object's history records them."""
    return list(obj.history.order_by("history_id").values_list(field, flat=True))


@pytest.fixture
def status_round():
    """A session with three status updates, a decision, an action item and a risk."""
    session = SessionFactory(title="Morning status round", notes="Opened")
    updates = [
        StatusUpdateFactory(session=session, headline=f"Area {n} as opened") for n in (1, 2, 3)
    ]
    return {
        "session": session,
        "updates": updates,
        "decision": DecisionFactory(session=session, text="Decision as opened"),
        "action": ActionItemFactory(session=session, text="Action as opened"),
        "risk": RiskFactory(session=session, text="Risk as opened"),
    }


# 1. Rows the editor did not change are never written, whatever their version.

INLINE_ROWS = [
    ("updates", "headline", lambda r: r["updates"][0]),
    ("decisions", "text", lambda r: r["decision"]),
    ("action_items", "text", lambda r: r["action"]),
    ("risks", "text", lambda r: r["risk"]),
]


@pytest.mark.parametrize(("prefix", "field", "row"), INLINE_ROWS)
def test_a_stale_session_page_never_writes_back_a_row_its_editor_did_not_touch(
    status_round, prefix, field, row
):
    session = status_round["session"]
    target = row(status_round)
    a = Opened(editor_browser(), change_url(session))
    b = Opened(editor_browser(), change_url(session))

    assert a.save(**{f"{prefix}-0-{field}": "A's newer text"}).status_code == 302
    # B changes only the third update, on the page B opened before A saved.
    response = b.save(**{"updates-2-headline": "B's change to area 3"})

    assert response.status_code == 302, errors_shown(response.content)
    target.refresh_from_db()
    assert getattr(target, field) == "A's newer text"
    assert history_of(target, field)[-1] == "A's newer text"
    assert target.history.count() == 2  # created, then A's save: B wrote nothing to it
    status_round["updates"][2].refresh_from_db()
    assert status_round["updates"][2].headline == "B's change to area 3"


def test_a_stale_page_saved_without_changes_writes_nothing(status_round):
    session = status_round["session"]
    a = Opened(editor_browser(), change_url(session))
    b = Opened(editor_browser(), change_url(session))
    assert (
        a.save(**{"updates-0-headline": "A's newer text", "notes": "A's notes"}).status_code == 302
    )

    assert b.save().status_code == 302

    first = status_round["updates"][0]
    first.refresh_from_db()
    session.refresh_from_db()
    assert (first.headline, session.notes) == ("A's newer text", "A's notes")
    assert first.history.count() == session.history.count() == 2


def test_a_stale_page_that_only_adds_an_action_item_keeps_everything_else(status_round):
    session = status_round["session"]
    a = Opened(editor_browser(), change_url(session))
    b = Opened(editor_browser(), change_url(session))
    assert a.save(**{"action_items-0-done": "on", "risks-0-text": "A's risk"}).status_code == 302

    row = inline_row_template(b.html, "action_items")
    row.update(text="B's new action", owner="bob", order="2")
    response = b.save(
        **{f"action_items-1-{name}": value for name, value in row.items()},
        **{"action_items-TOTAL_FORMS": "2"},
    )

    assert response.status_code == 302, errors_shown(response.content)
    action, risk = status_round["action"], status_round["risk"]
    action.refresh_from_db()
    risk.refresh_from_db()
    assert action.done and risk.text == "A's risk"
    assert session.action_items.filter(text="B's new action").exists()


def test_the_same_row_changed_on_both_pages_is_refused_and_the_second_editor_keeps_their_text(
    status_round,
):
    session = status_round["session"]
    a = Opened(editor_browser(username="alice"), change_url(session))
    b = Opened(editor_browser(username="bob"), change_url(session))
    assert a.save(**{"updates-0-headline": "Alice's headline"}).status_code == 302

    refused = b.save(**{"updates-0-headline": "Bob's headline", "updates-2-headline": "Bob 3"})

    assert refused.status_code == 200
    messages = errors_shown(refused.content)
    assert any("saved by alice" in m and "your changes were not saved" in m for m in messages)
    assert any("Headline now reads: “Alice's headline”" in m for m in messages)
    shown = form_data(refused.content)
    assert shown["updates-0-headline"] == "Bob's headline"
    assert shown["updates-2-headline"] == "Bob 3"
    for update in status_round["updates"]:
        update.refresh_from_db()
    assert [u.headline for u in status_round["updates"]] == [
        "Alice's headline",
        "Area 2 as opened",
        "Area 3 as opened",
    ]


def test_after_a_refusal_saving_again_keeps_the_other_editors_fields_it_did_not_touch():
    update = StatusUpdateFactory(headline="Opened", body="Opened body")
    a = Opened(editor_browser(), change_url(update))
    b = Opened(editor_browser(), change_url(update))
    assert a.save(headline="A's headline").status_code == 302
    refused = b.save(body="B's body")
    assert refused.status_code == 200
    # The refused form now shows A's headline (B never touched it) and B's own body.
    shown = form_data(refused.content)
    assert (shown["headline"], shown["body"]) == ("A's headline", "B's body")

    again = b.client.post(b.url, {**shown, "_save": "Save"})

    assert again.status_code == 302, errors_shown(again.content)
    update.refresh_from_db()
    assert (update.headline, update.body) == ("A's headline", "B's body")


def test_a_stale_day_page_never_writes_back_a_session_its_editor_did_not_touch():
    day = DayFactory(summary="Opened")
    first, second = SessionFactory(day=day, order=1), SessionFactory(day=day, order=2)
    a = Opened(organiser_browser(), change_url(day))
    b = Opened(organiser_browser(), change_url(day))
    assert a.save(**{"sessions-0-facilitator": "A's facilitator"}).status_code == 302

    response = b.save(**{"sessions-1-title": "B's title", "summary": "B's summary"})

    assert response.status_code == 302, errors_shown(response.content)
    first.refresh_from_db()
    second.refresh_from_db()
    day.refresh_from_db()
    assert (first.facilitator, second.title, day.summary) == (
        "A's facilitator",
        "B's title",
        "B's summary",
    )
    assert first.history.count() == 2


def test_a_stale_meetup_page_never_writes_back_attendance_its_editor_did_not_touch():
    from tests.factories import AttendanceFactory

    day = DayFactory()
    meetup = day.meetup
    attendance = AttendanceFactory(meetup=meetup, days=[])
    a = Opened(organiser_browser(), change_url(meetup))
    b = Opened(organiser_browser(), change_url(meetup))
    assert a.save(**{"attendances-0-days": [str(day.pk)]}).status_code == 302

    response = b.save(location="B's new location")

    assert response.status_code == 302, errors_shown(response.content)
    assert list(attendance.days.all()) == [day]
    meetup.refresh_from_db()
    assert meetup.location == "B's new location"


def test_a_stale_meetup_page_changing_what_another_organiser_changed_is_refused():
    day = DayFactory()
    meetup = day.meetup
    a = Opened(organiser_browser(), change_url(meetup))
    b = Opened(organiser_browser(), change_url(meetup))
    assert a.save(location="A's location").status_code == 302

    refused = b.save(location="B's location")

    assert refused.status_code == 200
    assert any("Location now reads: “A's location”" in m for m in errors_shown(refused.content))
    meetup.refresh_from_db()
    assert meetup.location == "A's location"


# 2. The change list's toggles carry what the page showed.


def test_ticking_one_action_item_on_a_stale_change_list_keeps_the_others():
    session = SessionFactory()
    first, second = ActionItemFactory.create_batch(2, session=session, done=False)
    url = reverse("admin:priorities_actionitem_changelist")
    a, b = Opened(editor_browser(), url), Opened(editor_browser(), url)
    rows = {a.data[f"form-{n}-id"]: n for n in range(2)}

    assert a.save(**{f"form-{rows[str(first.pk)]}-done": "on"}).status_code == 302
    assert b.save(**{f"form-{rows[str(second.pk)]}-done": "on"}).status_code == 302

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.done and second.done
    # B's page, saved once more with nothing ticked, still leaves A's tick alone.
    assert b.client.post(url, {**b.data, "_save": "Save"}).status_code == 302
    first.refresh_from_db()
    assert first.done


def test_the_same_toggle_changed_on_two_stale_change_lists_is_refused():
    item = ActionItemFactory(done=False)
    url = reverse("admin:priorities_actionitem_changelist")
    a, b = Opened(editor_browser(), url), Opened(editor_browser(), url)
    assert a.save(**{"form-0-done": "on"}).status_code == 302
    done_by_a = form_data(a.client.get(url).content)
    a.client.post(url, {**done_by_a, "form-0-done": [], "_save": "Save"})  # A unticks it again
    item.refresh_from_db()
    assert not item.done

    refused = b.save(**{"form-0-done": "on"})

    assert refused.status_code == 200
    assert any("was saved" in m and "not saved" in m for m in errors_shown(refused.content))


def test_a_priority_list_saved_from_a_stale_page_keeps_other_rows():
    first, second = PriorityAreaFactory(), PriorityAreaFactory()
    cycle = first.team.cycles.get()
    url = reverse("admin:priorities_cycle_change", args=[cycle.pk])
    a, b = Opened(organiser_browser(), url), Opened(organiser_browser(), url)
    row = {v: k.removesuffix("-id") for k, v in a.data.items() if k.endswith("-id")}
    lead = PersonFactory()
    assert a.save(**{f"{row[str(priority_of(first).pk)]}-order": "7"}).status_code == 302

    saved = b.save(**{f"{row[str(priority_of(second).pk)]}-leads": [str(lead.pk)]})

    assert saved.status_code == 302, errors_shown(saved.content)
    assert priority_of(first).order == 7
    assert (priority_of(second).order, list(priority_of(second).leads.all())) == (2, [lead])


# 4. Unique rules are database constraints, and losing a race to one is a message.


def test_session_titles_are_unique_per_day_whatever_their_case():
    from django.db import IntegrityError, transaction

    session = SessionFactory(title="Morning status round")
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(day=session.day, title="MORNING STATUS ROUND", order=5)
    clash = Session(day=session.day, title="morning status round", order=6)
    with pytest.raises(Exception, match="already has a session with this title"):
        clash.full_clean()


def _skip_unique_checks_once(monkeypatch):
    """As if another editor's identical row was committed just after this form was checked:
    the first check of every unique constraint passes, the database then refuses the row."""
    calls = []
    real = UniqueConstraint.validate

    def validate_that_misses_once(constraint, model, instance, *args, **kwargs):
        calls.append(constraint.name)
        if calls.count(constraint.name) > 1:
            return real(constraint, model, instance, *args, **kwargs)
        return None

    monkeypatch.setattr(UniqueConstraint, "validate", validate_that_misses_once)
    return calls


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "Alice Liddell", "There is already a person with this name."),
        ("irc_nick", "alice", "Someone else already has this IRC nick."),
    ],
)
def test_a_person_added_at_the_same_moment_as_another_is_told_not_crashed(
    monkeypatch, field, value, message
):
    Person.objects.create(name="Alice Liddell" if field == "name" else "Alice", irc_nick="ALICE")
    url = reverse("admin:priorities_person_add")
    browser = editor_browser()
    calls = _skip_unique_checks_once(monkeypatch)

    data = {"name": "Someone else", "irc_nick": "", "affiliation": ""}
    data[field] = value
    response = browser.post(url, {**data, "_save": "Save"})

    assert response.status_code == 200
    assert message in errors_shown(response.content)
    assert len(calls) > len(set(calls))  # refused by the database, then by the form on the retry
    assert Person.objects.count() == 1


def test_a_session_added_inline_at_the_same_moment_as_another_is_told_not_crashed(monkeypatch):
    day = DayFactory()
    SessionFactory(day=day, title="Hacking")
    page = Opened(organiser_browser(), change_url(day))
    row = inline_row_template(page.html, "sessions")
    row.update(title="hacking", order="2")
    calls = _skip_unique_checks_once(monkeypatch)

    response = page.save(
        **{f"sessions-1-{name}": value for name, value in row.items()},
        **{"sessions-TOTAL_FORMS": "2"},
    )

    assert response.status_code == 200
    assert "This day already has a session with this title." in errors_shown(response.content)
    assert "session_title_unique_per_day" in calls
    assert day.sessions.count() == 1


# 5. A delete and a save of the same object: whichever commits second is told.


def test_saving_a_session_deleted_while_it_was_open_keeps_the_text_and_does_not_bring_it_back():
    session = SessionFactory(notes="Opened")
    pk = session.pk
    editing = Opened(editor_browser(), change_url(session))
    deleting = organiser_browser()
    assert (
        deleting.post(
            reverse("admin:priorities_session_delete", args=[pk]), {"post": "yes"}
        ).status_code
        == 302
    )

    row = inline_row_template(editing.html, "action_items")
    row.update(text="Typed while it was deleted", owner="bob", order="1")
    response = editing.save(
        notes="Notes typed while it was deleted",
        **{f"action_items-0-{name}": value for name, value in row.items()},
        **{"action_items-TOTAL_FORMS": "1"},
    )

    assert response.status_code == 200
    page = text_of(response.content)
    assert "was deleted" in page
    assert "Notes typed while it was deleted" in page
    assert "Typed while it was deleted" in page
    assert not Session.objects.filter(pk=pk).exists()
    assert not ActionItem.objects.filter(text="Typed while it was deleted").exists()
    assert [r.history_type for r in Session.history.filter(id=pk).order_by("history_id")] == [
        "+",
        "-",
    ]


def test_saving_an_object_deleted_since_it_was_read_raises_and_does_not_bring_it_back():
    """Every way in (not only the admin, which locks the row first): a save of a row that is
    gone writes nothing, rather than inserting it again."""
    session = SessionFactory(notes="Opened")
    read_before = Session.objects.get(pk=session.pk)
    Session.objects.filter(pk=session.pk).delete()
    read_before.notes = "Typed while it was deleted"

    with pytest.raises(ObjectDeleted), transaction.atomic():
        read_before.save()

    assert not Session.objects.filter(pk=session.pk).exists()


def test_confirming_a_delete_after_someone_changed_the_session_is_refused():
    session = SessionFactory(notes="Opened")
    delete_url = reverse("admin:priorities_session_delete", args=[session.pk])
    deleting = organiser_browser()
    confirmation = form_data(deleting.get(delete_url).content)
    assert (
        Opened(editor_browser(), change_url(session)).save(notes="Newer notes").status_code == 302
    )

    response = deleting.post(delete_url, confirmation, follow=True)

    assert response.status_code == 200
    assert "changed since you opened the confirmation page" in text_of(response.content)
    session.refresh_from_db()
    assert session.notes == "Newer notes"


def test_confirming_a_delete_after_someone_added_updates_is_refused_not_crashed():
    session = SessionFactory()
    area = PriorityAreaFactory()
    delete_url = reverse("admin:priorities_session_delete", args=[session.pk])
    deleting = organiser_browser()
    confirmation = form_data(deleting.get(delete_url).content)
    StatusUpdateFactory(session=session, priority_area=area)

    response = deleting.post(delete_url, confirmation, follow=True)

    assert response.status_code == 200
    assert "would require deleting the following protected" in text_of(response.content)
    assert Session.objects.filter(pk=session.pk).exists()


def test_deleting_selected_rows_after_someone_changed_one_is_refused():
    decisions = DecisionFactory.create_batch(2)
    url = reverse("admin:priorities_decision_changelist")
    deleting = organiser_browser()
    pks = [str(d.pk) for d in decisions]
    confirmation = form_data(
        deleting.post(url, {"action": "delete_selected", "_selected_action": pks}).content
    )
    Opened(editor_browser(), change_url(decisions[0])).save(text="Newer decision")

    response = deleting.post(url, confirmation, follow=True)

    assert response.status_code == 200
    assert "changed since you opened the confirmation page" in text_of(response.content)
    assert Decision.objects.count() == 2


# 6. An import confirmed after someone else's edit re-previews.


def _import_preview(client, report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("admin:priorities_day_import")
    upload = SimpleUploadedFile("day.md", report.encode(), content_type="text/markdown")
    return client.post(url, {"report": upload})


def test_an_import_confirmed_after_others_edited_the_day_shows_the_new_preview_first(status_round):
    session = status_round["session"]
    day = session.day
    report = day_report(day).replace("Area 1 as opened", "Area 1 from the report")
    organiser = organiser_browser()
    preview = _import_preview(organiser, report)
    assert preview.status_code == 200
    confirmation = form_data(preview.content)

    # Meanwhile B adds a decision and edits the risk.
    b = Opened(editor_browser(), change_url(session))
    row = inline_row_template(b.html, "decisions")
    row.update(text="B's decision", order="2")
    assert (
        b.save(
            **{f"decisions-1-{name}": value for name, value in row.items()},
            **{"decisions-TOTAL_FORMS": "2", "risks-0-text": "B's risk"},
        ).status_code
        == 302
    )

    url = reverse("admin:priorities_day_import")
    refused = organiser.post(url, {**confirmation, "confirm": "Confirm"})

    assert refused.status_code == 200
    assert "changed since your preview" in text_of(refused.content)
    assert Decision.objects.filter(text="B's decision").exists()
    assert Risk.objects.get(pk=status_round["risk"].pk).text == "B's risk"
    assert StatusUpdate.objects.get(pk=status_round["updates"][0].pk).headline == "Area 1 as opened"
    # The new preview lists what the import would now undo; confirming it is deliberate.
    page = text_of(refused.content)
    assert "B's decision" in page or "delete decision" in page
    again = organiser.post(url, {**form_data(refused.content), "confirm": "Confirm"})
    assert again.status_code == 302
    assert not Decision.objects.filter(text="B's decision").exists()


def test_quick_notes_confirmed_after_the_day_gained_a_session_of_that_title_are_refused():
    day = DayFactory()
    url = reverse("admin:priorities_day_notes", args=[day.pk])
    organiser = organiser_browser()
    preview = organiser.post(url, {"day": day.pk, "notes": "#startmeeting Wrap-up\n#agreed Ship"})
    confirmation = form_data(preview.content)
    SessionFactory(day=day, title="Wrap-up")

    response = organiser.post(url, {**confirmation, "confirm": "Confirm"})

    assert response.status_code == 200
    assert "already has a session" in text_of(response.content)
    assert not Decision.objects.filter(text="Ship").exists()


# 7. Restoring from a page opened before someone else's save is refused.


def test_restoring_from_a_page_opened_before_another_save_is_refused():
    update = StatusUpdateFactory(headline="Version 1")
    Opened(editor_browser(), change_url(update)).save(headline="Version 2")
    first = update.history.earliest("history_date")
    restore_url = reverse(
        "admin:priorities_statusupdate_simple_history", args=[update.pk, first.history_id]
    )
    restoring = Opened(editor_browser(), restore_url)
    # Someone saves version 3 with the very headline version 1 had, and a new body.
    Opened(editor_browser(), change_url(update)).save(headline="Version 1", body="Newer body")

    response = restoring.save()

    assert response.status_code == 200
    assert any("so it was not restored" in m for m in errors_shown(response.content))
    update.refresh_from_db()
    assert (update.headline, update.body, update.version) == ("Version 1", "Newer body", 3)


def test_restoring_a_deleted_update_that_someone_already_brought_back_is_refused():
    update = StatusUpdateFactory(headline="Worth keeping")
    pk = update.pk
    organiser = organiser_browser()
    organiser.post(reverse("admin:priorities_statusupdate_delete", args=[pk]), {"post": "yes"})
    created = StatusUpdate.history.filter(id=pk).order_by("history_id").first()
    restore_url = reverse(
        "admin:priorities_statusupdate_simple_history", args=[pk, created.history_id]
    )
    late = Opened(editor_browser(), restore_url)
    early = Opened(editor_browser(), restore_url)
    assert early.save().status_code == 302
    Opened(editor_browser(), change_url(StatusUpdate.objects.get(pk=pk))).save(
        headline="Edited after"
    )

    response = late.save()

    assert response.status_code == 200
    assert any("so it was not restored" in m for m in errors_shown(response.content))
    assert StatusUpdate.objects.get(pk=pk).headline == "Edited after"
