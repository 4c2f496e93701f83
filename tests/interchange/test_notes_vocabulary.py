"""Hand-typed quick notes speak MeetBot's whole vocabulary, as pasted logs do, and ours."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from priorities.enums import Delivery, Status
from priorities.interchange.irc_commands import CHEAT_SHEET, COMMAND_LIST, KNOWN_COMMANDS
from priorities.models import ActionItem, Decision, Risk, Session, StatusUpdate, TranscriptLine
from tests.factories import PersonFactory
from tests.interchange.support import lines

pytestmark = pytest.mark.django_db

CREATED_MODELS = [Session, StatusUpdate, Decision, ActionItem, Risk]


@pytest.fixture
def alice():
    return PersonFactory(name="Alice Liddell", irc_nick="alice")


def import_notes_command(text, *args):
    out = io.StringIO()
    call_command(
        "import_notes",
        "-",
        "--day",
        "nova-kilo-midcycle/1",
        *args,
        stdin=io.StringIO(text),
        stdout=out,
    )
    return out.getvalue()


def test_every_known_command_is_in_the_cheat_sheet_and_every_active_one_in_the_errors():
    for name in KNOWN_COMMANDS:
        assert re.search(rf"(?m)(^|, )#{name}\b", CHEAT_SHEET), name
    listed = set(re.findall(r"#(\w+)", COMMAND_LIST))
    assert listed == KNOWN_COMMANDS - {
        "meetingtopic",
        "save",
        "lurk",
        "unlurk",
        "restrictlogs",
        "commands",
    }


MEETBOT_NOTES = lines(
    "#startmeeting placeholder",
    "#meetingname Kilo wrap-up",
    "#nick bob",
    "#topic Cells v2",
    "#status good-progress: mappings merged",
    "#idea run cells v2 in the gate",
    "#halp reviewers for the flavor migration",
    "#info a typo",
    "#undo",
    "#agree cells v2 is the default",
    "#accepted flavors move first",
    "#rejected cells v1 forever",
    "#action alice, bob fix the job",
    "#startvote Neutron by default? Yes, No",
    "#vote yes",
    "#vote Yes",
    "#vote no",
    "#endvote",
    "#topic API v2.1",
    "#status needs-review - microversions wait for reviews",
    "#inwriting Chris Yeoh",
    "#risk novaclient lags behind",
    "#endmeeting",
)


def test_the_import_command_reads_meetbots_vocabulary_in_typed_notes(day, areas, alice):
    out = import_notes_command(MEETBOT_NOTES)

    session = Session.objects.get()
    assert session.title == "Kilo wrap-up"  # #meetingname, the last title given
    assert (session.start_time, session.end_time, session.notes) == (None, None, "")
    assert not TranscriptLine.objects.exists()  # typed notes are no log
    cells, api = StatusUpdate.objects.order_by("priority_area__name").reverse()
    assert (cells.status, cells.headline) == (Status.GOOD_PROGRESS, "mappings merged")
    # #idea and #help are points, the #info undone is gone.
    assert cells.body == (
        "- Idea: run cells v2 in the gate\n- Help wanted: reviewers for the flavor migration"
    )
    assert (api.status, api.headline, api.delivery, api.reported_by) == (
        Status.NEEDS_REVIEW,
        "microversions wait for reviews",
        Delivery.IN_WRITING,
        "Chris Yeoh",
    )
    assert list(Decision.objects.values_list("text", "priority_area__name")) == [
        ("cells v2 is the default", "Cells v2"),
        ("flavors move first", "Cells v2"),
        ("Rejected: cells v1 forever", "Cells v2"),
        ("Vote: Neutron by default? Yes 2, No 1", "Cells v2"),
    ]
    # One item per owner: alice is a person's IRC nick, bob the notes' #nick.
    assert list(ActionItem.objects.values_list("owner", "text", "order")) == [
        ("Alice Liddell", "fix the job", 1),
        ("bob", "fix the job", 2),
    ]
    assert Risk.objects.values_list("text", "priority_area__name").get() == (
        "novaclient lags behind",
        "API v2.1 (microversions)",
    )
    assert '  line 13: create action item for Alice Liddell ("Cells v2"): fix the job\n' in out
    assert '  line 13: create action item for bob ("Cells v2"): fix the job\n' in out
    assert "Created 1 session, 2 status updates, 4 decisions, 2 action items and 1 risk" in out


def test_the_import_command_tells_every_line_meetbot_would_ignore(day, areas, row_counts):
    text = lines(
        "#startmeeting Day 1",
        "#undo",
        "#vote yes",
        "#startvote Lunch? Pizza, Soup",
        "#vote pasta",
        "#startvote Dinner?",
        "#action alice",
        "#motion adjourn",
        "#startmeeting Day 1 again",
        "#endvote",
        "#endvote",
        "#startvote Never closed?",
        "#endmeeting",
        "late",
    )
    with pytest.raises(CommandError) as raised:
        import_notes_command(text)
    message = str(raised.value)
    assert message.startswith("stdin: 10 problem(s), nothing was written:\n")
    for line, problem in [
        (2, "#undo with nothing before it to undo"),
        (3, "#vote with no vote open (#startvote opens one)"),
        (5, '"pasta" is not an option of the vote (Pizza, Soup)'),
        (6, "a #startvote while a vote is open: #endvote it first"),
        (7, "#action needs an owner and a text after it"),
        (8, "unknown command #motion (use one of #startmeeting, #meetingname, #topic,"),
        (9, "a second #startmeeting (the first is on line 1)"),
        (11, "#endvote with no vote open"),
        (12, "a #startvote without its #endvote"),
        (14, "text after #endmeeting (line 13): remove it, or move #endmeeting to the end"),
    ]:
        assert f"\n  line {line}: {problem}" in message
    assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)


def test_an_action_owner_is_the_first_word_unless_known_nicks_or_a_colon_list_lead(day, alice):
    import_notes_command(
        lines(
            "#here carol",
            "#action alaski write up the flavor plan",
            "#action danpb, write the spec",  # an unknown nick: the rest is the task
            "#action carol and alice to review it",
            "#action dave, erin: file the bugs",
            "#action Jérôme vérifier l\u2019API",
        )
    )
    assert list(ActionItem.objects.values_list("owner", "text")) == [
        ("alaski", "write up the flavor plan"),
        ("danpb", "write the spec"),
        ("carol", "review it"),
        ("Alice Liddell", "review it"),
        ("dave", "file the bugs"),
        ("erin", "file the bugs"),
        ("Jérôme", "vérifier l\u2019API"),
    ]


class TestAdminForm:
    url = staticmethod(lambda day: reverse("admin:priorities_day_notes", args=[day.pk]))

    def test_the_cheat_sheet_shows_meetbots_commands(self, editor_client, day):
        content = editor_client.get(self.url(day)).content.decode()
        for shown in ["#idea &lt;text&gt;", "#rejected, #reject", "#startvote", "#undo", "#here"]:
            assert shown in content

    def test_typed_meetbot_notes_preview_then_confirm(self, editor_client, day, areas, alice):
        text = lines(
            "#topic Cells v2",
            "#status started Going",
            "#help reviewers wanted",
            "#accept the flavor plan",
            "#reject cells v1",
            "#action alice, bob: fix the job",
            "#startvote Merge now? Yes, No",
            "#vote no",
            "#endvote",
        )
        preview = editor_client.post(self.url(day), {"notes": text}).content.decode()
        for line in [
            "<li>line 4: create decision (&quot;Cells v2&quot;): the flavor plan</li>",
            "<li>line 5: create decision (&quot;Cells v2&quot;): Rejected: cells v1</li>",
            "<li>line 6: create action item for Alice Liddell (&quot;Cells v2&quot;): fix the "
            "job</li>",
            "<li>line 6: create action item for bob (&quot;Cells v2&quot;): fix the job</li>",
            "<li>line 9: create decision (&quot;Cells v2&quot;): Vote: Merge now? Yes 0, No 1</li>",
        ]:
            assert line in preview
        assert not Session.objects.exists()

        editor_client.post(self.url(day), {"notes": text, "confirm": "Confirm"})
        update = StatusUpdate.objects.get()
        assert (update.headline, update.body) == ("Going", "- Help wanted: reviewers wanted")
        assert Decision.objects.count() == 3
        assert sorted(ActionItem.objects.values_list("owner", flat=True)) == [
            "Alice Liddell",
            "bob",
        ]

    def test_typed_notes_errors_name_their_lines(self, editor_client, day, areas):
        text = lines("#topic Cells v2", "#status fast Going", "#vote yes", "#link the pad")
        content = editor_client.post(self.url(day), {"notes": text}).content.decode()
        assert "<li>line 2: unknown status &quot;fast&quot; (use one of not-started" in content
        assert "<li>line 3: #vote with no vote open (#startvote opens one)</li>" in content
        assert "<li>line 4: #link needs an http:// or https:// URL (or use #info)</li>" in content
        assert 'name="confirm"' not in content
