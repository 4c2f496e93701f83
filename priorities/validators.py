"""The rules on editors' text, as model field validators: every way in runs them.

The admin's forms, the report import (upload and ``import_day``), quick notes (admin and
``import_notes``) all end in ``full_clean()``, so each rule lives here once, with one message:

- printable characters only: no C0 or C1 control character but tab and line feed, no
  noncharacter (U+FFFE, U+FFFF, U+FDD0 to U+FDEF and the last two code points of every
  plane), no lone surrogate. XML 1.0 cannot hold them (the feeds), and they show nothing;
- one-line fields (names, titles, headlines) hold no line break of any kind;
- a value that is only spaces and invisible characters (zero-width spaces and joiners, word
  joiners, soft hyphens, byte order marks, direction marks...) counts as blank;
- text fields have a length limit that ``full_clean()`` checks (Django checks a TextField's
  ``max_length`` only in forms).

Form fields only normalise (trim one-line values, CRLF to LF in Markdown).
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

#: How much Markdown one field holds: a long session's notes, or a few pages elsewhere.
NOTES_MAX_LENGTH = 50_000
MARKDOWN_MAX_LENGTH = 20_000
OUTCOME_MAX_LENGTH = 5_000

#: What is refused anywhere: C0 controls but tab and LF, DEL, C1 controls, surrogates and the
#: noncharacters. (CR is a control too: line breaks are stored as LF.)
UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04X}FFFE\\U{plane:04X}FFFF" for plane in range(0x11))
    + "]"
)
#: A line break as CommonMark (and every editor) sees one: CRLF, CR or LF.
LINE_ENDING = re.compile(r"\r\n|\r|\n")


def split_lines(text):
    """The lines of ``text``, whatever line breaks it was typed or pasted with."""
    return LINE_ENDING.split(text)


def normalise_line_breaks(text):
    """``text`` with every line break stored as LF (browsers post a textarea's as CRLF)."""
    return "\n".join(split_lines(text))


#: Line breaks a one-line field may not hold, besides the controls above.
LINE_BREAK = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")
#: Characters that show nothing, besides whitespace and format characters (category Cf).
_INVISIBLE_EXTRA = "\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0"


def find_unprintable(text):
    """The first character of ``text`` the rules refuse, or None."""
    match = UNPRINTABLE.search(text)
    return match.group() if match else None


def unprintable_message(character):
    if character == "\x00":
        return "Null characters are not allowed."  # Django's own forms say so too
    return f"Remove the invisible control character U+{ord(character):04X}: it cannot be shown."


LINE_BREAK_MESSAGE = "Keep this on a single line: remove the line breaks."


def line_problem(line):
    """What the rules of one-line fields refuse in ``line`` (a control character, then a line
    break), as a message, or None: how the lines of a pasted text are checked, so that each
    problem is told with its line rather than later with the field it ends in."""
    if (character := find_unprintable(line)) is not None:
        return unprintable_message(character)
    if LINE_BREAK.search(line):
        return LINE_BREAK_MESSAGE
    return None


def validate_printable(value):
    if (character := find_unprintable(value)) is not None:
        raise ValidationError(unprintable_message(character), code="control_character")


def validate_one_line(value):
    if LINE_BREAK.search(value):
        raise ValidationError(LINE_BREAK_MESSAGE, code="line_break")


def is_invisible(character):
    return (
        character.isspace()
        or unicodedata.category(character) in ("Cf", "Zs", "Zl", "Zp", "Cc")
        or character in _INVISIBLE_EXTRA
        or "\ufe00" <= character <= "\ufe0f"  # variation selectors
    )


def validate_not_blank(value):
    """Refuse a value that shows nothing: only spaces and invisible characters."""
    if value and all(is_invisible(character) for character in value):
        raise ValidationError(
            "This field cannot be blank: it holds only spaces or invisible characters.",
            code="blank",
        )


#: Characters the Markdown report uses to mark names and owners in list items.
LABEL_FORBIDDEN = re.compile(r"[*\[\]]")


def validate_label(value):
    """Names shown as labels in the report (area names, owners, people) hold no * [ ]."""
    if LABEL_FORBIDDEN.search(value):
        raise ValidationError("Use none of the characters * [ ] here.", code="invalid_label")


#: The validators of every one-line field (names, titles, headlines).
ONE_LINE = [validate_printable, validate_one_line, validate_not_blank]
#: Names the report shows as labels of list items: area names, owners, people.
LABEL = [*ONE_LINE, validate_label]


def markdown_validators(max_length):
    """The validators of a Markdown text field of at most ``max_length`` characters."""
    # Django checks a TextField's max_length in forms only: full_clean() checks this one.
    return [validate_printable, validate_not_blank, MaxLengthValidator(max_length)]
