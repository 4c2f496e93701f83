"""Reading IRC meeting logs and quick notes: ``priorities.interchange.irc_logs``, no database."""

import datetime
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from priorities.interchange.irc_logs import (
    DEFAULT_BOT_NICKS,
    MAX_LOG_BYTES,
    Item,
    LogFormatError,
    LogLine,
    detect_format,
    nick_key,
    read_log,
)

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = pytest.mark.any_database

LOGS = Path(__file__).parent / "logs"


def log(*lines):
    return "\n".join(lines) + "\n"


def meeting_of(*lines, **options):
    """A MeetBot raw log of ``lines`` ("nick: text" or "* nick action"), a line a second."""
    logged = []
    for second, line in enumerate(lines):
        stamp = f"21:{second // 60:02d}:{second % 60:02d}"
        if line.startswith("* "):
            logged.append(f"{stamp} {line}")
        else:
            nick, text = line.split(": ", 1)
            logged.append(f"{stamp} <{nick}> {text}")
    return read_log(log(*logged), **options)


def summary(items):
    return [(item.command, item.nick, item.text, item.owners) for item in items]


def at(hour, minute, second=0):
    return datetime.time(hour, minute, second)


# One short meeting, as each client and archive logs it.

SCHEDULER_ITEMS = [
    ("topic", "alice", "Scheduler split", ()),
    ("info", "alice", "the RequestSpec object is merged", ()),
    ("action", "bob", "write the resource tracker spec", ("alice", "bob")),
    ("agreed", "alice", "the split waits for Liberty", ()),
]


#: What each log holds around the meeting: two lines before it and two after (a join and a
#: "hi", the bot's "Meeting ended" and a part or "EOF"), the bot's greeting, a nick change.
AROUND = {"before the meeting": 2, "bot": 1, "system": 1, "after the meeting": 2}


@pytest.mark.parametrize(
    ("filename", "log_format", "left_out"),
    [
        # MeetBot's own log starts at #startmeeting and holds no joins or nick changes.
        ("meetbot.log", "meetbot", {"bot": 2, "after the meeting": 1}),
        ("iso.log", "iso", AROUND),
        ("bracketed.log", "bracketed", AROUND),
        ("bracketed-seconds.log", "bracketed", AROUND),
        # irssi adds "--- Log opened" and "--- Log closed".
        ("irssi.log", "irssi", AROUND | {"before the meeting": 3, "after the meeting": 3}),
        ("weechat.log", "weechat", AROUND),
        # The web page shows no join before the meeting.
        ("web-archive.log", "web-archive", AROUND | {"before the meeting": 1}),
    ],
)
def test_each_format_gives_the_same_meeting(filename, log_format, left_out):
    meeting = read_log((LOGS / filename).read_bytes())

    assert meeting.errors == []
    assert meeting.format == log_format
    assert (meeting.title, meeting.chairs) == ("scheduler", ["alice"])
    assert (meeting.start_time, meeting.end_time) == (at(15, 0), at(15, 9))
    assert summary(meeting.items) == SCHEDULER_ITEMS
    assert meeting.speakers == Counter({"alice": 5, "bob": 2, "carol": 1})
    assert meeting.present == ["alice", "bob", "carol"]
    assert meeting.left_out == Counter(left_out)
    kinds = [line.kind for line in meeting.transcript]
    assert kinds == ["message", "message", "action", *["message"] * 5]
    assert (meeting.transcript[2].nick, meeting.transcript[2].text) == ("carol", "waves")


def test_the_format_of_each_log_is_detected_from_its_lines():
    for filename, log_format in [
        ("meetbot.log", "meetbot"),
        ("iso.log", "iso"),
        ("bracketed.log", "bracketed"),
        ("irssi.log", "irssi"),
        ("weechat.log", "weechat"),
        ("web-archive.log", "web-archive"),
        ("notes.txt", "notes"),
    ]:
        assert detect_format((LOGS / filename).read_text().splitlines()) == log_format


def test_other_layouts_of_known_formats():
    the_lounge = log(
        "[2021-03-29T13:16:36.853Z] *** creekorful (~creekorful@0002a854.user.oftc.net) joined",
        "[2021-03-29T13:16:40.001Z] <Myon> #startmeeting debian",
        "[2021-03-29T13:17:02.417Z] <Myon> #endmeeting",
    )
    assert read_log(the_lounge).format == "iso"
    mirc = log(
        "[21:00] * Joins: bob (~bob@203.0.113.7)",
        "[21:00] * Now talking in #nova",
        "[21:01] <alice> #startmeeting",
        "[21:02] * alice is now known as alice_",
        "[21:03] <alice_> #endmeeting",
    )
    meeting = read_log(mirc)
    assert (meeting.format, meeting.left_out["system"], meeting.errors) == ("bracketed", 1, [])


# The full meeting: chairs, chatter around it, bots, joins, #undo, a vote, actions.


@pytest.fixture(scope="module")
def full_meeting():
    return read_log((LOGS / "full-meeting.log").read_bytes())


def test_full_meeting_facts(full_meeting):
    assert full_meeting.errors == []
    assert full_meeting.format == "iso"
    assert (full_meeting.title, full_meeting.title_line) == ("nova", 7)
    assert full_meeting.start_time == at(21, 0, 2)
    assert full_meeting.end_time == at(21, 8, 0)
    assert full_meeting.chairs == ["alice", "dansmith"]


def test_full_meeting_items(full_meeting):
    assert summary(full_meeting.items) == [
        ("link", "alice", "agenda", ()),
        ("topic", "alice", "Release status", ()),
        ("info", "alice", "kilo-2 is out, the kilo-3 feature freeze is March 19", ()),
        ("info", "bob", "the gate is at 70% on the grenade job", ()),
        ("idea", "alice", "ask infra for a second grenade node", ()),
        # dansmith's "#info the grenade job is fixed" was undone; carol's #topic and #undo
        # are not a chair's.
        ("topic", "alice", "Cells v2", ()),
        ("link", "dansmith", "cell mappings, part 1", ()),
        ("action", "alice", "review the cell mapping series", ("alice", "dansmith")),
        ("action", "alice", "fix the grenade job", ("bob", "carol")),
        ("action", "alice", "fix the gate", ()),
        ("help", "carol", "need reviewers for the cells v2 functional tests", ()),
        ("topic", "alice", "nova-network to Neutron migration", ()),
        ("vote", "alice", "Should devstack default to Neutron?", ()),
        ("agreed", "alice", "devstack moves to Neutron by default", ()),
        ("rejected", "dansmith", "dropping nova-network in kilo", ()),
        ("risk", "sdague", "v2.1 support in novaclient is not ready", ()),
        ("topic", "alice", "Open discussion", ()),
        ("action", "alice", "send the kilo-3 reminder to the list", ("jogo",)),
    ]
    links = [item for item in full_meeting.items if item.command == "link"]
    assert [link.url for link in links] == [
        "https://wiki.openstack.org/wiki/Meetings/Nova",
        "https://review.openstack.org/#/c/135424/",
    ]
    vote = next(item for item in full_meeting.items if item.command == "vote")
    assert vote == Item(
        line=54,
        time=at(21, 5, 50),
        nick="alice",
        command="vote",
        text="Should devstack default to Neutron?",
        tally=(("Yes", 3), ("No", 1)),
    )


def test_full_meeting_transcript_and_speakers(full_meeting):
    transcript = full_meeting.transcript
    assert transcript[0] == LogLine(7, at(21, 0, 2), "alice", "#startmeeting nova", "message")
    assert transcript[-1] == LogLine(73, at(21, 8, 0), "alice", "#endmeeting", "message")
    assert len(transcript) == 49
    assert {line.kind for line in transcript} == {"message", "action"}
    assert not {line.nick for line in transcript} & DEFAULT_BOT_NICKS
    # The nick is kept as the log shows it, apart from the text: never stripped as HTML.
    assert LogLine(33, at(21, 3, 10), "bob_", "sorry, network trouble", "message") in transcript
    assert LogLine(69, at(21, 7, 30), "dansmith", "has to run", "action") in transcript
    assert full_meeting.speakers == Counter(
        alice=21, carol=9, dansmith=8, bob=5, johnthetubaguy=3, mriedem=2, sdague=1
    )
    # In order first seen; bob_ is bob; jogo came by #nick, mriedem said #here.
    assert full_meeting.present == (
        ["alice", "bob", "dansmith", "carol", "johnthetubaguy", "sdague", "mriedem", "jogo"]
    )


def test_full_meeting_left_out(full_meeting):
    assert full_meeting.left_out == Counter(
        {
            "before the meeting": 6,  # joins, "hi", "* bob pokes the bot", sdague's #info
            "bot": 10,
            "system": 8,  # topic changes, a nick change, a join and a quit
            "not a chair": 4,  # carol's #topic, #undo, #agreed and #endmeeting
            "undone": 1,
            "not a vote option": 1,
            "after the meeting": 8,  # "EOF", the bot's links, carol's late #action
        }
    )


# Hand-typed notes: today's quick notes keep working.


def test_notes_are_read_as_today():
    meeting = read_log((LOGS / "notes.txt").read_text(), known_nicks=("alice", "bob"))

    assert meeting.errors == []
    assert (meeting.format, meeting.title, meeting.title_line) == ("notes", "scheduler", 1)
    assert summary(meeting.items) == [
        ("topic", "", "Scheduler split", ()),
        ("info", "", "the RequestSpec object is merged", ()),
        ("action", "", "write the resource tracker spec", ("alice", "bob")),
        ("agreed", "", "the split waits for Liberty", ()),
    ]
    assert meeting.transcript == []  # notes are no log: the session gets no transcript
    assert meeting.speakers == Counter()
    assert meeting.left_out == Counter()


def test_notes_need_no_start_and_everyone_is_a_chair():
    meeting = read_log(
        log(
            "#topic Cells v2",
            "#agreed cells v2 is the default in Liberty",
            "#rejected cells v1 forever",
            "#undo",
            "https://review.openstack.org/135424 the spec",
            "#status good-progress: mappings merged",
            "#status blocked",
            "#risk v2.1 support in novaclient",
            "#inwriting",
            "#here jogo, mriedem",
        )
    )
    assert meeting.errors == []
    assert [(item.command, item.text) for item in meeting.items] == [
        ("topic", "Cells v2"),
        ("agreed", "cells v2 is the default in Liberty"),
        ("link", "the spec"),
        ("status", "good-progress: mappings merged"),
        ("status", "blocked"),
        ("risk", "v2.1 support in novaclient"),
        ("inwriting", ""),
    ]
    assert meeting.present == ["jogo", "mriedem"]


def test_notes_errors_are_todays():
    meeting = read_log(
        log(
            "#startmeeting Day 1",
            "#topik Cells v2",
            "#item not a command either",
            "#info",
            "#startmeeting Day 2",
            "#link the etherpad",
            "#startvote Neutron by default",
            "#endmeeting",
            "forgotten",
            "also forgotten",
        )
    )
    unknown = "unknown command #{} (use one of #startmeeting, #meetingname, #topic, #status, "
    assert meeting.errors[0][0] == 2 and meeting.errors[0][1].startswith(unknown.format("topik"))
    assert meeting.errors[1][0] == 3 and meeting.errors[1][1].startswith(unknown.format("item"))
    assert meeting.errors[2:] == [
        (4, "#info needs a text after it"),
        (5, "a second #startmeeting (the first is on line 1)"),
        (6, "#link needs an http:// or https:// URL (or use #info)"),
        (7, '#startvote needs a question ending in "?", then the options'),
        (9, "text after #endmeeting (line 8): remove it, or move #endmeeting to the end"),
    ]


def test_in_notes_what_a_log_would_count_as_left_out_is_an_error():
    meeting = read_log(
        log(
            "#undo",
            "#vote yes",
            "#startvote Lunch? Pizza, Soup",
            "#vote pasta",
            "#startvote Dinner?",
            "#endvote",
            "#endvote",
            "#meetingname",
            "#here",
            "#startvote Never closed?",
        )
    )
    assert meeting.errors == [
        (1, "#undo with nothing before it to undo"),
        (2, "#vote with no vote open (#startvote opens one)"),
        (4, '"pasta" is not an option of the vote (Pizza, Soup)'),
        (5, "a #startvote while a vote is open: #endvote it first"),
        (7, "#endvote with no vote open"),
        (8, "#meetingname needs a title after it"),
        (9, "#nick and #here need the nicks after them"),
        (10, "a #startvote without its #endvote"),
    ]
    assert meeting.left_out == Counter()


def test_a_notes_line_that_looks_like_a_log_line_is_named():
    meeting = read_log(log("#topic Cells v2", "#info mappings", "21:03 <alice> hi"))
    assert meeting.errors == [(3, meeting.errors[0][1])]
    assert '"21:03 <alice> hi" is a line of an IRC log, irssi' in meeting.errors[0][1]
    assert meeting.items == []


# #action: one owner per nick named, the task without them.


def test_action_owners_are_the_leading_known_nicks():
    meeting = meeting_of(
        "alice: #startmeeting",
        "bob: o/",
        "Carol_: o/",
        "alice: #action alice, bob fix the job",
        "alice: #action alice and CAROL: fix the job",
        "alice: #action bob to send the reminder",
        "alice: #action fix the gate",
        "alice: #action ask bob about the gate",
        "alice: #action dave, erin: file the bugs",
        "alice: #action alice bobby carol do something",
        "alice: #action alice, zed: review it",
        "alice: #endmeeting",
    )
    assert [(item.owners, item.text) for item in meeting.items] == [
        (("alice", "bob"), "fix the job"),
        (("alice", "Carol"), "fix the job"),
        (("bob",), "send the reminder"),
        ((), "fix the gate"),
        (("bob",), "ask bob about the gate"),  # MeetBot's rule: named anywhere, text kept
        (("dave", "erin"), "file the bugs"),  # a list before a colon, nicks unknown
        (("alice",), "bobby carol do something"),
        (("alice", "zed"), "review it"),  # the colon says zed, who never spoke, is an owner
    ]


def test_action_owners_known_later_in_the_meeting_or_to_the_caller():
    meeting = meeting_of(
        "alice: #startmeeting",
        "alice: #action dims, jogo fix the job",
        "dims: sure",
        "alice: #endmeeting",
        known_nicks=("jogo",),
    )
    assert [(item.owners, item.text) for item in meeting.items] == [
        (("dims", "jogo"), "fix the job")
    ]


def test_notes_action_owners_are_known_nicks_a_list_before_a_colon_or_the_first_word():
    notes = log("#action alice, bob fix the job", "#action alice, bob: fix the job")
    assert [(item.owners, item.text) for item in read_log(notes).items] == [
        (("alice",), "bob fix the job"),  # bob could be the task's first word
        (("alice", "bob"), "fix the job"),
    ]
    known = read_log(notes, known_nicks=("Alice", "bob"))
    assert [item.owners for item in known.items] == [("Alice", "bob"), ("Alice", "bob")]
    named = read_log(log("#nick bob", "#action alice, bob fix the job"), known_nicks=("alice",))
    assert [(item.owners, item.text) for item in named.items] == [(("alice", "bob"), "fix the job")]


def test_a_notes_action_without_an_owner_or_a_task_is_an_error():
    meeting = read_log(log("#action alice", "#action alice, bob:", "#action : fix it"))
    assert meeting.errors == [
        (line, "#action needs an owner and a text after it") for line in (1, 2, 3)
    ]


def test_here_with_an_alias_and_nick_make_owners():
    meeting = meeting_of(
        "alice: #startmeeting",
        "kenp: #here pronovici",
        "alice: #nick whoever",
        "alice: #action pronovici and whoever fix the job",
        "alice: #endmeeting",
    )
    assert meeting.items[0].owners == ("kenp", "whoever")
    assert meeting.present == ["alice", "kenp", "whoever"]


def test_nicks_compare_case_insensitively_and_without_decorations():
    assert nick_key("Alice_") == nick_key("alice|away") == nick_key("ALICE") == "alice"
    meeting = meeting_of(
        "alice: #startmeeting",
        "ALICE|away: #topic counts: alice is the chair",
        "alice__: hi",
        "alice: #endmeeting",
    )
    assert meeting.speakers == Counter({"alice": 4})
    assert summary(meeting.items) == [("topic", "alice", "counts: alice is the chair", ())]


# Chairs, #undo, links.


def test_bot_nicks_are_configurable():
    lines = (
        "alice: #startmeeting",
        "novabot: #info a bot's line",
        "openstack: the default bots' nick",
        "alice: #endmeeting",
    )
    assert meeting_of(*lines).speakers == Counter(alice=2, novabot=1)
    custom = meeting_of(*lines, bot_nicks={"NovaBot"})
    assert custom.speakers == Counter(alice=2, openstack=1)
    assert (custom.items, custom.left_out) == ([], Counter(bot=1))


def test_only_chairs_topics_decisions_and_undos_count():
    meeting = meeting_of(
        "alice: #startmeeting",
        "bob: #topic mine",
        "bob: #agreed mine",
        "bob: #accepted mine",
        "bob: #rejected mine",
        "bob: #startvote mine? a, b",
        "bob: #chair bob",
        "bob: #meetingname bobs",
        "alice: #chair bob, carol",
        "bob: #topic bob's now",
        "carol: #accept carol's too",
        "alice: #unchair alice bob",
        "bob: #undo",
        "alice: #endmeeting",
    )
    assert summary(meeting.items) == [
        ("topic", "bob", "bob's now", ()),
        ("agreed", "carol", "carol's too", ()),
    ]
    assert meeting.chairs == ["alice", "carol"]  # who started it cannot be unchaired
    assert meeting.left_out["not a chair"] == 8
    assert meeting.title == ""


def test_undo_removes_the_last_item_of_any_kind():
    meeting = meeting_of(
        "alice: #startmeeting",
        "alice: #undo",
        "alice: #topic one",
        "alice: #info a point",
        "alice: #undo",
        "alice: #undo",
        "alice: #topic two",
        "alice: #endmeeting",
    )
    assert summary(meeting.items) == [("topic", "alice", "two", ())]
    assert meeting.left_out["undone"] == 2
    assert meeting.left_out["nothing to undo"] == 1


def test_links_and_bare_urls():
    meeting = meeting_of(
        "alice: #startmeeting",
        "alice: #link https://example.org/agenda the agenda",
        "alice: #link the etherpad: https://etherpad.example.org/p/nova.",
        "alice: http://example.org/a_(b) said by a chair",
        "bob: https://example.org/chatter said by anyone else",
        "bob: #link the spec is here",
        "alice: #endmeeting",
    )
    assert [(item.url, item.text) for item in meeting.items] == [
        ("https://example.org/agenda", "the agenda"),
        ("https://etherpad.example.org/p/nova", "the etherpad:"),
        ("http://example.org/a_(b)", "said by a chair"),
    ]
    assert meeting.errors == [(6, "#link needs an http:// or https:// URL (or use #info)")]


def test_title_from_meetingname_and_other_commands():
    meeting = meeting_of(
        "alice: #startmeeting Nova API",
        "alice: #meetingname nova-api",
        "alice: #startmeeting again",
        "alice: #lurk",
        "alice: #openstack-nova is where we talk",
        "alice: #frobnicate",
        "alice: #info",
        "* alice #info is not a command in a /me",
        "alice: #halp who reviews this?",
        "alice: #status slow-progress - moving, but slowly",
        "alice: #status Good progress | the headline",
        "alice: #endmeeting",
    )
    assert (meeting.title, meeting.title_line) == ("nova-api", 2)
    assert [(item.command, item.text) for item in meeting.items] == [
        ("help", "who reviews this?"),
        ("status", "slow-progress - moving, but slowly"),  # the status is read by the caller
        ("status", "Good progress | the headline"),
    ]
    assert meeting.left_out == Counter(
        {"meeting already started": 1, "unknown command": 1, "empty command": 1}
    )


# Votes, as the OpenStack fork of MeetBot runs them.


def test_votes():
    meeting = meeting_of(
        "alice: #startmeeting",
        "bob: #vote yes",
        "alice: #startvote Which colour? red, green, blue",
        "alice: #startvote Another one?",
        "bob: #vote RED",
        "carol: #vote green",
        "bob: #vote blue",
        "dave: #vote purple",
        "alice: #endvote",
        "alice: #startvote Merge it now?",
        "bob: #vote No",
        "alice: #endvote",
        "alice: #endvote",
        "alice: #startvote no question mark",
        "alice: #startvote Left open?",
        "alice: #endmeeting",
    )
    assert [(item.line, item.text, item.tally) for item in meeting.items] == [
        (9, "Which colour?", (("red", 0), ("green", 1), ("blue", 1))),
        (12, "Merge it now?", (("Yes", 0), ("No", 1))),
    ]
    assert meeting.left_out == Counter(
        {
            "no vote open": 2,
            "vote already open": 1,
            "not a vote option": 1,
            "vote without a question": 1,
            "vote not closed": 1,
        }
    )


def test_a_vote_in_notes_counts_every_line():
    meeting = read_log(log("#startvote Lunch? Yes, No", "#vote yes", "#vote yes", "#endvote"))
    assert meeting.items[0].tally == (("Yes", 2), ("No", 0))


# Text as IRC writes it.


def test_line_breaks_bom_and_formatting_codes():
    text = (
        "\ufeff21:00:00 <alice> #startmeeting\r\n"
        "21:00:01 <alice> #info \x02bold\x02, \x0304,12red on blue\x03 and \x1ditalic\x0f\r"
        "21:00:02 <\x0312bob\x03> \x01wrapped as CTCP\x01\n"
        "21:00:03 <alice> #endmeeting\r\n"
    )
    meeting = read_log(text.encode())
    assert meeting.errors == []
    assert meeting.items[0].text == "bold, red on blue and italic"
    assert meeting.transcript[2] == LogLine(3, at(21, 0, 2), "bob", "wrapped as CTCP", "message")


def test_angle_brackets_and_markup_are_kept_as_typed():
    meeting = read_log(
        log(
            "21:00:00 <alice> #startmeeting",
            "21:00:01 <bob> <b>not html</b> & <alice>",
            "21:00:02 <alice> #info use <br> & <p> tags",
            "21:00:03 <alice> #endmeeting",
        )
    )
    assert meeting.transcript[1] == LogLine(
        2, at(21, 0, 1), "bob", "<b>not html</b> & <alice>", "message"
    )
    assert meeting.items[0].text == "use <br> & <p> tags"


def test_a_control_character_in_the_meeting_is_an_error():
    meeting = read_log(
        log(
            "20:59:00 <carol> before the meeting \x07 does not matter",
            "21:00:01 <alice> #startmeeting",
            "21:00:02 <bob> ding\x07",
        )
    )
    assert meeting.errors == [
        (3, "Remove the invisible control character U+0007: it cannot be shown.")
    ]


# Bad input: nothing is made of it, and the message names the line.


def test_a_log_without_endmeeting_runs_to_its_last_line():
    meeting = meeting_of("alice: #startmeeting", "alice: #info one", "bob: still talking")
    assert meeting.errors == []
    assert (meeting.start_time, meeting.end_time) == (at(21, 0, 0), None)
    assert len(meeting.transcript) == 3


def test_a_log_without_startmeeting_is_an_error():
    meeting = read_log(log("21:00:00 <alice> hi", "21:00:05 <bob> #info no meeting"))
    assert meeting.errors == [(None, meeting.errors[0][1])]
    assert meeting.errors[0][1].startswith("no #startmeeting in the log")
    assert meeting.items == [] and meeting.transcript == []
    assert meeting.left_out == Counter({"before the meeting": 2})


def test_no_known_format():
    xchat = log("Jan 22 21:00:02 <alice>\t#startmeeting nova", "Jan 22 21:00:09 <bob>\thi")
    meeting = read_log(xchat)
    assert meeting.format == ""
    assert meeting.errors == [(1, meeting.errors[0][1])]
    assert (
        "looks like a line of an IRC log, but in no format this reader knows"
        in (meeting.errors[0][1])
    )
    with pytest.raises(LogFormatError) as raised:
        detect_format(xchat.splitlines())
    assert raised.value.line == 1


def test_mixed_formats_name_the_first_offending_line():
    mixed = log(
        "21:00:00 <alice> #startmeeting",
        "21:00:05 <bob> hi",
        "[21:00:06] <carol> pasted from my client",
        "21:00:07 <bob> more",
        "21:01 bob: and from the web page",
        "21:00:09 <alice> #endmeeting",
    )
    meeting = read_log(mixed)
    assert meeting.format == ""
    assert meeting.items == []
    assert meeting.errors == [
        (
            3,
            '"[21:00:06] <carol> pasted from my client" is bracketed ([HH:MM] <nick> text or '
            "[HH:MM:SS] <nick> text), but the log is meetbot (HH:MM:SS <nick> text, as MeetBot's"
            " own .log.txt) from line 1 on: paste one log at a time, in one format",
        )
    ]
    with pytest.raises(LogFormatError) as raised:
        detect_format(mixed.splitlines())
    assert raised.value.line == 3
    with_a_heading = log("Nova meeting, 22 January", "21:00 <alice> #startmeeting", "21:01 <b> x")
    assert read_log(with_a_heading).errors[0][0] == 1


def test_empty_text():
    assert read_log(" \n\n\t\n").errors == [
        (None, "the text is empty: paste a meeting's log or type its notes")
    ]


def test_huge_input_is_refused_before_parsing():
    line = "21:00:00 <alice> " + "x" * 80 + "\n"
    huge = line * (MAX_LOG_BYTES // len(line) + 1)
    for text in (huge, huge.encode()):
        meeting = read_log(text)
        assert meeting.format == ""
        assert meeting.transcript == []
        assert meeting.errors == [
            (
                None,
                f"the text is {len(huge):,} bytes, more than the 1,000,000 a log may be: paste "
                "the meeting's own lines, from #startmeeting to #endmeeting",
            )
        ]
    # Characters beyond ASCII count as the bytes they take.
    assert (
        read_log("é" * (MAX_LOG_BYTES // 2 + 1))
        .errors[0][1]
        .startswith("the text is 1,000,002 bytes")
    )


def test_invalid_utf8_names_each_line():
    data = (
        b"21:00:00 <alice> #startmeeting\r\n"
        b"21:00:01 <bob> caf\xe9\r"
        b"21:00:02 <bob> fine\n"
        b"21:00:03 <carol> \xff\xfe\n"
    )
    assert read_log(data).errors == [
        (2, "not UTF-8 (byte 0xE9 at column 19): save the log as UTF-8 and paste it again"),
        (4, "not UTF-8 (byte 0xFF at column 18): save the log as UTF-8 and paste it again"),
    ]
    many = b"".join(b"21:00:00 <bob> caf\xe9\n" for _ in range(30))
    errors = read_log(many).errors
    assert len(errors) == 21
    assert errors[-1] == (None, "and 10 more lines that are not UTF-8")


def test_a_megabyte_of_log_is_read_in_one_pass():
    """No timing: a pattern that backtracks badly would not finish on these lines at all."""
    chatter = "21:30:00 <bob> " + "lorem ipsum dolor " * 4 + "\n"
    body = chatter * ((MAX_LOG_BYTES - 200) // len(chatter))
    meeting = read_log(f"21:00:00 <alice> #startmeeting big\n{body}21:59:00 <alice> #endmeeting\n")
    assert meeting.errors == []
    assert meeting.speakers["bob"] == len(body.splitlines())

    size = MAX_LOG_BYTES - 100
    for line in [
        "21:00:00 <" + "<" * size,
        "21:00:00 <alice> #action " + "alice, " * (size // 7),
        "21:00:00 <alice> #status " + " " * size + "x",
        "[21:00] " + "[21:00] " * (size // 8),
        "2015-01-22T21:00:00" + " " * size,
        "21:00:00 <alice> #status a" + " " * size + "b",
        "#" + "a" * size + "-",
        "Jan " + " " * size + "x",
        "\x03" * size,
    ]:
        read_log(line)
        read_log(f"21:00:00 <alice> #startmeeting\n{line}\n")


@given(st.text(max_size=300))
def test_any_text_gives_a_meeting_or_errors_never_an_exception(text):
    meeting = read_log(text)
    lines = len(text.splitlines()) + 1
    assert all(line is None or 1 <= line <= lines for line, _ in meeting.errors)
    if meeting.errors and meeting.format == "":
        assert meeting.items == []
