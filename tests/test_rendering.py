from html.parser import HTMLParser

import pytest

from priorities.rendering import render_markdown


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


def test_markdown_is_rendered():
    html = render_markdown("Some *emphasis* and a [link](https://example.org).")
    assert ("em", {}) in elements(html)
    assert ("a", {"href": "https://example.org", "rel": "noopener nofollow ugc"}) in elements(html)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        '<a href="javascript&#58;alert(1)">x</a>',
        "![x](data:image/svg+xml;base64,PHN2Zz4=)",
        '<iframe src="https://evil.example"></iframe>',
        "<style>body{display:none}</style>",
        "Text{: onclick=alert(1)}",
    ],
)
def test_hostile_markdown_keeps_no_executable_content(hostile):
    html = render_markdown(hostile)
    for tag, attributes in elements(html):
        assert tag not in {"script", "iframe", "style", "svg"}
        assert not any(name.startswith("on") for name in attributes)
        for name in ("href", "src"):
            value = attributes.get(name) or ""
            assert not value.lower().startswith(("javascript:", "data:"))


def test_editor_headings_sit_below_the_page_headings():
    html = render_markdown("# Big\n\n## Smaller")
    assert [tag for tag, _ in elements(html)] == ["h4", "h5"]


def test_fenced_code_keeps_its_language_class_only():
    html = render_markdown('```python\nprint("hi")\n```')
    assert ("code", {"class": "language-python"}) in elements(html)
