"""Reading pages the way a browser does: html5lib builds the same tree a browser would.

``form_data`` submits a form as a browser would (its successful controls), so admin tests post
exactly what the page holds, hidden fields included. ``executable_content`` lists everything in
a page that could run script, for the sanitising tests.
"""

import re

import html5lib

SVG = "{http://www.w3.org/2000/svg}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"

#: Elements that run, embed or redirect, wherever they come from.
DANGEROUS_ELEMENTS = {
    "applet",
    "base",
    "embed",
    "frame",
    "foreignobject",
    "frameset",
    "handler",
    "iframe",
    "object",
    "portal",
    "template",
    # SVG animation can set an attribute to a javascript: URL
    "animate",
    "set",
}
#: ``<link rel>`` values that load something into the page.
LOADING_RELS = {"stylesheet", "import", "preload", "modulepreload", "prefetch"}
#: Attributes holding a URL that a browser may follow, load or run.
URL_ATTRIBUTES = {
    "action",
    "background",
    "cite",
    "data",
    "formaction",
    "href",
    "lowsrc",
    "ping",
    "poster",
    "src",
    "srcdoc",
    "srcset",
    "xlink:href",
    "{http://www.w3.org/1999/xlink}href",
}
#: A URL runs script if its scheme is one of these, read as the URL standard reads it: leading
#: and trailing controls and spaces dropped, tabs and line breaks removed wherever they are.
_SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript):", re.IGNORECASE)
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_C0_OR_SPACE = "".join(chr(code) for code in range(0x21))


def parse(html):
    """The document tree of ``html`` (bytes or text), as a browser builds it."""
    if isinstance(html, bytes):
        html = html.decode()  # our pages are UTF-8
    return html5lib.parse(html, namespaceHTMLElements=False)


def _local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _same_origin_path(url):
    """Our own files: ``/static/...`` or an admin script such as ``/admin/jsi18n/``."""
    return bool(url) and url.startswith("/") and not url.startswith("//")


def _runs_script(url):
    return bool(_SCRIPT_SCHEME.match(_TAB_OR_NEWLINE.sub("", url.strip(_C0_OR_SPACE))))


def _classes(element):
    return set((element.get("class") or "").split())


def _subtrees(root, chosen):
    """The ids of every element in the subtrees whose root ``chosen(name, element)`` picks."""
    ids = set()
    for element in root.iter():
        if isinstance(element.tag, str) and chosen(_local(element.tag), element):
            ids.update(id(inner) for inner in element.iter())
    return ids


def executable_content(html, *, allow_styles=False, allow_svg=False):
    """Everything in ``html`` that could run script or restyle the page, one line each.

    Our own scripts and stylesheets (same-origin ``src``/``href``) are expected;
    anything else that scripts (inline scripts, event handlers, ``javascript:`` URLs, frames,
    ``<base>``, ``<meta http-equiv>``, SVG animation) is listed, and so are ``<style>``
    elements and ``style`` attributes unless ``allow_styles``, and SVG or MathML unless
    ``allow_svg`` (Django's admin draws its icons with inline SVG; editors' text never may).
    The site's own status chart (``<svg class="status-chart-svg">``, drawn on the server) is
    expected, but never inside editors' rendered text.
    """
    found = []
    root = parse(html)
    ours = _subtrees(
        root, lambda name, element: name == "svg" and _classes(element) == {"status-chart-svg"}
    )
    editors = _subtrees(root, lambda name, element: "markdown" in _classes(element))
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # a comment
        name = _local(tag)
        where = f"<{name}>"
        drawn_by_us = id(element) in ours and id(element) not in editors
        foreign = tag.startswith((SVG, MATHML)) or name in {"svg", "math"}
        if foreign and not allow_svg and not drawn_by_us:
            found.append(f"foreign content {where}")
        if name == "script":
            src = element.get("src", "")
            if not _same_origin_path(src) or (element.text or "").strip():
                found.append(f"script {src!r} {(element.text or '')[:60]!r}")
        if name in DANGEROUS_ELEMENTS:
            found.append(f"element {where}")
        if name == "meta" and element.get("http-equiv"):
            found.append(f"meta http-equiv={element.get('http-equiv')!r}")
        rel = set((element.get("rel") or "").lower().split())
        if name == "link" and rel & LOADING_RELS and not _same_origin_path(element.get("href")):
            found.append(f"link {rel} to {element.get('href')!r}")
        if name == "style" and not allow_styles:
            found.append("style element")
        for attribute, value in element.attrib.items():
            attribute_name = _local(attribute) if attribute.startswith("{") else attribute.lower()
            if attribute_name.startswith("on"):
                found.append(f"event handler {attribute_name}= on {where}")
            if attribute_name == "style" and not allow_styles:
                found.append(f"style attribute on {where}")
            if attribute.lower() in URL_ATTRIBUTES and _runs_script(value):
                found.append(f"script URL {attribute}={value!r} on {where}")
    return found


def text_of(html):
    """The text a reader sees in ``html``.

    (``itertext()`` stops at the first comment of an html5lib tree: the admin's pages have
    them, so the text is gathered by hand, leaving comments out but not what follows them.)
    """
    parts = []

    def walk(element):
        if isinstance(element.tag, str) and element.text:
            parts.append(element.text)
        for child in element:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(parse(html))
    return "".join(parts)


def _form(tree, form_id):
    forms = [f for f in tree.iter("form") if (f.get("method") or "").lower() == "post"]
    if form_id:
        forms = [f for f in forms if f.get("id") == form_id]
    assert forms, f"no POST form {form_id or ''} in the page"
    # The page's main form is the one with the most fields (the admin's header also holds a
    # small log-out form).
    return max(forms, key=lambda form: sum(1 for e in form.iter() if e.get("name")))


def _textarea_values(form):
    """{textarea element: its value}, as a browser reads it.

    Browsers drop the line break that follows ``<textarea>`` (Django writes one), and html5lib
    does too, except inside a table (a tabular inline row), where it keeps it.
    """
    values = {}

    def walk(element, in_table):
        for child in element:
            tag = _local(child.tag) if isinstance(child.tag, str) else ""
            if tag == "textarea":
                text = child.text or ""
                values[child] = text[1:] if in_table and text.startswith("\n") else text
            walk(child, in_table or tag == "table")

    walk(form, False)
    return values


def form_data(html, form_id=None):
    """The data a browser would submit for the page's (first, or ``form_id``) POST form.

    Returns a dict of name -> value (a list for repeated names). Templates for new inline rows
    (names with ``__prefix__``) are left out, as a browser leaves them out.
    """
    data = {}

    def add(name, value):
        if not name or "__prefix__" in name:
            return
        if name in data:
            existing = data[name]
            data[name] = [*(existing if isinstance(existing, list) else [existing]), value]
        else:
            data[name] = value

    form = _form(parse(html), form_id)
    textareas = _textarea_values(form)
    for element in form.iter():
        tag = _local(element.tag)
        name = element.get("name")
        if element.get("disabled") is not None:
            continue
        if tag == "input":
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"}:
                if element.get("checked") is not None:
                    add(name, element.get("value", "on"))
                continue
            add(name, element.get("value", ""))
        elif tag == "textarea":
            add(name, textareas[element])
        elif tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None]
            if not chosen and options and element.get("multiple") is None:
                chosen = options[:1]
            for option in chosen:
                add(name, option.get("value", option.text or ""))
    return data


def inline_row_template(html, prefix, form_id=None):
    """The fields of a new row of inline ``prefix`` (its ``__prefix__`` template), unprefixed."""
    row = {}
    template = f"{prefix}-__prefix__-"
    for element in _form(parse(html), form_id).iter():
        name = element.get("name") or ""
        if not name.startswith(template):
            continue
        field = name[len(template) :]
        tag = _local(element.tag)
        if tag == "textarea":
            row[field] = element.text or ""
        elif tag == "select":
            options = list(element.iter("option"))
            chosen = [o for o in options if o.get("selected") is not None] or options[:1]
            row[field] = chosen[0].get("value", "") if chosen else ""
        elif (element.get("type") or "text").lower() == "checkbox":
            if element.get("checked") is not None:
                row[field] = "on"
        else:
            row[field] = element.get("value", "")
    return row


def errors_shown(html):
    """The validation messages a page shows, one per list item, in order."""
    messages = []
    for element in parse(html).iter():
        classes = set((element.get("class") or "").split())
        tag = _local(element.tag)
        if tag == "ul" and "errorlist" in classes:
            items = [item for item in element if _local(item.tag) == "li"]
        elif tag in {"p", "div"} and classes & {"errornote", "invalid-feedback"}:
            items = [element]
        else:
            continue
        for item in items:
            text = " ".join("".join(item.itertext()).split())
            if text:
                messages.append(text)
    return messages


class Opened:
    """An admin page as an editor's browser holds it: post it back with some fields changed."""

    def __init__(self, client, url):
        self.client, self.url = client, url
        self.html = client.get(url).content
        self.data = form_data(self.html)

    def save(self, **changes):
        return self.client.post(self.url, {**self.data, **changes, "_save": "Save"})
