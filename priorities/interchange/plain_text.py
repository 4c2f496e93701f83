"""Editor Markdown as plain text: the text/plain body of a mail sent to a team's mailing list.

A mail body is read in mail clients and in list archives that show it as preformatted text,
so the text follows the conventions those tools already have rather than Markdown's:

- Lines are wrapped at 72 columns (``WIDTH``), the width archives and quoting replies expect.
  A word longer than the line (a URL, mostly) is never broken: it gets a line of its own.
- No line starts with ``>`` or ``From ``. Mail clients fold ``>`` lines away as quoted text,
  and mbox archives rewrite ``From `` as ``>From ``. Such a line is space-stuffed as RFC 3676
  does it (one leading space, counted in the width), and block quotes, which would otherwise
  need ``>``, are indented by two spaces instead.
- Links become numbered footnotes (``text [1]``, the URL in ``Footnotes.as_text()``), so that
  paragraphs stay readable; one ``Footnotes`` is shared by every text of a mail, so a URL keeps
  its number throughout. A URL the text already shows (an autolink ``<https://...>``, a link
  whose text is its URL or which has no text) stays inline, however long, and is not
  footnoted: the reader sees every URL once. Only http(s) and mailto URLs are shown at all;
  any other link (``javascript:``, ``data:``, relative) keeps its text and loses its target.
  A footnote mark never starts a line, where it would read as a footnote itself.
- Markup disappears: emphasis and code markers, ``#`` (headings are underlined instead), raw
  HTML (its text is kept, entities decoded). Code stays verbatim, indented by four spaces.

The text is read from markdown-it's token stream (CommonMark with GitHub tables and task
lists, what editors write), walked as a flat list: emphasis can nest thousands deep in a
short text, too deep for a recursive walk. Widths count code points, not terminal cells.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from priorities.rendering import PARSER, parse_markdown

WIDTH = 72
FOOTNOTED_SCHEMES = ("http://", "https://", "mailto:")
QUOTE_INDENT = "  "
CODE_INDENT = "    "
THEMATIC_BREAK = "-" * 10
TABLE_GAP = "  "

# Joins a footnote mark to the word before it, so that wrapping never separates them; it
# becomes a space once a line is built. markdown-it replaces U+0000 in its input (CommonMark
# says so), so it never comes from a text.
_GLUE = "\0"
#: HTML elements whose content is not text for a reader.
_HIDDEN_HTML = ("script", "style")
#: Table cells' alignment, as ``priorities.rendering`` gives it (the ``align`` attribute).
_TABLE_ALIGNMENTS = {"right": str.rjust, "center": str.center}


#: The site's own parser, so that a mail reads editors' Markdown as the pages do (a link to a
#: refused address, ``javascript:`` say, is text there as here).
_MARKDOWN = PARSER


@dataclass
class Footnotes:
    """Links collected while rendering, numbered in order of first appearance; the same URL
    gets the same number across every call that shares this object (one mail = one Footnotes)."""

    #: URL -> its number, in the order the URLs first appeared.
    numbers: dict[str, int] = field(default_factory=dict)

    def number(self, url: str) -> int:
        return self.numbers.setdefault(url, len(self.numbers) + 1)

    def as_text(self) -> str:
        """One ``[n] URL`` line per link; a long URL is never wrapped, so it stays usable."""
        return "\n".join(f"[{number}] {url}" for url, number in self.numbers.items())


def markdown_to_text(
    markdown: str, *, footnotes: Footnotes, width: int = WIDTH, indent: str = ""
) -> str:
    """Editor Markdown as plain text, every line starting with ``indent`` (blank lines empty).

    ``width`` includes the indent. Links are numbered in ``footnotes``. The text ends without
    a newline, with no trailing whitespace on any line and no blank line at either end.
    """
    # Within the budgets of the site's renderer: what the page shows as typed is given as typed.
    tokens, rest = parse_markdown(markdown)
    blocks = _blocks(tokens, indent, width, footnotes) if tokens is not None else []
    if rest:
        blocks.append(_code(rest, indent))
    text = _join(blocks)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def wrap(
    text: str, *, width: int = WIDTH, indent: str = "", first_indent: str | None = None
) -> str:
    """``text`` wrapped at ``width`` columns (indent included), keeping its line breaks.

    The first line starts with ``first_indent`` (``indent`` if not given), later lines with
    ``indent``. Any whitespace separates words; a word longer than the line is not broken but
    put on a line of its own. A line that would start with ``>`` or ``From `` gets one
    leading space, counted in the width.
    """
    lines = []
    prefix = indent if first_indent is None else first_indent
    for given_line in text.split("\n"):
        lines += _wrap_words(given_line.split(), width, prefix, indent)
        prefix = indent
    return "\n".join(line.replace(_GLUE, " ") for line in lines)


def _wrap_words(words, width, first_prefix, prefix):
    lines = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            start = (prefix if lines else first_prefix) + word
            lines.append(" " + start if _needs_stuffing(start.replace(_GLUE, " ")) else start)
    return lines or [""]


def _needs_stuffing(line):
    """Whether a line would read as quoted text (``>``) or as an mbox separator (``From ``)."""
    return line.startswith(">") or f"{line} ".startswith("From ")


def _join(blocks, *, tight=False):
    return ("\n" if tight else "\n\n").join(block for block in blocks if block)


def _top_level(tokens):
    """``tokens`` cut into its top-level blocks, each from its opening token to its closing one."""
    blocks, depth, start = [], 0, 0
    for index, token in enumerate(tokens):
        if depth == 0:
            start = index
        depth += token.nesting
        if depth == 0:
            blocks.append(tokens[start : index + 1])
    return blocks


def _blocks(tokens, indent, width, footnotes):
    return [_block(block, indent, width, footnotes) for block in _top_level(tokens)]


def _block(block, indent, width, footnotes):
    """One block (its tokens) as text, or "" for a block that shows nothing."""
    opening, inner = block[0], block[1:-1]
    kind = opening.type
    if kind == "paragraph_open":
        return wrap(_inline_text(inner[0], footnotes), width=width, indent=indent)
    if kind == "heading_open":
        return _heading(opening, _inline_text(inner[0], footnotes), indent, width)
    if kind == "blockquote_open":
        return _join(_blocks(inner, indent + QUOTE_INDENT, width, footnotes))
    if kind in ("bullet_list_open", "ordered_list_open"):
        return _list(opening, _top_level(inner), indent, width, footnotes)
    if kind in ("fence", "code_block"):
        return _code(opening.content, indent)
    if kind == "table_open":
        return _table(block, indent, width, footnotes)
    if kind == "html_block":
        return wrap(_text_of_html(opening.content), width=width, indent=indent)
    if kind == "hr":
        return indent + THEMATIC_BREAK
    return _join(_blocks(inner, indent, width, footnotes))


def _heading(opening, text, indent, width):
    """A heading as its text underlined, ``=`` for a level-1 heading and ``-`` for the rest."""
    lines = wrap(text, width=width, indent=indent)
    if not lines.strip():
        return ""
    underline = ("=" if opening.tag == "h1" else "-") * max(
        len(line.strip()) for line in lines.split("\n")
    )
    return f"{lines}\n{indent}{underline}"


def _list(opening, items, indent, width, footnotes):
    """A list, its items' later lines and nested blocks hanging under the item's text.

    A tight list (no blank line between items in the Markdown) stays tight.
    """
    tight = any(
        token.hidden
        for item in items
        for token in item
        if token.type == "paragraph_open" and token.level == item[0].level + 1
    )
    if opening.type == "ordered_list_open":
        start = int(opening.attrs.get("start", 1))
        numbers = [f"{start + position}." for position in range(len(items))]
        number_width = max(map(len, numbers))
        markers = [
            _with_task_box(number.ljust(number_width), item)
            for number, item in zip(numbers, items, strict=True)
        ]
    else:
        markers = [_task_box(item) or "-" for item in items]
    rendered = [
        _list_item(marker, item[1:-1], indent, width, footnotes, tight=tight)
        for marker, item in zip(markers, items, strict=True)
    ]
    return _join(rendered, tight=tight)


def _task_box(item):
    """``[x]`` or ``[ ]`` for a task item, else None.

    ``priorities.rendering`` marks a task by putting a checkbox first in the item's text.
    """
    inline = item[2] if len(item) > 2 and item[2].type == "inline" else None
    children = inline.children if inline is not None else None
    if not children or len(children) < 2 or children[0].content != "<label>":
        return None
    return "[x]" if " checked" in children[1].content else "[ ]"


def _with_task_box(number, item):
    box = _task_box(item)
    return f"{number} {box}" if box else number


def _list_item(marker, inner, indent, width, footnotes, *, tight):
    hanging = indent + " " * (len(marker) + 1)
    body = _join(_blocks(inner, hanging, width, footnotes), tight=tight)
    if body.startswith(hanging):
        return f"{indent}{marker} {body[len(hanging) :]}"
    return "\n".join(filter(None, [indent + marker, body]))


def _code(content, indent):
    """Code verbatim (trailing whitespace aside, and a run of blank lines kept as one: two in a
    row would read as the end of the block), indented, never wrapped."""
    lines = []
    for line in content.split("\n"):
        line = (indent + CODE_INDENT + line).rstrip()
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(lines)


def _table(tokens, indent, width, footnotes):
    """Aligned columns when they fit in ``width``; else one ``header: value`` line per cell."""
    rows, alignments = [], []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "th_open":
            alignments.append(_TABLE_ALIGNMENTS.get(str(token.attrs.get("align")), str.ljust))
        elif token.type == "inline":
            rows[-1].append(" ".join(_inline_text(token, footnotes).split()))
    lines = _aligned_table(rows, alignments, indent)
    if any(_needs_stuffing(line) for line in lines):
        lines = _aligned_table(rows, alignments, indent + " ")
    if max(map(len, lines)) <= width:
        return "\n".join(lines)
    header, *body = rows
    if not body:
        return wrap(TABLE_GAP.join(header), width=width, indent=indent)
    records = [
        "\n".join(
            wrap(
                f"{name.rstrip(':')}: {value}" if name else value,
                width=width,
                first_indent=indent,
                indent=indent + QUOTE_INDENT,
            )
            for name, value in zip(header, row, strict=True)
            if value
        )
        for row in body
    ]
    return _join(records)


def _aligned_table(rows, alignments, indent):
    widths = [max(1, *(len(row[column]) for row in rows)) for column in range(len(alignments))]

    def line(cells):
        aligned = (
            align(cell, column_width)
            for cell, align, column_width in zip(cells, alignments, widths, strict=True)
        )
        return (indent + TABLE_GAP.join(aligned)).rstrip().replace(_GLUE, " ")

    header, *body = rows
    rule = indent + TABLE_GAP.join("-" * column_width for column_width in widths)
    return [line(header), rule, *map(line, body)]


def _inline_text(inline, footnotes):
    """An inline token's text: markers and HTML dropped, links footnoted, hard breaks as
    newlines. Past the renderer's inline budget it is a plain ``text`` token: as typed."""
    if inline.type == "text":
        return inline.content
    parts, open_links = [], []
    for token in inline.children or ():
        if token.type == "link_open":
            open_links.append((token, len(parts)))
        elif token.type == "link_close" and open_links:
            opening, start = open_links.pop()
            text = "".join(parts[start:]).strip()
            parts[start:] = [_link(opening, text, footnotes)]
        elif token.type in ("text", "code_inline"):
            parts.append(token.content.replace("\n", " "))
        elif token.type == "softbreak":
            parts.append(" ")
        elif token.type == "hardbreak":
            parts.append("\n")
        elif token.type == "image":
            parts.append(_image(token, footnotes))
    return _hard_breaks_between_text("".join(parts))


def _hard_breaks_between_text(text):
    """Hard breaks where they show: none at either end, at most one empty line in a row."""
    lines = []
    for line in text.split("\n"):
        if line.strip() or (lines and lines[-1].strip()):
            lines.append(line)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def _footnoted(url):
    return url.lower().startswith(FOOTNOTED_SCHEMES)


def _link(opening, text, footnotes):
    """A link's text and its footnote mark, or its URL alone when the text is only the URL.

    The URL is shown as markdown-it normalised it (percent-encoded), as in the footnotes: the
    decoded form can hold spaces, which would cut the URL in two for a mail client.
    """
    url = str(opening.attrs.get("href", ""))
    if not _footnoted(url):
        return text
    address = url.removeprefix("mailto:")
    if opening.markup == "autolink" or text in ("", url, address, _MARKDOWN.normalizeLinkText(url)):
        return address
    return f"{text}{_GLUE}[{footnotes.number(url)}]"


def _image(token, footnotes):
    alt = " ".join(_plain_text(token.children or []).split())
    label = f"[image:{_GLUE}{alt}]" if alt else "[image]"
    source = str(token.attrs.get("src", ""))
    return f"{label}{_GLUE}[{footnotes.number(source)}]" if _footnoted(source) else label


def _plain_text(tokens):
    """An image's description: the text of its tokens, with no marks and no footnotes."""
    parts = []
    for token in tokens:
        if token.type in ("text", "code_inline"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(_plain_text(token.children or []))
    return "".join(parts)


class _HtmlText(HTMLParser):
    """Collects the text of an HTML fragment: no tags, entities decoded, no script or style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")
        if tag in _HIDDEN_HTML:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        self.parts.append(" ")
        if tag in _HIDDEN_HTML and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def _text_of_html(html):
    """The text of an HTML block, as one paragraph: a block is rarely more than a wrapper."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def plain_words(markdown: str) -> str:
    """Editor Markdown as one line of its words, without any syntax: what a search snippet
    shows ("**whiteboard session**" reads "whiteboard session", a list its items' words, a
    link its text). Raw HTML an editor typed stays, as text to be escaped, as on PostgreSQL
    (``search.sources.markdown_stripped``)."""
    tokens, rest = parse_markdown(markdown or "")
    if tokens is None:
        return " ".join((markdown or "").split())
    words = []
    for token in tokens:
        if token.type == "inline":
            words += [
                child.content
                for child in token.children or ()
                if child.type in ("text", "code_inline", "html_inline")
            ]
        elif token.type in ("code_block", "fence", "html_block"):
            words.append(token.content)
    words.append(rest)
    return " ".join(" ".join(words).split())
