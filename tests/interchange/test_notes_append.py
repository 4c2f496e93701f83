"""Quick notes added to a session the day already has: a round published area by area."""

import html
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from priorities.enums import Delivery, Status
from priorities.interchange.notes_commands import NotesError
from priorities.interchange.quick_notes import import_notes
from priorities.models import ActionItem, Decision, Risk, Session, StatusUpdate
from tests.factories import (
    DayFactory,
    DecisionFactory,
    SessionFactory,
    StatusUpdateFactory,
)
from tests.interchange.support import lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(day, areas):
    """The morning's status round, half recorded: Cells v2 has reported, with one decision."""
    session = SessionFactory(day=day, title="Morning status round", notes="Started at 9.")
    StatusUpdateFactory(
        session=session,
        priority_area=areas["cells"],
        status=Status.STARTED,
        headline="Patches up",
        body="- the first series",
        reported_by="Andrew",
    )
    DecisionFactory(session=session, priority_area=areas["cells"], text="Keep going", order=1)
    return session


def rows_of(session):
    """Every row of the session, as stored, to tell what an import touched."""
    return {
        model.__name__: list(model.objects.filter(session=session).order_by("pk").values())
        for model in (StatusUpdate, Decision, ActionItem, Risk)
    }


SECOND_HALF = lines(
    "#topic Nova Objects",
    "#status good-progress Most objects converted",
    "#info the last ones this week",
    "#action dansmith review the remaining patches",
    "#topic General",
    "lunch at noon",
    "#risk the gate is slow",
)


def test_the_notes_are_added_to_the_session_and_its_rows_stay_as_they_were(round_, areas):
    before = rows_of(round_)
    changes = import_notes(round_.day, SECOND_HALF, into=round_)
    session = Session.objects.get(pk=round_.pk)
    assert session.title == "Morning status round"
    assert session.notes == "Started at 9.\n\n#### General\n\n- lunch at noon"
    after = rows_of(round_)
    for model, rows in before.items():
        assert after[model][: len(rows)] == rows, model
    update = StatusUpdate.objects.get(session=round_, priority_area=areas["objects"])
    assert (update.headline, update.body) == ("Most objects converted", "- the last ones this week")
    assert ActionItem.objects.get().order == 1
    assert Risk.objects.get().session == session
    assert Session.objects.count() == 1
    assert [(change.action, change.model) for change in changes] == [
        ("change", Session),
        ("add", StatusUpdate),
        ("add", ActionItem),
        ("add", Risk),
    ]


def test_outcomes_are_numbered_after_the_sessions_own(round_):
    import_notes(round_.day, lines("#agreed one more", "#agreed and another"), into=round_)
    assert list(Decision.objects.order_by("order").values_list("order", "text")) == [
        (1, "Keep going"),
        (2, "one more"),
        (3, "and another"),
    ]


def test_an_area_the_session_has_an_update_of_gets_that_update_changed(round_, areas):
    update = StatusUpdate.objects.get(session=round_)
    changes = import_notes(
        round_.day,
        lines(
            "#topic Cells v2",
            "#status slow-progress CI with cells is the hurdle",
            "#inwriting Andrew",
            "#info the second series",
        ),
        into=round_,
    )
    assert [str(change) for change in changes] == [
        'update status update of "Cells v2": Slow progress, "CI with cells is the hurdle" '
        "(in writing), changing the session's update of this area "
        "(status, headline, body, delivery, reported_by)"
    ]
    update.refresh_from_db()
    assert StatusUpdate.objects.count() == 1
    assert (update.status, update.headline, update.delivery) == (
        Status.SLOW_PROGRESS,
        "CI with cells is the hurdle",
        Delivery.IN_WRITING,
    )
    assert update.body == "- the first series\n\n- the second series"
    assert update.version == 2


def test_the_changes_come_in_the_order_of_their_lines_with_the_bodies_they_build(day, areas):
    changes = import_notes(
        day,
        lines(
            "a point for the notes",
            "#topic Cells v2",
            "#status started Going",
            "#info one",
            "#link https://review.example.org/1 the spec",
            "#agreed go on",
            "#topic Nova Objects",
            "#status good-progress Fine",
            "#risk the gate",
        ),
        dry_run=True,
    )
    assert [change.line for change in changes] == [None, 3, 6, 8, 9]
    assert changes[0].detail == "- a point for the notes"
    assert changes[1].detail == "- one\n- [the spec](<https://review.example.org/1>)"
    assert Session.objects.count() == 0


def test_a_startmeeting_naming_another_session_is_an_error(round_):
    with pytest.raises(NotesError) as refused:
        import_notes(round_.day, lines("#startmeeting Afternoon", "a point"), into=round_)
    assert [(error.line, error.message) for error in refused.value.errors] == [
        (
            1,
            'these notes go into the session "Morning status round", which keeps its title: '
            "remove the #startmeeting line, or choose that session",
        )
    ]
    import_notes(round_.day, lines("#startmeeting morning status round", "a point"), into=round_)
    assert Session.objects.get().notes == "Started at 9.\n\n- a point"


def test_a_session_of_another_day_is_refused(round_, areas):
    other = SessionFactory(day=DayFactory(meetup=round_.day.meetup, number=2))
    with pytest.raises(NotesError, match="has no session"):
        import_notes(round_.day, "a note", into=other)
    assert other.notes == Session.objects.get(pk=other.pk).notes


def test_notes_that_would_make_the_sessions_too_long_write_nothing(round_):
    round_.notes = "x" * 49_990
    round_.save()
    before = rows_of(round_)
    with pytest.raises(NotesError) as refused:
        import_notes(round_.day, lines("one more point that is too long"), into=round_)
    assert "notes:" in str(refused.value) and "50" in str(refused.value)
    assert rows_of(round_) == before


# The admin's form: "Add to" a session of the day.


def notes_url(day):
    return reverse("admin:priorities_day_notes", args=[day.pk])


def hidden_fields(response):
    found = re.findall(
        r'<input type="hidden" name="(\w+)" value="([^"]*)"', response.content.decode()
    )
    return {name: html.unescape(value) for name, value in found}


def test_the_form_offers_the_days_sessions(editor_client, round_):
    other_day = SessionFactory(
        day=DayFactory(meetup=round_.day.meetup, number=2), title="Elsewhere"
    )
    content = editor_client.get(notes_url(round_.day)).content.decode()
    assert f'<option value="{round_.pk}">Morning status round</option>' in content
    assert "Elsewhere" not in content
    assert other_day.pk  # offered on its own day's page only


def test_preview_then_confirm_adds_to_the_session(editor_client, editor, round_, areas):
    text = lines(
        "#topic Cells v2",
        "#status slow-progress Slower now",
        "#info reviews are the bottleneck",
        "#topic API v2.1",
        "#status needs-review Ready",
        "#info two patches left",
        "#info then the docs",
    )
    before = rows_of(round_)
    preview = editor_client.post(notes_url(round_.day), {"session": round_.pk, "notes": text})
    content = preview.content.decode()
    assert "what the notes will add to &ldquo;Morning status round&rdquo;" in content
    assert (
        "line 2: update status update of &quot;Cells v2&quot;: Slow progress, &quot;Slower "
        "now&quot;, changing the session&#x27;s update of this area (status, headline, body)"
        '<pre class="notes-detail">- reviews are the bottleneck</pre>'
    ) in content
    assert '<pre class="notes-detail">- two patches left\n- then the docs</pre>' in content
    assert content.index("line 2:") < content.index("line 5:")
    assert rows_of(round_) == before
    carried = hidden_fields(preview)
    assert carried["session"] == str(round_.pk)
    response = editor_client.post(
        notes_url(round_.day), {**carried, "confirm": "Confirm"}, follow=True
    )
    assert (
        f"Added quick notes to {round_.day}: 1 status update; 1 status update changed."
        in response.content.decode()
    )
    updates = StatusUpdate.objects.filter(session=round_)
    assert sorted(updates.values_list("headline", flat=True)) == ["Ready", "Slower now"]
    assert {update.saved_by for update in updates} == {editor}


def test_a_confirmation_after_someone_changed_the_update_shows_the_new_preview(
    editor_client, round_, areas
):
    text = lines("#topic Cells v2", "#status blocked Stuck", "#info on the gate")
    preview = editor_client.post(notes_url(round_.day), {"session": round_.pk, "notes": text})
    update = StatusUpdate.objects.get(session=round_)
    update.body = "- the first series, merged"
    update.save()  # a colleague, in between
    response = editor_client.post(
        notes_url(round_.day), {**hidden_fields(preview), "confirm": "Confirm"}
    )
    assert response.status_code == 200
    assert "The day changed since your preview, so nothing was saved" in response.content.decode()
    update.refresh_from_db()
    assert (update.status, update.body) == (Status.STARTED, "- the first series, merged")
    again = editor_client.post(notes_url(round_.day), {**hidden_fields(response), "confirm": "1"})
    assert again.status_code == 302
    update.refresh_from_db()
    assert update.body == "- the first series, merged\n\n- on the gate"


def test_a_session_and_a_title_together_or_another_days_session_are_refused(editor_client, round_):
    both = editor_client.post(
        notes_url(round_.day), {"session": round_.pk, "session_title": "New", "notes": "x"}
    )
    assert "Leave the title empty: the session keeps its own." in both.content.decode()
    other = SessionFactory(day=DayFactory(meetup=round_.day.meetup, number=2))
    free = reverse("admin:priorities_day_notes")
    wrong = editor_client.post(free, {"day": round_.day.pk, "session": other.pk, "notes": "x"})
    assert f"Choose a session of {html.escape(str(round_.day))}." in wrong.content.decode()
    assert Session.objects.get(pk=round_.pk).notes == "Started at 9."


# The command: --append --session TITLE.


def run(*args):
    out = io.StringIO()
    call_command("import_notes", *args, stdout=out)
    return out.getvalue()


def test_the_command_appends_to_the_session_it_names(round_, areas, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(SECOND_HALF, "utf-8")
    day = ["--day", "nova-kilo-midcycle/1"]
    dry = run(str(path), *day, "--append", "--session", "morning STATUS round", "--dry-run")
    assert '  update session "Morning status round": 1 point added to its notes (notes)\n' in dry
    assert "      #### General\n      \n      - lunch at noon\n" in dry
    assert Session.objects.get().notes == "Started at 9."
    out = run(str(path), *day, "--append", "--session", "Morning status round")
    assert (
        f"Added 1 status update, 1 action item and 1 risk; 1 session changed in session "
        f'"Morning status round" of {round_.day}.'
    ) in out
    assert Session.objects.count() == 1
    assert StatusUpdate.objects.filter(session=round_).count() == 2


def test_the_command_names_the_sessions_it_could_append_to(round_, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("a note", "utf-8")
    day = ["--day", "nova-kilo-midcycle/1"]
    with pytest.raises(CommandError, match='has no session "Evening" \\(its sessions: "Morning'):
        run(str(path), *day, "--append", "--session", "Evening")
    with pytest.raises(CommandError, match="--append needs --session"):
        run(str(path), *day, "--append")
    with pytest.raises(CommandError, match="or add them to that session"):
        run(str(path), *day, "--session", "Morning status round")
