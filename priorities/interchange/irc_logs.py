"""Read a pasted IRC meeting log, or hand-typed MeetBot-style notes, into a ``Meeting``.

``read_log`` is pure: text in, a ``Meeting`` out (its items, transcript, speakers and every
problem found); it never raises for bad input and writes nothing. A ``Meeting`` with errors
is one nothing should be made of.

Input. At most ``MAX_LOG_BYTES`` (1 MB, UTF-8 encoded: an hour's meeting logs 20 to 60 KB,
a busy channel's whole day a few hundred KB), checked before anything is parsed. Bytes must be
UTF-8 (each bad line is named); a byte order mark is ignored; lines end in LF, CRLF or CR.
Colour, bold and other mIRC formatting codes are removed; another control character, or a line
break inside a line (U+2028...), in a line the meeting keeps is an error with the message of
the site's text fields, which refuse them (``validators.line_problem``). The format is detected
per text (``irc_formats``): one format per paste, or an error naming the first line that is not.

The rules are MeetBot's (Richard Darst's supybot plugin, doc/Manual.txt and meeting.py, with
the OpenStack fork's votes), with HcoopMeetbot's ``#here`` and case-insensitive nicks; the
commands, and the cheat sheet that tells them, are ``irc_commands``:

- The meeting runs from ``#startmeeting`` to ``#endmeeting``, both kept. Lines before and
  after are left out and counted (chat around a meeting is normal); a log without
  ``#startmeeting`` is an error. ``#startmeeting <title>`` or a chair's ``#meetingname``
  gives the title (the last one wins, kept as typed, not MeetBot's lower_case file name).
  A second ``#startmeeting`` is ignored; without ``#endmeeting`` the meeting runs to the last
  line and has no ``end_time``.
- Chairs: who said ``#startmeeting`` (who cannot be unchaired) and whoever a chair
  ``#chair``s. Only chairs' ``#topic``, ``#agreed``/``#agree``, ``#accepted``/``#accept``,
  ``#rejected``/``#reject``, ``#undo``, ``#chair``, ``#unchair``, ``#meetingname``,
  ``#startvote``, ``#endvote`` and ``#endmeeting`` count, as in MeetBot's manual (which also
  makes ``#meetingname`` and ``#endmeeting`` chairs-only, not the OpenStack fork's "anyone
  once the hour is over"); the others are counted as "not a chair" and stay in the transcript.
- Anyone: ``#info``, ``#idea``, ``#link``, ``#help``/``#halp``, ``#action``, ``#nick``
  (MeetBot's code; HcoopMeetbot's manual says chairs), ``#here [alias]`` (HcoopMeetbot: marks
  the speaker present; a one-word alias then stands for the nick in actions), ``#vote``, and
  our ``#status``, ``#risk`` and ``#inwriting``. A line starting with an http(s) URL is a link
  when a chair says it (MeetBot takes anyone's; the chairs' keep the minutes from filling with
  pasted links). ``/me`` lines are never commands (as in MeetBot). Other ``#words`` are chat
  (counted "unknown command"), HcoopMeetbot's ``#motion``, ``#close``, ``#failed`` and
  ``#inconclusive`` among them. Bots' lines (``bot_nicks``) are never commands.
- ``#link``: the first http(s) URL anywhere on the line (MeetBot's later rule), the rest is
  its text; without one it is an error, in a log as in notes.
- ``#agreed`` and ``#accepted`` are "agreed" items, ``#rejected`` "rejected" ones.
- ``#undo`` removes the last item of any kind, ``#topic`` included (MeetBot's minutes); it
  does not undo ``#chair`` or ``#meetingname``, which are no items there either.
- Votes, as the OpenStack fork: ``#startvote Question? A, B`` (options default to Yes, No;
  without a "?" the vote is not understood), ``#vote A`` by anyone (the option matched
  case-insensitively; one vote per nick, the last counts), ``#endvote`` makes one "vote" item
  on its line with every option's count in the order given, zeros included (MeetBot lists
  only options that got votes). A vote still open at the end is counted "vote not closed".
- ``#action`` owners: see ``irc_nicks``. Nicks compare case-insensitively and without ``_`` or
  ``|away`` decorations; speakers, chairs and owners are shown without them. Nick changes
  are system lines: ``bob`` renamed ``robert`` speaks as ``robert``.
- ``#status <status> [headline]``: the item's text is all of it; the caller reads the status
  (``notes_commands.parse_status``: a value or label, then an optional ":", "|" or dash).

Hand-typed notes (quick notes) have the same commands, with the rules typed notes always had:
every line is content, with no time nor nick, and none is kept as a transcript; a line without
a command is an ``#info`` (one starting with an http(s) URL a link); everyone is a chair and no
``#startmeeting`` is needed. Nothing typed is dropped unseen: what a log counts in
``left_out`` is an error naming its line in notes (an unknown command, a command without its
text, a second ``#startmeeting``, ``#undo`` with nothing to undo, a vote not understood or not
closed), and so is any line after ``#endmeeting``. ``#here`` and ``#nick`` name who is there:
their nicks, like ``known_nicks``, may own actions. An ``#action``'s owners are found as in a
log (``irc_nicks``), except that when no known nick nor a list ending in a colon leads it, its
first word is the owner; one without an owner or a task is an error. Each ``#vote`` line is
one vote, no line saying who cast it.

``left_out`` counts lines kept out of the transcript ("before the meeting", "after the
meeting", "bot", "system") and commands kept out of the items ("not a chair", "unknown
command", "empty command", "meeting already started", "undone", "nothing to undo", "no vote
open", "vote already open", "not a vote option", "vote without a question", "vote not closed").
"""

import re

from .irc_formats import LogFormatError, LogLine, choose_format, classify_lines, detect_format
from .irc_meeting import Item, Meeting, read_meeting
from .irc_nicks import nick_key

__all__ = [
    "DEFAULT_BOT_NICKS",
    "MAX_LOG_BYTES",
    "Item",
    "LogFormatError",
    "LogLine",
    "Meeting",
    "detect_format",
    "nick_key",
    "read_log",
]

MAX_LOG_BYTES = 1_000_000
#: The nicks MeetBot runs under on the networks our teams meet on (OpenStack and OpenDev,
#: Fedora, Ubuntu, Debian, CentOS...); their lines are the bot's replies, not the meeting's.
DEFAULT_BOT_NICKS = frozenset(
    {
        "openstack",
        "opendevmeet",
        "meetbot",
        "MeetBot",
        "zodbot",
        "lisabot",
        "meetingology",
        "centbot",
        "MootBot",
    }
)
#: How many lines of bad UTF-8 are named one by one; the rest are counted.
MAX_REPORTED_ENCODING_ERRORS = 20


def read_log(text, *, bot_nicks=DEFAULT_BOT_NICKS, known_nicks=()):
    """The ``Meeting`` that ``text`` (str, or bytes in UTF-8) records. ``known_nicks`` are
    nicks that may own actions although nobody by them speaks (the site's people)."""
    decoded, errors = _decode(text)
    if errors:
        return Meeting(format="", errors=errors)
    classified = classify_lines(_LINE_BREAK.split(decoded))
    try:
        log_format = choose_format(classified)
    except LogFormatError as error:
        return Meeting(format="", errors=[(error.line, error.message)])
    lines = [
        line.fits.get(log_format) or LogLine(line.number, None, "", line.text, "message")
        for line in classified
    ]
    return read_meeting(log_format, lines, bot_nicks=bot_nicks, known_nicks=known_nicks)


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BYTES_LINE_BREAK = re.compile(rb"\r\n|\r|\n")


def _decode(text):
    size = len(text) if isinstance(text, bytes | bytearray) else _utf8_size(text)
    if size > MAX_LOG_BYTES:
        return None, [
            (
                None,
                f"the text is {size:,} bytes, more than the {MAX_LOG_BYTES:,} a log may be: "
                "paste the meeting's own lines, from #startmeeting to #endmeeting",
            )
        ]
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            return None, _encoding_errors(bytes(text))
    return text.removeprefix("\ufeff"), []


def _utf8_size(text):
    if len(text) > MAX_LOG_BYTES:  # at least one byte a character: no need to encode it
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


def _encoding_errors(data):
    errors = []
    for number, line in enumerate(_BYTES_LINE_BREAK.split(data), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            errors.append(
                (
                    number,
                    f"not UTF-8 (byte 0x{line[error.start]:02X} at column {error.start + 1}): "
                    "save the log as UTF-8 and paste it again",
                )
            )
    if len(errors) > MAX_REPORTED_ENCODING_ERRORS:
        more = len(errors) - MAX_REPORTED_ENCODING_ERRORS
        errors = errors[:MAX_REPORTED_ENCODING_ERRORS]
        errors.append((None, f"and {more:,} more lines that are not UTF-8"))
    return errors
