"""Writing CommonMark that stays as the site meant it, whatever editors typed.

The day report and quick notes both put editors' text into Markdown of their own making. Two
ways keep it inert: a one-line field (a name, a title, a topic) becomes text that no renderer
turns into markup (``inline_text``, undone exactly by ``unescape_inline``); a multi-line text
(Markdown already) goes inside a container it cannot leave (``quoted``, ``list_item``).
"""

import re

from ..validators import split_lines

#: ASCII punctuation that could start markup in a line of text: HTML and autolinks (``<``),
#: entities (``&``), links and images (``[ ] !``), emphasis and strikethrough (``* _ ~``), code
#: (`````), headings' closing sequences (``#``), table cells (``|``), block quotes (``>``), and
#: the backslash itself, so that escaping can always be undone.
INLINE_SPECIAL = "\\`*_[]<>!#|~&"
_INLINE_SPECIAL = re.compile("([" + re.escape(INLINE_SPECIAL) + "])")
_INLINE_ESCAPED = re.compile(r"\\([" + re.escape(INLINE_SPECIAL) + "])")


def text_lines(text):
    """The lines of ``text`` as CommonMark sees them, without blank lines at either end."""
    lines = split_lines(text)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def one_line(text):
    """A single-line field, kept on one line whatever it holds (the models refuse line breaks;
    rows stored before they did may still hold some)."""
    return " ".join(split_lines(text))


def inline_text(text):
    """A one-line field as inert CommonMark text: it reads as typed, renders as typed.

    Every character of ``INLINE_SPECIAL`` gets a backslash, so ``<img onerror=...>``,
    ``[x](javascript:...)``, ``**bold**`` or a trailing ``#`` stay text in any renderer, and
    ``unescape_inline`` is its exact inverse. (Letters, digits and other punctuation never
    start markup mid-line; the report never puts a one-line field at the start of a line.)
    """
    return _INLINE_SPECIAL.sub(r"\\\1", one_line(text))


def unescape_inline(text):
    return _INLINE_ESCAPED.sub(r"\1", text)


def quoted(text):
    """Editor Markdown as a block quote: every line prefixed, so nothing escapes it."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text_lines(text))


def list_item(marker, text):
    """A list item whose further lines are indented under the marker's content."""
    indent = " " * len(marker)
    first, *rest = text_lines(text) or [""]
    return "\n".join(
        [f"{marker}{first}"] + [indent + line if line.strip() else "" for line in rest]
    )


_URL_UNSAFE = re.compile(r"[<>\\]")
_LABEL_SPECIAL = re.compile(r"([\\\[\]])")


def link(url, label=""):
    """A link to ``url`` (http or https: the caller checks) showing ``label`` as typed, or
    the URL itself when there is no label."""
    url = _URL_UNSAFE.sub(lambda match: f"%{ord(match.group()):02X}", url)
    if not label:
        return f"<{url}>"
    label = _LABEL_SPECIAL.sub(r"\\\1", label)
    return f"[{label}](<{url}>)"
