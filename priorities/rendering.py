"""Editor Markdown to safe HTML: the only place text written by editors becomes HTML.

Editors paste from pads, mail and chat, so everything rendered here is sanitised with nh3
against an explicit allow-list after ``markdown`` has run: raw HTML, event handlers,
``javascript:`` links and the like never reach a reader's browser.
"""

import functools
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre",
    "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "code": {"class"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener nofollow ugc"
MARKDOWN_EXTENSIONS = ["fenced_code", "tables", "sane_lists"]
MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}

#: Editor headings start at this level, below the page's own h1-h3 headings.
FIRST_EDITOR_HEADING_LEVEL = 4

_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_CODE_LANGUAGE = re.compile(r"^language-[\w+#.-]{1,40}$")


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
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


@functools.lru_cache(maxsize=8192)
def render_markdown(text):
    """Render editor Markdown to sanitised HTML.

    The result depends only on the text, so it is memoised: a page shown many times
    pays the Markdown rendering (the slow part) once per process, not per request.
    """
    if not text:
        return ""
    html = markdown.markdown(
        text, extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG
    )
    return sanitize_html(_demote_headings(html))
