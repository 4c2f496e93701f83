"""Editor Markdown to safe HTML: the only place text written by editors becomes HTML.

Editors paste from pads, mail and chat, so everything rendered here is sanitised with nh3
against an explicit allow-list after markdown-it-py has run: raw HTML, event handlers,
``javascript:`` links and the like never reach a reader's browser.

The Markdown is CommonMark (markdown-it-py), with GitHub's tables, strikethrough and task
lists, so that the site renders notes as GitHub and the report's readers do: a list right
after a paragraph's line ("Agreed:" then "- ..."), lists nested by two spaces, ``1)`` lists.

Work is bounded; ``benchmarks/pathological.py`` measures the worst cases. markdown-it-py's
parser is linear, but slow on some input:

- inline parsing of characters that could open markup (``[``, ``![``, ``*``, ``<``...) costs
  20 to 35 µs each (20,000 unclosed ``[``: half a second). A text is given ``INLINE_BUDGET``
  of them; the paragraphs, cells and headings past it are shown as their plain text, escaped,
  instead of being parsed for inline markup;
- each line and table cell costs 10 to 40 µs: lines past ``STRUCTURE_BUDGET`` (a line counts
  one, and one more for each ``|``) are shown as typed, in a ``<pre>``;
- nesting deeper than ``MAX_NESTING`` (quotes in lists in quotes...) is shown as typed;
- past ``MAX_RENDERED_CHARACTERS`` (the longest field's limit), text is shown as typed: nh3
  is superlinear on text dense with entities (1 MB of ``&#``: 11 s; 50,000 characters: 50 ms).

No editor's text comes near these budgets (the demo's longest note has 15 lines and 120
such characters). And a render that raises, whatever the reason, shows the text escaped: a
page never fails because of what an editor typed.
"""

import functools
import logging
import re

import nh3
from django.utils.html import escape
from markdown_it import MarkdownIt
from markdown_it.token import Token

logger = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "label", "li", "ol", "p",
    "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "img": {"src", "alt", "title"},
    "input": {"checked"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
#: Task list items' boxes: whatever an editor typed as ``<input>``, it is a disabled checkbox.
SET_ATTRIBUTES = {"input": {"type": "checkbox", "disabled": "disabled"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener nofollow ugc"

#: Editor headings start at this level, below the page's own h1-h3 headings.
FIRST_EDITOR_HEADING_LEVEL = 4
#: How many markup-opening characters a text's inline parsing may meet (see above).
INLINE_BUDGET = 4_000
#: Characters whose inline parsing costs the most (each can open a link, an image, emphasis,
#: code, HTML, an entity or an escape).
COSTLY_CHARACTERS = "[]!*_~`<&\\"
#: How many lines and table cells a text's block parsing may meet (see above).
STRUCTURE_BUDGET = 3_000
#: How deep blocks may nest; markdown-it-py stops parsing deeper (CommonMark preset: 20).
MAX_NESTING = 20
#: The most characters rendered as Markdown: session notes' limit (models.NOTES_MAX_LENGTH).
MAX_RENDERED_CHARACTERS = 50_000

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_CODE_LANGUAGE = re.compile(r"^language-[\w+#.-]{1,40}$")
_ALIGN = {"text-align:left": "left", "text-align:right": "right", "text-align:center": "center"}
_TASK = re.compile(r"\[([ xX])\][ \t]")


def inline_cost(text):
    return sum(text.count(character) for character in COSTLY_CHARACTERS)


def _bound_inline_work(state):
    """Before inline parsing: past the budget, a block's text is shown as plain text."""
    budget = INLINE_BUDGET
    for token in state.tokens:
        if token.type != "inline":
            continue
        budget -= inline_cost(token.content)
        if budget < 0:
            token.type = "text"  # rendered escaped, never parsed for inline markup


def _align_cells(state):
    """Table cells' alignment as the ``align`` attribute nh3 keeps (it drops ``style``)."""
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and "style" in token.attrs:
            align = _ALIGN.get(str(token.attrs.pop("style")))
            if align:
                token.attrs["align"] = align


def _html_token(content):
    token = Token("html_inline", "", 0)
    token.content = content
    return token


def _task_lists(state):
    """GitHub's task list items: ``- [ ] text`` and ``- [x] text`` get a disabled checkbox.

    Written here rather than taken from mdit-py-plugins, whose rule looks for each item's list
    by walking back over every item before it (2,000 items: 0.7 s).
    """
    tokens = state.tokens
    for index in range(2, len(tokens)):
        token = tokens[index]
        if not (
            token.type == "inline"
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
            and token.children
            and token.children[0].type == "text"
            and (match := _TASK.match(token.children[0].content))
        ):
            continue
        first = token.children[0]
        first.content = first.content[3:]
        checked = " checked" if match.group(1) in "xX" else ""
        box = f'<input type="checkbox" disabled{checked}>'
        token.children[:0] = [_html_token("<label>"), _html_token(box)]
        token.children.append(_html_token("</label>"))


def _markdown_parser():
    parser = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    parser.enable(["table", "strikethrough"])
    parser.core.ruler.before("inline", "bound_inline_work", _bound_inline_work)
    parser.core.ruler.after("inline", "task_lists", _task_lists)
    parser.core.ruler.push("align_cells", _align_cells)
    return parser


def _split_at_budget(text):
    """(what is parsed as Markdown, what is shown as typed): see ``STRUCTURE_BUDGET`` and
    ``MAX_RENDERED_CHARACTERS``. Cut at a line break where there is one."""
    if len(text) > MAX_RENDERED_CHARACTERS:
        cut = text.rfind("\n", 0, MAX_RENDERED_CHARACTERS) + 1 or MAX_RENDERED_CHARACTERS
        head, tail = text[:cut], text[cut:]
    else:
        head, tail = text, ""
    if head.count("\n") + head.count("|") <= STRUCTURE_BUDGET:
        return head, tail
    spent = 0
    offset = 0
    for line in head.split("\n"):
        spent += 1 + line.count("|")
        if spent > STRUCTURE_BUDGET:
            return head[:offset], head[offset:] + tail
        offset += len(line) + 1
    return head, tail


#: The site's one CommonMark parser: pages, feeds and the mail's plain text
#: (``priorities.interchange.plain_text``) read editors' Markdown alike.
PARSER = _markdown_parser()


def _filter_attribute(tag, attribute, value):
    if tag == "code" and attribute == "class":
        return value if _CODE_LANGUAGE.match(value) else None
    if tag == "img" and attribute == "src":
        return value if value.lower().startswith(("http://", "https://")) else None
    return value


def _demote_headings(html):
    shift = FIRST_EDITOR_HEADING_LEVEL - 1

    def demote(match):
        level = min(int(match.group(2)) + shift, 6)
        return f"<{match.group(1)}h{level}"

    return _HEADING_TAG.sub(demote, html)


def sanitize_html(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        set_tag_attribute_values=SET_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def _too_deep(tokens):
    return any(token.level >= MAX_NESTING - 1 for token in tokens)


def parse_markdown(text):
    """``(tokens, rest)``: the tokens of the part of ``text`` rendered as Markdown within the
    budgets above, and the rest, shown as typed. ``tokens`` is None when the text nests too
    deep to be rendered at all (it is then all shown as typed)."""
    markdown, rest = _split_at_budget(text)
    tokens = PARSER.parse(markdown)
    if _too_deep(tokens):
        return None, text
    return tokens, rest


def as_plain_text(text):
    """The text exactly as typed, escaped: what a reader sees when it cannot be rendered."""
    return f'<pre class="unrendered">{escape(text)}</pre>'


@functools.lru_cache(maxsize=8192)
def render_markdown(text):
    """Render editor Markdown to sanitised HTML.

    Called when a text is saved, never when it is read: the HTML is stored beside the text
    (``priorities.models.markup``). The result depends only on the text, so it is memoised,
    which spares the work when the same text is saved again (its history record, a rebuild).
    A text that cannot be rendered is shown as typed, escaped (and memoised the same way).
    """
    if not text:
        return ""
    try:
        tokens, rest = parse_markdown(text)
        if tokens is None:
            return as_plain_text(text)
        html = PARSER.renderer.render(tokens, PARSER.options, {})
        # Without the final line break, as Python-Markdown rendered (the demo's HTML is the same).
        html = sanitize_html(_demote_headings(html)).rstrip("\n")
        return html + as_plain_text(rest) if rest else html
    except Exception:
        logger.exception("Markdown could not be rendered; shown as plain text")
        return as_plain_text(text)
