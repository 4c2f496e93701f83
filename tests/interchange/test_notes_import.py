import html
import io
import re
import sys

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from meetup.pagecache.models import ContentVersion
from priorities.enums import Delivery, SessionKind, Status
from priorities.interchange.irc_import import commands_of
from priorities.interchange.irc_logs import read_log
from priorities.interchange.markdown import inline_text
from priorities.interchange.notes_commands import Command, LineError, NotesError
from priorities.interchange.quick_notes import import_notes, plan_notes
from priorities.interchange.report_export import day_report
from priorities.management.commands.import_notes import Command as ImportNotesCommand
from priorities.models import ActionItem, Decision, Risk, Session, StatusUpdate
from priorities.rendering import render_markdown
from tests.factories import DayFactory, EditorFactory, SessionFactory
from tests.interchange.support import lines

pytestmark = pytest.mark.django_db

CREATED_MODELS = [Session, StatusUpdate, Decision, ActionItem, Risk]


def errors_of(call):
    with pytest.raises(NotesError) as raised:
        call()
    return [(error.line, error.message) for error in raised.value.errors]


# Reading: lines into commands, no database needed.


def read_notes(text):
    """What hand-typed notes say, as the planner takes it: commands and problems, in order."""
    meeting = read_log(text)
    said = [*commands_of(meeting), *(LineError(*error) for error in meeting.errors)]
    return sorted(said, key=lambda said: said.line or 0)


def test_plain_lines_count_as_info_and_blank_lines_are_skipped():
    parsed = read_notes("first point\n\n   \n#info second point\r\nthird\r")
    assert parsed == [
        Command(1, "info", "first point"),
        Command(4, "info", "second point"),
        Command(5, "info", "third"),
    ]


def test_commands_are_case_insensitive_and_keep_their_line_numbers():
    parsed = read_notes(lines("#TOPIC Cells v2", "", "#Agreed: move on", "#action alice: write it"))
    assert parsed == [
        Command(1, "topic", "Cells v2"),
        Command(3, "agreed", "move on"),
        Command(4, "action", "write it", owner="alice"),
    ]


def test_markdown_headings_and_numbers_after_a_hash_are_plain_text():
    parsed = read_notes(lines("# not a command", "#1 priority is cells"))
    assert [command.name for command in parsed] == ["info", "info"]


@pytest.mark.parametrize(
    ("typed", "status", "headline"),
    [
        ("#status good-progress Landing patches", Status.GOOD_PROGRESS, "Landing patches"),
        ("#status Good progress: Landing patches", Status.GOOD_PROGRESS, "Landing patches"),
        ("#status NEEDS CODE REVIEW — reviews wanted", Status.NEEDS_REVIEW, "reviews wanted"),
        ("#status not started", Status.NOT_STARTED, ""),
        ("#status started - slowly", Status.STARTED, "slowly"),
    ],
)
def test_status_is_read_as_value_or_label_with_the_rest_as_headline(typed, status, headline):
    assert read_notes(typed) == [Command(1, "status", headline, status=status)]


def test_an_unknown_status_is_an_error_listing_the_statuses():
    [error] = read_notes(lines("#status fast Going well"))
    assert error.line == 1
    assert error.message.startswith('unknown status "fast" (use one of not-started, started,')


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/file", "example.org", "http://"]
)
def test_link_accepts_only_http_and_https_urls(url):
    [_info, error] = read_notes(lines("#info context", f"#link {url} the spec"))
    assert error == LineError(2, "#link needs an http:// or https:// URL (or use #info)")


def test_link_keeps_its_url_and_text():
    assert read_notes("#link https://review.openstack.org/#/c/1234/ the spec") == [
        Command(1, "link", "the spec", url="https://review.openstack.org/#/c/1234/")
    ]


def test_action_takes_its_owner_from_the_first_word():
    assert read_notes("#action danpb, write the spec for cells") == [
        Command(1, "action", "write the spec for cells", owner="danpb")
    ]


@pytest.mark.parametrize("typed", ["#action alice", "#action", "#agreed", "#topic   "])
def test_a_command_without_its_text_is_an_error(typed):
    [error] = read_notes(typed)
    assert error.line == 1
    assert "needs" in error.message


def test_an_action_owner_with_report_markup_is_refused(day):
    assert errors_of(lambda: import_notes(day, "#action **bob** fix it")) == [
        (1, "action item for **bob**: fix it: owner: Use none of the characters * [ ] here.")
    ]


def test_text_after_endmeeting_is_an_error():
    parsed = read_notes(lines("#info one", "#endmeeting", "", "late chatter", "more chatter"))
    assert parsed == [
        Command(1, "info", "one"),
        LineError(4, "text after #endmeeting (line 2): remove it, or move #endmeeting to the end"),
    ]


def test_invisible_control_characters_and_line_breaks_are_reported_with_their_line():
    [info, control, line_break] = read_notes("fine\nbell\x07 from irc\none\u2028two")
    assert info == Command(1, "info", "fine")
    assert control == LineError(
        2, "Remove the invisible control character U+0007: it cannot be shown."
    )
    assert line_break == LineError(3, "Keep this on a single line: remove the line breaks.")


def test_irc_formatting_codes_are_removed_as_in_a_log():
    assert read_notes("#info \x02bold\x02 and \x0304red\x03 from irc") == [
        Command(1, "info", "bold and red from irc")
    ]


def test_unknown_commands_are_errors_naming_the_known_ones():
    [error] = read_notes("#motion use cells")
    assert error.line == 1
    assert error.message.startswith(
        "unknown command #motion (use one of #startmeeting, #meetingname, #topic,"
    )


# Planning: commands into records, given the priority areas.


def plan(text, area_list):
    return plan_notes(read_notes(text), area_list)


def test_a_topic_names_an_area_by_name_slug_or_name_without_its_parenthetical(areas):
    for topic in ["cells V2", "CELLS-V2"]:
        assert (
            plan(lines(f"#topic {topic}", "#status started Go"), areas.values()).updates[0].area
            == areas["cells"]
        )
    for topic in ["API v2.1", "api v2.1 (MICROVERSIONS)", "api-v2-1"]:
        [update] = plan(lines(f"#topic {topic}", "#status started Go"), areas.values()).updates
        assert update.area == areas["api"]


def test_a_topic_close_to_an_area_name_is_an_error_suggesting_it(areas):
    result = plan(lines("#info a", "#topic Cells v3", "#info b"), areas.values())
    assert result.errors == [
        LineError(2, 'unknown priority area "Cells v3" (did you mean "Cells v2"?)')
    ]


def test_a_general_topic_followed_by_status_is_an_unknown_area_error_at_the_topic_line(areas):
    result = plan(
        lines("#topic Lunch plans", "#info pizza", "#status started Go", "#inwriting"),
        areas.values(),
    )
    assert result.errors == [LineError(1, 'unknown priority area "Lunch plans"')]


def test_status_before_any_topic_is_an_error(areas):
    result = plan(lines("#status started Go"), areas.values())
    assert result.errors == [
        LineError(1, "#status needs a #topic naming a priority area before it")
    ]


def test_the_headline_is_the_rest_of_the_status_line_else_the_first_info(areas):
    result = plan(
        lines(
            "#topic Cells v2",
            "#info first point",
            "#status slow-progress",
            "#info second point",
            "#link https://example.org/spec the spec",
            "#topic Nova Objects",
            "#info objects point",
            "#status good-progress Headline given",
        ),
        areas.values(),
    )
    cells, objects = result.updates
    assert (cells.headline, cells.status) == ("first point", Status.SLOW_PROGRESS)
    assert cells.body == "- second point\n- [the spec](<https://example.org/spec>)"
    assert (objects.headline, objects.body) == ("Headline given", "- objects point")


def test_a_status_without_any_headline_is_an_error(areas):
    result = plan(
        lines("#topic Cells v2", "#status blocked", "#link https://x.org"), areas.values()
    )
    assert result.errors == [
        LineError(
            2,
            'the #status of "Cells v2" needs a headline: write it after the status, or as an '
            "#info line under the #topic",
        )
    ]


def test_two_statuses_for_one_area_are_an_error(areas):
    result = plan(
        lines("#topic Cells v2", "#status started A", "#topic cells-v2", "#status blocked B"),
        areas.values(),
    )
    assert result.errors == [
        LineError(
            4,
            'a second #status for "Cells v2" (the first is on line 2): a session holds one '
            "update per priority area",
        )
    ]


def test_info_before_a_topic_and_under_general_topics_goes_to_the_notes(areas):
    result = plan(
        lines(
            "#startmeeting Whiteboard",
            "loose point",
            "#topic Process",
            "#info use the etherpad",
            "#link http://example.org",
            "#topic Cells v2",
            "#info no status, so a note",
        ),
        areas.values(),
    )
    assert result.title == "Whiteboard"
    assert result.notes == (
        "- loose point\n\n"
        "#### Process\n\n- use the etherpad\n- <http://example.org>\n\n"
        "#### Cells v2\n\n- no status, so a note"
    )


def test_outcomes_are_tied_to_the_current_topics_area(areas):
    result = plan(
        lines(
            "#agreed before any topic",
            "#topic Cells v2",
            "#risk few reviewers",
            "#topic Something else",
            "#action bob ask around",
        ),
        areas.values(),
    )
    assert [(o.model, o.area, o.owner) for o in result.outcomes] == [
        (Decision, None, ""),
        (Risk, areas["cells"], ""),
        (ActionItem, None, "bob"),
    ]


def test_the_preview_says_when_outcomes_under_a_topic_are_tied_to_no_area(day, areas):
    changes = import_notes(
        day, lines("#topic Upgrades", "#agreed expand/contract it is"), dry_run=True
    )
    assert str(changes[-1]) == (
        'create decision (topic "Upgrades", no priority area): expand/contract it is'
    )


def test_topic_text_is_escaped_so_it_cannot_break_the_markdown_of_the_notes():
    typed = "*Not* [a](javascript:x) `code` <b>bold</b> &amp; snake_case #"
    heading = f"#### {inline_text(typed)}"
    html = render_markdown(f"{heading}\n\n- point")
    assert re.fullmatch(
        r"<h6>\*Not\* \[a\]\(javascript:x\) `code` &lt;b&gt;bold&lt;/b&gt; &amp;amp; "
        r"snake_case #</h6>\n<ul>\n<li>point</li>\n</ul>",
        html,
    ), html


# Importing into a day.


def test_topic_naming_an_area_attaches_following_status_and_info_to_it(day, areas, editor):
    changes = import_notes(
        day,
        lines(
            "#topic Cells v2",
            "#status slow-progress Moving, but slowly",
            "#info the cells v2 spec merged",
            "#agreed cells v2 comes first",
        ),
        user=editor,
    )
    update = StatusUpdate.objects.get()
    assert update.priority_area == areas["cells"]
    assert update.status == Status.SLOW_PROGRESS
    assert update.headline == "Moving, but slowly"
    assert update.body == "- the cells v2 spec merged"
    assert update.delivery == Delivery.IN_PERSON
    assert update.saved_by == editor
    assert Decision.objects.get().priority_area == areas["cells"]
    assert [str(change) for change in changes] == [
        'create session "Quick notes"',
        'create status update of "Cells v2": Slow progress, "Moving, but slowly"',
        'create decision ("Cells v2"): cells v2 comes first',
    ]
    assert [change.line for change in changes] == [None, 2, 4]
    assert {change.permission for change in changes} == {
        "priorities.add_session",
        "priorities.add_statusupdate",
        "priorities.add_decision",
    }


def test_the_session_is_a_discussion_after_the_days_last_session(day, areas):
    SessionFactory(day=day, order=4)
    SessionFactory(day=day, order=2)
    import_notes(day, lines("#startmeeting Cells whiteboard", "a note"))
    session = Session.objects.get(title="Cells whiteboard")
    assert (session.kind, session.order, session.notes) == (SessionKind.DISCUSSION, 5, "- a note")


def test_a_given_title_wins_over_startmeeting_and_the_default_is_quick_notes(day):
    import_notes(day, lines("#startmeeting From the text", "a note"), session_title="Given")
    import_notes(day, "a note")
    assert set(day.sessions.values_list("title", flat=True)) == {"Given", "Quick notes"}


def test_a_title_the_day_already_has_is_an_error_and_nothing_is_written(day, areas, row_counts):
    SessionFactory(day=day, title="Quick notes")
    before = row_counts(CREATED_MODELS)
    hint = "choose another title for these notes, or add them to that session"
    assert errors_of(lambda: import_notes(day, lines("#topic Cells v2", "#status started Go"))) == [
        (None, f'{day} already has a session "Quick notes": {hint}')
    ]
    assert errors_of(lambda: import_notes(day, lines("#startmeeting quick NOTES", "x"))) == [
        (1, f'{day} already has a session "quick NOTES": {hint}')
    ]
    assert row_counts(CREATED_MODELS) == before


def test_unknown_command_is_reported_with_its_line_number_and_nothing_is_written(
    day, areas, row_counts
):
    text = lines("#topic Cells v2", "#status started Go", "#motion alice")
    errors = errors_of(lambda: import_notes(day, text))
    assert len(errors) == 1
    assert errors[0][0] == 3
    assert errors[0][1].startswith("unknown command #motion")
    assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)


def test_every_error_of_the_notes_is_reported_in_line_order(day, areas):
    text = lines(
        "#topic Cells v3",
        "#status slow",
        "#link ftp://x",
        "#topic Lunch",
        "#status started Go",
        "#info " + "x" * 10,
        "#topic Nova Objects",
        "#status started " + "h" * 201,
        "#action b*b fix",
    )
    errors = errors_of(lambda: import_notes(day, text))
    assert [line for line, _message in errors] == [1, 2, 3, 4, 8, 9]
    assert errors[4][1] == (
        f'status update of "Nova Objects": Started, "{"h" * 79}…": headline: '
        "Ensure this value has at most 200 characters (it has 201)."
    )
    assert Session.objects.count() == 0


def test_a_dry_run_lists_the_changes_and_writes_nothing(day, areas, row_counts):
    version = ContentVersion.current()[0]
    changes = import_notes(
        day, lines("#topic Cells v2", "#status started Go", "#risk reviews"), dry_run=True
    )
    assert len(changes) == 3
    assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)
    assert ContentVersion.current()[0] == version


def test_importing_moves_the_content_version_on(day):
    version = ContentVersion.current()[0]
    import_notes(day, "a note")
    assert ContentVersion.current()[0] > version


def test_an_action_owner_who_is_a_known_nick_becomes_the_persons_name(day):
    from priorities.models import Person

    Person.objects.create(name="Daniel Berrangé", irc_nick="DanPB")
    import_notes(day, lines("#action danpb: write the libvirt spec", "#action johnthetubaguy ask"))
    assert list(ActionItem.objects.order_by("order").values_list("owner", "text")) == [
        ("Daniel Berrangé", "write the libvirt spec"),
        ("johnthetubaguy", "ask"),
    ]


def test_inwriting_marks_the_areas_update_as_written_by_its_lead(day, areas):
    errors = errors_of(
        lambda: import_notes(day, lines("#topic Cells v2", "#inwriting", "#info no status"))
    )
    assert errors == [(2, '#inwriting needs a #status for "Cells v2" under the same #topic')]
    import_notes(
        day,
        lines("#topic API v2.1", "#status good-progress Microversions landed", "#inwriting Chris"),
    )
    update = StatusUpdate.objects.get()
    assert (update.delivery, update.reported_by) == (Delivery.IN_WRITING, "Chris")


def test_unicode_is_stored_exactly(day, areas):
    headline = "Zürich — naïve «café» 🚀 ﬁ e\u0301"
    import_notes(
        day,
        lines(
            "#startmeeting Réunion 東京",
            "#topic Cells v2",
            f"#status started {headline}",
            "#info Ünïcode body ✓",
            "#action Jérôme vérifier l\u2019API",
            "#topic Café ☕",
            "#info ñ",
        ),
    )
    session = Session.objects.get()
    assert session.title == "Réunion 東京"
    assert session.notes == "#### Café ☕\n\n- ñ"
    update = StatusUpdate.objects.get()
    assert (update.headline, update.body) == (headline, "- Ünïcode body ✓")
    assert ActionItem.objects.values_list("owner", "text").get() == (
        "Jérôme",
        "vérifier l\u2019API",
    )


def test_topics_in_the_notes_keep_the_day_report_structure(day):
    import_notes(day, lines("#topic ## Sessions ###", "#info fine", "#topic [x](y) **z**", "ok"))
    notes = Session.objects.get().notes
    assert (
        notes == "#### \\#\\# Sessions \\#\\#\\#\n\n- fine\n\n#### \\[x\\](y) \\*\\*z\\*\\*\n\n- ok"
    )
    report = day_report(day)
    assert report.count("\n## Sessions\n") == 1
    assert "> #### \\#\\# Sessions \\#\\#\\#" in report


def test_a_realistic_nova_meeting(day, areas):
    notes = """\
#startmeeting Kilo mid-cycle: priorities status round
Everyone is in the room but the v2.1 folks.

#topic Cells v2
#status slow-progress Moving, but slower than we hoped
#info the database split is agreed, flavors move to the API database first
#link https://review.openstack.org/#/c/135424/ cells v2 spec
#action alaski write up the flavor migration plan
#risk only two people understand the cells code

#topic API v2.1
#status Good progress: microversions are in, v2.1 is the default endpoint
#inwriting Chris Yeoh
#info novaclient support is still missing
#risk v2.1 support in novaclient

#topic Process
#info spec freeze stays on the usual date
#agreed move devstack to Neutron
#action mriedem: announce the devstack change on the ML

#endmeeting
"""
    changes = import_notes(day, notes)
    session = Session.objects.get()
    assert session.title == "Kilo mid-cycle: priorities status round"
    assert session.notes == (
        "- Everyone is in the room but the v2.1 folks.\n\n"
        "#### Process\n\n- spec freeze stays on the usual date"
    )
    cells, api = StatusUpdate.objects.order_by("priority_area__name").reverse()
    assert (cells.priority_area, cells.status, cells.delivery) == (
        areas["cells"],
        Status.SLOW_PROGRESS,
        Delivery.IN_PERSON,
    )
    assert cells.body == (
        "- the database split is agreed, flavors move to the API database first\n"
        "- [cells v2 spec](<https://review.openstack.org/#/c/135424/>)"
    )
    assert (api.priority_area, api.status, api.delivery, api.reported_by) == (
        areas["api"],
        Status.GOOD_PROGRESS,
        Delivery.IN_WRITING,
        "Chris Yeoh",
    )
    assert api.headline == "microversions are in, v2.1 is the default endpoint"
    decision = Decision.objects.get()
    assert (decision.text, decision.priority_area) == ("move devstack to Neutron", None)
    assert list(ActionItem.objects.values_list("owner", "priority_area__name", "order")) == [
        ("alaski", "Cells v2", 1),
        ("mriedem", None, 2),
    ]
    assert list(Risk.objects.values_list("text", "priority_area__name")) == [
        ("only two people understand the cells code", "Cells v2"),
        ("v2.1 support in novaclient", "API v2.1 (microversions)"),
    ]
    assert len(changes) == 8
    report = day_report(day)
    assert "v2.1 support in novaclient" in report


# The management command.


class TestCommand:
    def run(self, *args, **options):
        out = io.StringIO()
        call_command("import_notes", *args, stdout=out, **options)
        return out.getvalue()

    def test_it_reads_a_file_and_prints_what_it_created(self, day, areas, tmp_path):
        path = tmp_path / "notes.txt"
        path.write_text(lines("#topic Cells v2", "#status started Going — ✓"), "utf-8")
        out = self.run(str(path), "--day", "nova-kilo-midcycle/1", "--session", "Morning")
        assert '  create session "Morning"\n' in out
        assert '  line 2: create status update of "Cells v2": Started, "Going — ✓"\n' in out
        assert f"Created 1 session and 1 status update in {day}." in out
        assert StatusUpdate.objects.get().headline == "Going — ✓"

    def test_a_byte_order_mark_does_not_hide_the_first_command(self, day, tmp_path):
        path = tmp_path / "notes.txt"
        path.write_bytes("\ufeff#startmeeting From Notepad\n#agreed keep it".encode())
        self.run(str(path), "--day", "nova-kilo-midcycle/1")
        assert Session.objects.get().title == "From Notepad"
        assert read_notes("\ufeff#topic Cells v2")[0].name == "topic"

    def test_it_reads_stdin_given_as_a_dash(self, day, monkeypatch):
        stdin = io.TextIOWrapper(io.BytesIO("#agreed on Ünicode\n".encode()), encoding="ascii")
        monkeypatch.setattr(sys, "stdin", stdin)
        self.run("-", "--day", "nova-kilo-midcycle/1")
        assert Decision.objects.get().text == "on Ünicode"
        self.run("-", "--day", "nova-kilo-midcycle/1", "--session", "B", stdin=io.StringIO("x"))
        assert Session.objects.get(title="B").notes == "- x"

    def test_a_dry_run_prints_what_it_would_create_and_writes_nothing(self, day, areas, row_counts):
        out = self.run(
            "-",
            "--day",
            "nova-kilo-midcycle/1",
            "--dry-run",
            stdin=io.StringIO(lines("#topic Cells v2", "#status started Go", "#risk few")),
        )
        assert "Would create 1 session, 1 status update and 1 risk in" in out
        assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("nowhere/1", 'There is no meetup "nowhere".'),
            ("nova-kilo-midcycle/9", 'The meetup "nova-kilo-midcycle" has no day 9.'),
            ("nova-kilo-midcycle", "--day takes <meetup-slug>/<n>"),
            ("nova-kilo-midcycle/²", "--day takes <meetup-slug>/<n>"),
            ("nova-kilo-midcycle/99999", "--day takes <meetup-slug>/<n>"),
        ],
    )
    def test_an_unknown_day_exits_with_status_1(self, day, value, message, capsys):
        with pytest.raises(SystemExit) as exited:
            ImportNotesCommand().run_from_argv(["manage.py", "import_notes", "-", "--day", value])
        assert exited.value.code == 1
        assert message in capsys.readouterr().err

    def test_every_error_is_printed_with_its_line(self, day, areas):
        text = lines("#topic Cells v2", "#status slow-progress", "", "#wat", "#link javascript:x")
        with pytest.raises(CommandError) as raised:
            self.run("-", "--day", "nova-kilo-midcycle/1", stdin=io.StringIO(text))
        message = str(raised.value)
        assert message.startswith("stdin: 3 problem(s), nothing was written:\n")
        assert '\n  line 2: the #status of "Cells v2" needs a headline' in message
        assert "\n  line 4: unknown command #wat" in message
        assert "\n  line 5: #link needs an http:// or https:// URL (or use #info)" in message
        assert raised.value.returncode == 1
        assert Session.objects.count() == 0

    def test_an_unreadable_file_is_a_clear_error(self, day, tmp_path):
        (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
        for name in ["missing.txt", "latin1.txt"]:
            with pytest.raises(CommandError, match=f"Cannot read .*{name}"):
                self.run(str(tmp_path / name), "--day", "nova-kilo-midcycle/1")


# The admin page.


class TestAdminPage:
    def url(self, day=None):
        if day is None:
            return reverse("admin:priorities_day_notes")
        return reverse("admin:priorities_day_notes", args=[day.pk])

    def test_the_day_list_and_the_day_page_link_to_it(self, editor_client, day):
        listing = editor_client.get(reverse("admin:priorities_day_changelist")).content.decode()
        assert f'href="{self.url()}">Add quick notes' in listing
        assert f'href="{reverse("admin:priorities_day_import")}">Import a report' in listing
        page = editor_client.get(reverse("admin:priorities_day_change", args=[day.pk]))
        assert f'href="{self.url(day)}">Add quick notes' in page.content.decode()

    def test_the_form_offers_days_and_a_cheat_sheet(self, editor_client, day):
        other = DayFactory(meetup=day.meetup, number=2)
        response = editor_client.get(self.url())
        assert response.status_code == 200
        content = response.content.decode()
        assert f'<option value="{other.pk}">' in content
        assert "#action &lt;owner&gt; &lt;text&gt;" in content
        fixed = editor_client.get(self.url(day))
        assert f'<option value="{other.pk}">' not in fixed.content.decode()

    def test_preview_lists_the_records_and_writes_nothing(
        self, editor_client, day, areas, row_counts
    ):
        text = lines("#topic Cells v2", "#status started Go on", "#action bob do it")
        response = editor_client.post(self.url(day), {"notes": text, "session_title": ""})
        assert response.status_code == 200
        content = response.content.decode()
        assert "<li>create session &quot;Quick notes&quot;</li>" in content
        assert (
            "<li>line 2: create status update of &quot;Cells v2&quot;: Started, "
            "&quot;Go on&quot;</li>"
        ) in content
        assert (
            "<li>line 3: create action item for bob (&quot;Cells v2&quot;): do it</li>" in content
        )
        assert 'name="confirm"' in content
        assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)

    def test_confirm_creates_the_records_in_one_session(
        self, editor_client, editor, day, areas, row_counts
    ):
        text = lines("#topic Cells v2", "#status started Go on", "#agreed yes", "#risk hmm")
        preview = editor_client.post(
            self.url(), {"day": day.pk, "session_title": "Morning", "notes": text}
        )
        hidden = dict(
            re.findall(
                r'<input type="hidden" name="(\w+)" value="([^"]*)"', preview.content.decode()
            )
        )
        carried = {name: html.unescape(hidden[name]) for name in ["day", "session_title", "notes"]}
        assert carried == {"day": str(day.pk), "session_title": "Morning", "notes": text}
        assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)
        response = editor_client.post(
            self.url(),
            {**carried, "confirm": "Confirm"},
            follow=True,
        )
        assert response.redirect_chain == [
            (reverse("admin:priorities_day_change", args=[day.pk]), 302)
        ]
        assert (
            f"Added quick notes to {day}: 1 session, 1 status update, 1 decision and 1 risk."
            in response.content.decode()
        )
        session = Session.objects.get()
        assert session.title == "Morning"
        assert StatusUpdate.objects.get().session == session
        assert StatusUpdate.objects.get().saved_by == editor
        assert Decision.objects.get().session == Risk.objects.get().session == session

    def test_errors_show_their_line_numbers_and_keep_the_text(self, editor_client, day, areas):
        text = lines("#topic Cells v3", "#info é", "#status slow-progress", "#frob")
        response = editor_client.post(self.url(day), {"notes": text})
        content = response.content.decode()
        assert (
            "<li>line 1: unknown priority area &quot;Cells v3&quot; (did you mean "
            "&quot;Cells v2&quot;?)</li>"
        ) in content
        assert "<li>line 3:" not in content  # its topic is the problem, reported once
        assert "<li>line 4: unknown command #frob" in content
        assert 'name="confirm"' not in content
        assert "#info é" in content  # the textarea keeps what was typed
        assert Session.objects.count() == 0

    def test_a_tampered_text_is_validated_again_on_confirm(
        self, editor_client, day, areas, row_counts
    ):
        text = lines("#topic Cells v2", "#status started Go")
        editor_client.post(self.url(day), {"notes": text})
        tampered = text + "#status blocked twice\n#link javascript:alert(1)\n"
        response = editor_client.post(self.url(day), {"notes": tampered, "confirm": "Confirm"})
        assert response.status_code == 200
        content = response.content.decode()
        assert "<li>line 3: a second #status for &quot;Cells v2&quot;" in content
        assert "<li>line 4: #link needs an http:// or https:// URL" in content
        assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)

    def test_the_day_reached_from_a_day_page_cannot_be_swapped(self, editor_client, day):
        other = DayFactory(meetup=day.meetup, number=2)
        editor_client.post(self.url(day), {"day": other.pk, "notes": "x", "confirm": "Confirm"})
        assert Session.objects.get().day == day

    def test_staff_without_the_right_to_add_sessions_get_403(self, client, day):
        staff = EditorFactory()
        staff.groups.clear()
        staff.user_permissions.add(Permission.objects.get(codename="view_day"))
        client.force_login(staff)
        assert client.get(self.url(day)).status_code == 403
        response = client.post(self.url(day), {"notes": "x", "confirm": "Confirm"})
        assert response.status_code == 403
        assert Session.objects.count() == 0
        listing = client.get(reverse("admin:priorities_day_changelist")).content.decode()
        assert "Add quick notes" not in listing

    def test_a_user_lacking_one_add_permission_cannot_confirm(self, client, day, areas, row_counts):
        user = EditorFactory()
        user.groups.clear()
        user.user_permissions.add(
            *Permission.objects.filter(codename__in=["view_day", "add_session", "add_decision"])
        )
        client.force_login(user)
        text = lines("#agreed fine", "#topic Cells v2", "#status started Go", "#risk r")
        for extra in ({}, {"confirm": "Confirm"}):
            response = client.post(self.url(day), {"notes": text, **extra})
            content = response.content.decode()
            assert "You may not: create risk (&quot;Cells v2&quot;): r; create status update" in (
                content
            )
            assert 'name="confirm"' not in content
        assert row_counts(CREATED_MODELS) == dict.fromkeys(row_counts(CREATED_MODELS), 0)

    def test_a_title_the_day_has_asks_for_another(self, editor_client, day):
        SessionFactory(day=day, title="Morning")
        response = editor_client.post(self.url(day), {"notes": "x", "session_title": "Morning"})
        assert "already has a session &quot;Morning&quot;: choose another title" in (
            response.content.decode()
        )

    def test_posts_need_the_csrf_token(self, editor, day):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor)
        assert client.post(self.url(day), {"notes": "x", "confirm": "1"}).status_code == 403
        assert Session.objects.count() == 0

    def test_an_unknown_day_goes_back_to_the_list(self, editor_client):
        for day_id in ["12345", "abc", "99999999999999999999"]:
            response = editor_client.get(f"/admin/priorities/day/{day_id}/notes/")
            assert response.status_code == 302

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(self.url())
        assert response.status_code == 302
        assert "/login/" in response["Location"]
