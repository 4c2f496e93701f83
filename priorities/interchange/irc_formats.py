"""The shapes of IRC log lines, format by format, and which format a pasted text is in.

Every non-blank line is tried against each format's shape; a line may fit several (a ``-!-``
join fits irssi and web-archive copies alike). The text's format is the one most of its lines
fit, and the first line that does not fit it is named in the error: one paste, one format.
Hand-typed notes ("notes") are the lines that fit no log format; a text of such lines that
still looks like a chat log (a ``<nick>`` after a date or time in an unknown layout) is
refused rather than read as notes, which would turn every chat line into an ``#info``.

Every pattern here is anchored, and none can match a stretch of a line in more than a few
ways (the overlaps are bounded), so a line costs time in proportion to its length, however
it is built.
"""

import datetime
import re
from collections import Counter
from dataclasses import dataclass

NOTES = "notes"


@dataclass(frozen=True)
class LogLine:
    """One line of the paste as the log shows it: who said what when."""

    number: int  # 1-based line in the pasted text
    time: datetime.time | None
    nick: str  # "" for system lines and hand-typed notes
    text: str
    kind: str  # "message", "action" (/me), "system", "bot"


class LogFormatError(ValueError):
    """A text in no known format, or in several: ``line`` names the first offending line."""

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(message if line is None else f"line {line}: {message}")


#: mIRC formatting: colour (\x03 with up to two numbers), hex colour (\x04), bold, reset,
#: monospace, reverse, italics, strikethrough, underline; and \x01, which wraps CTCP ACTIONs.
_FORMATTING = re.compile(
    r"\x03(?:\d{1,2}(?:,\d{1,2})?)?|\x04(?:[0-9A-Fa-f]{6}(?:,[0-9A-Fa-f]{6})?)?"
    r"|[\x01\x02\x0f\x11\x16\x1d\x1e\x1f]"
)


def strip_formatting(text):
    """``text`` without IRC colour, bold and other formatting codes."""
    return _FORMATTING.sub("", text)


_HOUR_MINUTE = r"(?P<hour>[01]\d|2[0-3]):(?P<minute>[0-5]\d)"
_SECONDS = r":(?P<second>[0-5]\d)"
_MODE = r"[ @+%~&!]?"  # the channel mode some clients show before a nick
_BODIES = {
    "angle": re.compile(rf"<{_MODE}(?P<nick>[^\s<>]+)>(?:\s(?P<text>.*))?"),
    "colon": re.compile(r"(?P<nick>[^\s:<>*]+):(?:\s(?P<text>.*))?"),
    "star": re.compile(r"\*\s+(?P<nick>[^\s:<>*]+)(?:\s(?P<text>.*))?"),
}
#: mIRC logs joins and nick changes as "* Joins: bob" and "* bob is now known as bob_".
_MIRC_SYSTEM = re.compile(
    r"\* (?:[^\s:]+: |[^\s:]+ (?:is now known as|changes topic to|sets mode:|has joined|has "
    r"left|has quit) |Now talking in |Topic is |Set by )"
)


@dataclass(frozen=True)
class LogFormat:
    """One log layout: a timestamp, then a message, a /me action or a system line."""

    name: str
    example: str
    timestamp: re.Pattern
    bodies: tuple[str, ...]
    system_markers: tuple[str, ...]
    untimed_system: re.Pattern | None = None  # system lines written without a timestamp
    mirc_system: bool = False

    def parse(self, number, line):
        """The ``LogLine`` that ``line`` is in this format, or None when it is not one."""
        if self.untimed_system is not None and self.untimed_system.match(line):
            return LogLine(number, None, "", line, "system")
        stamp = self.timestamp.match(line)
        if stamp is None:
            return None
        time = datetime.time(
            int(stamp["hour"]), int(stamp["minute"]), int(stamp.groupdict().get("second") or 0)
        )
        body = line[stamp.end() :]
        if _is_system(body, self.system_markers) or (self.mirc_system and _MIRC_SYSTEM.match(body)):
            return LogLine(number, time, "", body, "system")
        for style in self.bodies:
            if said := _BODIES[style].fullmatch(body):
                kind = "action" if style == "star" else "message"
                return LogLine(number, time, said["nick"], (said["text"] or "").strip(), kind)
        return None


def _is_system(body, markers):
    return any(body.startswith(marker) for marker in markers)


#: WeeChat's prefixes for joins, parts, quits, network notices (nick changes, topics), errors.
_WEECHAT_SYSTEM_PREFIXES = frozenset({"-->", "<--", "--", "=!=", "-!-", ""})
_WEECHAT = re.compile(
    rf"(?P<date>\d{{4}}-\d\d-\d\d) {_HOUR_MINUTE}{_SECONDS}\t(?P<prefix>[^\t]*)(?:\t(?P<text>.*))?"
)
_WEECHAT_NICK = re.compile(r"[@+%~&!]?(?P<nick>[^\s<>]+)")


class WeeChatFormat(LogFormat):
    """WeeChat's logger: date and time, the nick (or a join/part prefix), the text, tab apart."""

    def parse(self, number, line):
        found = _WEECHAT.fullmatch(line)
        if found is None:
            return None
        time = datetime.time(int(found["hour"]), int(found["minute"]), int(found["second"]))
        prefix, text = found["prefix"].strip(), (found["text"] or "").strip()
        if prefix in _WEECHAT_SYSTEM_PREFIXES:
            return LogLine(number, time, "", f"{prefix} {text}".strip(), "system")
        if prefix == "*":
            nick, _, action = text.partition(" ")
            return LogLine(number, time, nick, action.strip(), "action") if nick else None
        if nick := _WEECHAT_NICK.fullmatch(prefix):
            return LogLine(number, time, nick["nick"], text, "message")
        return None


#: The formats, in the order that settles a tie between them.
FORMATS = (
    LogFormat(
        "meetbot",
        "HH:MM:SS <nick> text, as MeetBot's own .log.txt",
        re.compile(rf"{_HOUR_MINUTE}{_SECONDS}\s+"),
        ("angle", "star"),
        ("-!-", "***", "==="),
    ),
    LogFormat(
        "iso",
        "2015-01-22T21:00:02  <nick> text",
        re.compile(
            rf"\[?\d{{4}}-\d\d-\d\dT{_HOUR_MINUTE}{_SECONDS}(?:[.,]\d+)?"
            r"(?:Z|[+-]\d\d:?\d\d)?\]?\s+"
        ),
        ("angle", "star"),
        ("***", "-!-"),
    ),
    LogFormat(
        "bracketed",
        "[HH:MM] <nick> text or [HH:MM:SS] <nick> text",
        re.compile(rf"\[{_HOUR_MINUTE}(?:{_SECONDS})?\]\s+"),
        ("angle", "star"),
        ("***", "-!-", "===", "-->", "<--"),
        untimed_system=re.compile(r"=== "),
        mirc_system=True,
    ),
    LogFormat(
        "irssi",
        "HH:MM <nick> text, with -!- for joins and parts",
        re.compile(rf"{_HOUR_MINUTE}\s+"),
        ("angle", "star"),
        ("-!-",),
        untimed_system=re.compile(r"--- (?:Log opened|Log closed|Day changed)\b"),
    ),
    WeeChatFormat(
        "weechat",
        "date, time, nick and text separated by tabs, as WeeChat's logger writes them",
        _WEECHAT,
        (),
        (),
    ),
    LogFormat(
        "web-archive",
        "HH:MM nick: text, as copied from a web page of the log",
        re.compile(rf"{_HOUR_MINUTE}(?:{_SECONDS})?\s+"),
        ("colon", "star"),
        ("***", "-!-", "===", "-->", "<--", "---"),
    ),
)
FORMATS_BY_NAME = {log_format.name: log_format for log_format in FORMATS}
_TIE_ORDER = {name: index for index, name in enumerate([*FORMATS_BY_NAME, NOTES])}

#: A line that looks like chat in a layout none of the formats has: a ``<nick>`` at the start
#: or after a date or time ("Jan 22 21:00:02 <alice> hi").
_CHAT_LIKE = re.compile(r"(?:[A-Z][a-z]{2} +)?[^<#A-Za-z]{0,32}<[ @+%~&]?[^\s<>]+>(?:\s|$)")


@dataclass(frozen=True)
class ClassifiedLine:
    number: int
    text: str  # the line, trimmed and without formatting codes
    fits: dict  # format name -> LogLine, for every log format the line fits


def classify_lines(lines):
    """Every non-blank line of ``lines`` with the log formats it fits."""
    classified = []
    for number, raw in enumerate(lines, start=1):
        text = strip_formatting(raw).strip()
        if not text:
            continue
        fits = {}
        for log_format in FORMATS:
            if (parsed := log_format.parse(number, text)) is not None:
                fits[log_format.name] = parsed
        classified.append(ClassifiedLine(number, text, fits))
    return classified


def choose_format(classified):
    """The format of the classified lines; raises ``LogFormatError`` for none or several."""
    counts = Counter()
    for line in classified:
        counts.update(line.fits.keys() if line.fits else [NOTES])
    if not counts:
        raise LogFormatError(None, "the text is empty: paste a meeting's log or type its notes")
    chosen = max(counts, key=lambda name: (counts[name], -_TIE_ORDER[name]))
    first = next(line for line in classified if _fits(line, chosen))
    for line in classified:
        if chosen == NOTES and not line.fits and _CHAT_LIKE.match(line.text):
            raise LogFormatError(
                line.number,
                f'"{_short(line.text)}" looks like a line of an IRC log, but in no format this '
                f"reader knows ({known_formats()})",
            )
        if not _fits(line, chosen):
            raise LogFormatError(line.number, _mixed_message(line, chosen, first))
    return chosen


def detect_format(lines):
    """The format ``lines`` are in (see ``FORMATS``, or "notes"); raises ``LogFormatError``
    naming the first offending line when they are in no known format, or in several."""
    return choose_format(classify_lines(lines))


def _fits(line, format_name):
    return not line.fits if format_name == NOTES else format_name in line.fits


def _describe(format_name):
    if format_name == NOTES:
        return "hand-typed notes (#info, #topic ... lines)"
    return f"{format_name} ({FORMATS_BY_NAME[format_name].example})"


def _mixed_message(line, chosen, first):
    shown = f'"{_short(line.text)}"'
    since = f"from line {first.number} on"
    if chosen == NOTES:
        found = " or ".join(_describe(name) for name in line.fits)
        return (
            f"{shown} is a line of an IRC log, {found}, but the text is hand-typed notes {since}: "
            'paste a log alone, or type this line as notes ("#info ...")'
        )
    if line.fits:
        found = " or ".join(_describe(name) for name in line.fits)
        return (
            f"{shown} is {found}, but the log is {_describe(chosen)} {since}: paste one log "
            "at a time, in one format"
        )
    return (
        f"{shown} is not a line of the log, which is {_describe(chosen)} {since}: paste the "
        "log alone, without other text"
    )


def known_formats():
    return "; ".join(f"{log_format.name}: {log_format.example}" for log_format in FORMATS)


def _short(text, length=60):
    return text if len(text) <= length else f"{text[: length - 1]}…"
