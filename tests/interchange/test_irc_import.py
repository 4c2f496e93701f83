"""IRC meeting logs in: through the admin's quick notes, ``import_notes`` and the day page.

The logs are in ``logs/``: one short meeting in each format (``test_irc_logs`` reads them
without a database), a full meeting (chairs, #undo, a vote, actions for several nicks, bot
lines and chatter; ISO-stamped) and a status round (MeetBot's own raw log).
"""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from priorities.enums import Delivery, LineKind, Status
from priorities.interchange.irc_import import commands_of
from priorities.interchange.irc_logs import MAX_LOG_BYTES, read_log
from priorities.interchange.notes_commands import NotesError
from priorities.interchange.notes_plan import plan_notes
from priorities.interchange.quick_notes import import_meeting, import_notes
from priorities.models import (
    ActionItem,
    Attendance,
    Decision,
    Risk,
    Session,
    StatusUpdate,
    TranscriptLine,
)
from tests.factories import (
    PersonFactory,
    PriorityAreaFactory,
    SessionFactory,
    editor_browser,
    organiser_browser,
)
from tests.html import form_data, text_of

pytestmark = pytest.mark.django_db

LOGS = Path(__file__).parent / "logs"
FULL_MEETING = (LOGS / "full-meeting.log").read_text()
STATUS_ROUND = (LOGS / "status-round.log").read_text()
CREATED = [Session, TranscriptLine, StatusUpdate, Decision, ActionItem, Risk]


@pytest.fixture
def areas(day):
    team = day.meetup.team
    return {
        slug: PriorityAreaFactory(team=team, name=name, slug=slug)
        for name, slug in [
            ("Cells v2", "cells-v2"),
            ("API v2.1 (microversions)", "api-v2-1"),
            ("nova-network to Neutron migration", "nova-network"),
            ("Scheduler split", "scheduler"),
        ]
    }


@pytest.fixture
def people():
    return {
        "alice": PersonFactory(name="Alice Liddell", irc_nick="alice"),
        "bob": PersonFactory(name="Bob Dobbs", irc_nick="Bob"),  # nicks match in any case
        "carol": PersonFactory(name="Carol Jones", irc_nick="carol"),
    }


def counts():
    return {model.__name__: model.objects.count() for model in CREATED}


def run_command(*args, stdin=None):
    out = io.StringIO()
    call_command("import_notes", *args, stdout=out, stdin=stdin)
    return out.getvalue()


def write(tmp_path, text, name="meeting.log"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


# One short meeting in each format: the same records, the transcript and its times.


@pytest.mark.parametrize(
    "filename",
    [
        "meetbot.log",
        "iso.log",
        "bracketed.log",
        "bracketed-seconds.log",
        "irssi.log",
        "weechat.log",
        "web-archive.log",
    ],
)
def test_each_log_format_makes_the_session_its_items_and_its_transcript(
    day, areas, people, filename
):
    out = run_command(str(LOGS / filename), "--day", "nova-kilo-midcycle/1")

    session = Session.objects.get(day=day)
    assert session.title == "scheduler"
    # irssi and [HH:MM] logs give no seconds.
    assert session.start_time == datetime.time(15, 0, 0)
    assert session.end_time == datetime.time(15, 9, 0)
    lines = list(session.transcript.order_by("position"))
    # From #startmeeting to #endmeeting: without the bot's lines, the join, the nick change.
    assert [line.position for line in lines] == list(range(1, 9))
    assert lines[0].text == "#startmeeting scheduler"
    assert lines[-1].text == "#endmeeting"
    assert [(line.kind, line.text) for line in lines if line.kind == LineKind.ACTION] == [
        (LineKind.ACTION, "waves")
    ]
    assert {line.person for line in lines if line.nick.lower().startswith("alice")} == {
        people["alice"]
    }
    # "#action alice, bob ...": one action item each, owned by their person.
    actions = ActionItem.objects.filter(session=session).order_by("order")
    assert [(a.owner, a.text) for a in actions] == [
        ("Alice Liddell", "write the resource tracker spec"),
        ("Bob Dobbs", "write the resource tracker spec"),
    ]
    assert all(a.priority_area == areas["scheduler"] for a in actions)
    assert actions[0].transcript_line.text.startswith("#action alice, bob")
    decision = Decision.objects.get(session=session)
    assert decision.text == "the split waits for Liberty"
    assert decision.transcript_line.nick.lstrip("@") == "alice"
    assert "the RequestSpec object is merged" in session.notes
    assert "Created 1 session, 8 transcript lines, 2 action items and 1 decision in" in out


def test_hand_typed_notes_keep_working_as_today(day, areas):
    out = run_command(str(LOGS / "notes.txt"), "--day", "nova-kilo-midcycle/1")

    session = Session.objects.get(day=day)
    assert session.title == "scheduler"
    assert not session.transcript.exists()
    assert session.start_time is None
    # Today's rule for typed notes: the first word is the owner.
    assert list(ActionItem.objects.values_list("owner", "text")) == [
        ("alice", "bob write the resource tracker spec")
    ]
    assert "An IRC meeting log" not in out


# The full meeting, through the admin: preview, confirm, the records, the day page.


def post_notes(browser, day, text, **fields):
    url = reverse("admin:priorities_day_notes", args=[day.pk])
    return browser.post(url, {"day": day.pk, "notes": text, **fields})


def confirm(browser, day, preview, **changes):
    url = reverse("admin:priorities_day_notes", args=[day.pk])
    return browser.post(url, {**form_data(preview.content), **changes, "confirm": "Confirm"})


def test_the_admin_previews_a_full_meeting_topic_by_topic_then_creates_it(day, areas, people):
    organiser = organiser_browser()

    preview = post_notes(organiser, day, FULL_MEETING, attendance="on")

    assert preview.status_code == 200
    page = " ".join(text_of(preview.content).split())
    assert "An IRC meeting log (iso), “nova”, 21:00:02 to 21:08:00." in page
    # Per topic, each item with its line's time.
    assert "Cells v2 21:03:30" in page
    assert 'line 39 (21:04:10): create action item for Alice Liddell ("Cells v2")' in page
    assert "line 39 (21:04:10): create action item for dansmith" in page
    assert "line 40 (21:04:20): create action item for Bob Dobbs" in page
    assert "line 40 (21:04:20): create action item for Carol Jones" in page
    assert "line 41 (21:04:30): create action item for Unassigned" in page
    assert "Vote: Should devstack default to Neutron? Yes 3, No 1" in page
    assert "create transcript: 49 lines of the iso log" in page
    assert "create attendance of Alice Liddell on day 1" in page
    # Who was there, and what was left out, counted.
    assert "alice (Alice Liddell): 21 lines" in page
    assert "bob (Bob Dobbs): 5 lines" in page
    assert "mriedem: 2 lines" in page
    assert "jogo: 0 lines" in page  # named by #nick
    assert "No person has the IRC nick of dansmith, johnthetubaguy, sdague, mriedem, jogo" in page
    assert "6 lines before #startmeeting" in page
    assert "8 lines after #endmeeting" in page
    assert "lines of the bot" in page and "joins, parts, nick and topic changes" in page
    assert "not a chair" in page and "undone" in page
    assert counts() == dict.fromkeys(counts(), 0)

    done = confirm(organiser, day, preview)

    assert done.status_code == 302
    session = Session.objects.get(day=day)
    assert (session.title, session.start_time, session.end_time) == (
        "nova",
        datetime.time(21, 0, 2),
        datetime.time(21, 8, 0),
    )
    assert session.transcript.count() == 49
    assert list(Decision.objects.order_by("order").values_list("text", flat=True)) == [
        "Vote: Should devstack default to Neutron? Yes 3, No 1",
        "devstack moves to Neutron by default",  # carol's #agreed: not a chair
        "Rejected: dropping nova-network in kilo",  # dansmith was made a chair
    ]
    assert list(ActionItem.objects.order_by("order").values_list("owner", flat=True)) == [
        "Alice Liddell",
        "dansmith",
        "Bob Dobbs",
        "Carol Jones",
        "Unassigned",
        "jogo",
    ]
    assert Risk.objects.get().text == "v2.1 support in novaclient is not ready"
    # #undo by a chair removed dansmith's #info; carol's #undo and #topic did nothing.
    assert "the grenade job is fixed" not in session.notes
    assert "cells instead" not in session.notes
    for item in [*Decision.objects.all(), *ActionItem.objects.all(), *Risk.objects.all()]:
        assert item.transcript_line.session == session
    # The people present with a person are ticked on the day.
    ticked = Attendance.objects.filter(days=day).values_list("person__name", flat=True)
    assert sorted(ticked) == ["Alice Liddell", "Bob Dobbs", "Carol Jones"]


def test_the_day_page_shows_the_transcript_folded_escaped_and_linked(client, day, areas, people):
    import_notes(day, STATUS_ROUND, attendance=True)
    session = Session.objects.get(day=day)

    response = client.get(day.get_absolute_url())

    html = response.content.decode()
    section = html[html.index(f'id="{session.anchor}"') :]
    # Folded by default, every line with its anchor, its time and its speaker.
    assert f'<details class="transcript" id="{session.anchor}-transcript">' in section
    assert "<details open" not in section
    first = session.transcript.get(position=1)
    assert f'<li id="{first.anchor}">' in section
    assert "&lt;<bdi>alice</bdi>&gt;" in section
    assert "* <bdi>" not in section  # no /me line inside this meeting
    # What people typed is text, never markup.
    assert "<script>alert(1)</script>" not in html
    assert "the &lt;script&gt;alert(1)&lt;/script&gt; job &amp; grenade both pass" in section
    # Each status update and outcome links to its line, which is on the page.
    update = StatusUpdate.objects.get(priority_area=areas["cells-v2"])
    assert update.status == Status.GOOD_PROGRESS
    assert update.headline == "the cell mapping series is merged"
    assert f'href="#{update.transcript_line.anchor}"' in html
    risk = Risk.objects.get()
    assert f'href="#{risk.transcript_line.anchor}"' in html
    assert f'id="{risk.transcript_line.anchor}"' in html
    written = StatusUpdate.objects.get(priority_area=areas["api-v2-1"])
    assert (written.delivery, written.reported_by) == (Delivery.IN_WRITING, "Ken'ichi")
    # The #here alias "cj" stands for carol_, whose person is Carol Jones.
    assert ActionItem.objects.get().owner == "Carol Jones"
    # Who spoke, matched to people, with their line counts.
    speakers = " ".join(text_of(section[: section.index("<details")]).split())
    assert "Who spoke: alice (Alice Liddell) 8 lines, bob (Bob Dobbs) 3 lines" in speakers
    assert "carol (Carol Jones) 2 lines" in speakers
    assert "10:00 to 10:04" in text_of(response.content)


def test_the_day_page_costs_the_same_queries_with_a_transcript(
    client, django_assert_num_queries, day, areas, people
):
    import_notes(day, STATUS_ROUND)
    import_notes(day, FULL_MEETING)
    assert TranscriptLine.objects.count() == 13 + 49

    with django_assert_num_queries(13):
        client.get(day.get_absolute_url())


def test_an_editor_may_import_a_log_but_not_record_attendance(day, areas, people):
    editor = editor_browser()

    refused = post_notes(editor, day, STATUS_ROUND, attendance="on")
    assert "You may not: create attendance of Alice Liddell on day 1" in text_of(refused.content)

    preview = post_notes(editor, day, STATUS_ROUND)
    assert confirm(editor, day, preview).status_code == 302
    assert TranscriptLine.objects.count() == 13
    assert not Attendance.objects.exists()


def test_ticking_the_box_on_the_preview_shows_the_preview_again(day, areas, people):
    organiser = organiser_browser()
    preview = post_notes(organiser, day, STATUS_ROUND)
    assert "create attendance" not in text_of(preview.content)

    again = confirm(organiser, day, preview, attendance="on")

    assert again.status_code == 200
    assert "create attendance of Alice Liddell on day 1" in text_of(again.content)
    assert not Session.objects.exists()
    assert confirm(organiser, day, again).status_code == 302
    assert Attendance.objects.filter(days=day).count() == 3


# The command: a dry run previews, attendance on request.


def test_a_dry_run_previews_per_topic_with_times_people_and_what_is_left_out(
    day, areas, people, tmp_path
):
    out = run_command(write(tmp_path, FULL_MEETING), "--day", "nova-kilo-midcycle/1", "--dry-run")

    assert 'An IRC meeting log (iso), "nova"' in out
    assert "Cells v2 (21:03:30):\n" in out
    assert "    line 39 (21:04:10): create action item for Alice Liddell" in out
    assert "nova-network to Neutron migration (21:05:00):\n" in out
    assert "People present: alice (Alice Liddell): 21 lines, bob (Bob Dobbs): 5 lines" in out
    assert "Left out: " in out and "8 lines after #endmeeting" in out
    assert "Release status (21:01:02):\n    no records (its points, if any, are in the" in out
    assert (
        "Would create 1 session, 49 transcript lines, 6 action items, 3 decisions and 1 risk in"
    ) in out
    assert counts() == dict.fromkeys(counts(), 0)


def test_the_command_records_attendance_when_asked(day, areas, people, tmp_path):
    path = write(tmp_path, STATUS_ROUND)
    run_command(path, "--day", "nova-kilo-midcycle/1")
    assert not Attendance.objects.exists()

    out = run_command(path, "--day", "nova-kilo-midcycle/1", "--attendance")

    assert 'already imported into the session "Kilo status round"' in out
    assert "    create attendance of Carol Jones on day 1" in out
    assert (
        out.rstrip().endswith(
            'Added 3 attendances in session "Kilo status round" of Test mid-cycle meetup'
        )
        or 'Added 3 attendances in session "Kilo status round"' in out
    )
    assert Attendance.objects.filter(days=day).count() == 3
    assert TranscriptLine.objects.count() == 13  # the log itself was already in


# Append, and import again: nothing twice.


def halves(text):
    lines = text.splitlines(keepends=True)
    middle = next(n for n, line in enumerate(lines) if "#topic nova-network" in line)
    return "".join(lines[:middle]), "".join(lines[middle:])


def test_a_meeting_split_over_a_break_is_appended_to_its_session(day, areas, people, tmp_path):
    first, second = halves(FULL_MEETING)
    run_command(write(tmp_path, first, "1.log"), "--day", "nova-kilo-midcycle/1")
    session = Session.objects.get()
    assert session.end_time is None  # no #endmeeting yet
    before = session.transcript.count()

    # The second half has no #startmeeting of its own: the session's chair goes on.
    second = "2015-01-22T21:04:59  <alice> #startmeeting nova\n" + second
    out = run_command(
        write(tmp_path, second, "2.log"),
        "--day",
        "nova-kilo-midcycle/1",
        "--append",
        "--session",
        "nova",
    )

    session.refresh_from_db()
    assert session.end_time == datetime.time(21, 8, 0)
    positions = list(session.transcript.values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert len(positions) > before
    # The vote and alice's #agreed; dansmith's #rejected does not count: he was made a chair
    # in the first log, and each log is read as the bot saw it, from its own #startmeeting.
    assert Decision.objects.filter(session=session).count() == 2
    assert "Added " in out and 'session "nova"' in out


def test_importing_the_same_log_twice_adds_nothing(day, areas, people, tmp_path):
    path = write(tmp_path, FULL_MEETING)
    run_command(path, "--day", "nova-kilo-midcycle/1")
    before = counts()
    notes = Session.objects.get().notes

    out = run_command(path, "--day", "nova-kilo-midcycle/1")

    assert counts() == before
    assert Session.objects.get().notes == notes
    assert 'already imported into the session "nova"' in out
    assert "Added nothing" in out


def test_a_longer_copy_of_an_imported_log_adds_only_its_new_lines(day, areas, people):
    first, _ = halves(FULL_MEETING)
    import_notes(day, first)
    before = counts()

    import_notes(day, FULL_MEETING)

    after = counts()
    assert after["Session"] == 1
    assert after["TranscriptLine"] == 49
    assert after["ActionItem"] == before["ActionItem"] + 1  # jogo's, after the break
    assert after["Decision"] == before["Decision"] + 3
    assert Session.objects.get().end_time == datetime.time(21, 8, 0)


def test_a_status_headline_keeps_its_dashes(day, areas):
    """The status is read once, by the rule typed notes use: the headline is as said."""
    import_notes(
        day,
        "21:00:00 <alice> #startmeeting\n21:00:01 <alice> #topic Cells v2\n"
        "21:00:02 <alice> #status started Zürich — naïve, as planned\n",
    )
    assert StatusUpdate.objects.get().headline == "Zürich — naïve, as planned"


def test_a_log_appended_to_a_session_of_typed_notes_keeps_its_title(day, areas):
    session = SessionFactory(day=day, title="Morning status round", notes="")
    result = import_meeting(day, STATUS_ROUND, into=session)
    session.refresh_from_db()
    assert session.title == "Morning status round"
    assert session.start_time == datetime.time(10, 0)
    assert result.log is not None and session.transcript.count() == 13


# Topics find areas by a unique prefix or a word; an ambiguous one lists the candidates.


def test_a_topic_finds_an_area_by_a_word_or_a_prefix_and_an_ambiguous_one_is_an_error(areas):
    plan = plan_notes(
        commands_of(read_log("#topic cells\n#status started Go\n#topic sched\n#status blocked X")),
        list(areas.values()),
    )
    assert [update.area.name for update in plan.updates] == ["Cells v2", "Scheduler split"]
    more = [
        *areas.values(),
        PriorityAreaFactory(name="Cells v1 cleanup", team=areas["cells-v2"].team),
    ]
    plan = plan_notes(commands_of(read_log("#topic cells\n#status started Go\n")), more)
    assert (plan.errors[0].line, plan.errors[0].message) == (
        1,
        '"cells" could be any of "Cells v1 cleanup", "Cells v2": use more of the name',
    )


# Bad input: a clear message naming the line, and nothing written.


def errors_of(day, text, **options):
    with pytest.raises(NotesError) as raised:
        import_notes(day, text, **options)
    return [(error.line, error.message) for error in raised.value.errors]


def test_a_log_in_no_known_format_is_refused_naming_its_line(day, areas):
    text = "Jan 22 21:00:02 <alice> #startmeeting nova\nJan 22 21:00:05 <bob> hi\n"
    [(line, message)] = errors_of(day, text)
    assert line == 1
    assert "looks like a line of an IRC log, but in no format this reader knows" in message
    assert counts() == dict.fromkeys(counts(), 0)


def test_mixed_formats_are_refused_naming_the_first_odd_line(day, areas):
    text = FULL_MEETING.replace(
        "2015-01-22T21:01:10  <alice> #info kilo-2",
        "[21:01] <alice> #info kilo-2",
    )
    errors = errors_of(day, text)
    assert errors[0][0] == 22
    assert "paste one log at a time, in one format" in errors[0][1]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_log_without_startmeeting_is_refused(day, areas):
    text = "\n".join(FULL_MEETING.splitlines()[7:]).replace("#startmeeting nova", "hello")
    [(line, message)] = errors_of(day, text)
    assert line is None and "no #startmeeting in the log" in message


def test_a_huge_paste_is_refused_before_it_is_read(day, areas):
    organiser = organiser_browser()
    huge = FULL_MEETING + "2015-01-22T21:09:00  <bob> " + "x" * MAX_LOG_BYTES + "\n"

    response = post_notes(organiser, day, huge)

    assert response.status_code == 200
    assert "The text is larger than 1,000 KB" in text_of(response.content)
    assert "more than the 1,000,000 a log may be" in errors_of(day, huge)[0][1]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_log_file_that_is_not_utf8_is_refused_naming_its_lines(day, areas, tmp_path):
    data = FULL_MEETING.encode().replace(b"morning all", b"caf\xe9 all")
    with pytest.raises(CommandError) as raised:
        run_command(write(tmp_path, data), "--day", "nova-kilo-midcycle/1")
    assert "nothing was written: it is not UTF-8 text" in str(raised.value)
    assert "line 3: not UTF-8 (byte 0xE9 at column 33)" in str(raised.value)
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_log_line_too_long_for_the_transcript_is_named_and_nothing_is_written(day, areas):
    text = FULL_MEETING.replace("sorry, network trouble", "y" * 2_500)
    errors = errors_of(day, text)
    assert errors[0][0] == 33
    assert "transcript line: text: Ensure this value has at most 2000 characters" in errors[0][1]
    assert counts() == dict.fromkeys(counts(), 0)


def test_a_transcript_line_belongs_to_its_items_session(day, areas):
    import_notes(day, STATUS_ROUND)
    risk = Risk.objects.get()
    other = SessionFactory(day=day)
    risk.session = other
    with pytest.raises(Exception, match="one of this session's transcript"):
        risk.full_clean()


def test_transcript_lines_are_numbered_once_per_session(day):
    session = SessionFactory(day=day)
    TranscriptLine.objects.create(
        session=session, position=1, time=datetime.time(10), nick="a", kind=LineKind.MESSAGE
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        TranscriptLine.objects.create(
            session=session, position=1, time=datetime.time(10), nick="b", text="again"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        TranscriptLine.objects.create(session=session, position=2, time=datetime.time(10), nick="")


def test_the_bot_nicks_are_a_setting(day, areas, settings):
    settings.IRC_BOT_NICKS = ["ourbot"]
    text = STATUS_ROUND.replace("<meetbot>", "<ourbot>")
    result = import_meeting(day, text, dry_run=True)
    assert dict(result.log.left_out)["lines of the bot"] == 2
    settings.IRC_BOT_NICKS = []  # empty: MeetBot's usual bots, "ourbot" speaks
    result = import_meeting(day, text, dry_run=True)
    assert "lines of the bot" not in dict(result.log.left_out)


def test_the_preview_counts_one_line_left_out_in_the_singular(day):
    log = "\n".join(
        [
            "16:59:00 <alice> morning",
            "17:00:00 <alice> #startmeeting nova",
            "17:00:30 <alice> #endmeeting",
        ]
    )
    result = import_meeting(day, log, dry_run=True)
    assert ("line before #startmeeting", 1) in result.log.left_out
