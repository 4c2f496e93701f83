from html.parser import HTMLParser

import pytest

from priorities.rendering import render_markdown

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = pytest.mark.any_database


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


# CommonMark, as GitHub and the report's readers render it (markdown-it-py).


def test_a_list_right_after_a_line_of_text_is_a_list():
    html = render_markdown("Agreed:\n- split the scheduler\n- keep cells v1")
    assert [tag for tag, _ in elements(html)] == ["p", "ul", "li", "li"]


def test_a_list_nested_by_two_spaces_keeps_its_nesting():
    html = render_markdown("- cells\n  - v2 db")
    assert [tag for tag, _ in elements(html)] == ["ul", "li", "ul", "li"]


def test_a_number_and_a_parenthesis_start_an_ordered_list():
    assert [tag for tag, _ in elements(render_markdown("1) first"))] == ["ol", "li"]


def test_tables_keep_their_alignment_and_task_lists_their_boxes():
    html = render_markdown("| a | b |\n| :- | -: |\n| 1 | 2 |\n\n- [x] done\n- [ ] open")
    assert ("th", {"align": "left"}) in elements(html)
    assert ("td", {"align": "right"}) in elements(html)
    boxes = [attributes for tag, attributes in elements(html) if tag == "input"]
    assert boxes == [
        {"type": "checkbox", "disabled": "disabled", "checked": ""},
        {"type": "checkbox", "disabled": "disabled"},
    ]


def test_an_input_typed_by_an_editor_is_only_ever_a_disabled_checkbox():
    html = render_markdown('<input type="text" name="q" onfocus="alert(1)" autofocus>')
    assert [attributes for tag, attributes in elements(html) if tag == "input"] == [
        {"type": "checkbox", "disabled": "disabled"}
    ]


def test_text_past_the_budgets_is_shown_as_typed():
    from priorities.rendering import INLINE_BUDGET, STRUCTURE_BUDGET

    brackets = render_markdown("*fine*\n\n" + "[" * (INLINE_BUDGET + 1))
    assert "<em>fine</em>" in brackets
    assert "[" * (INLINE_BUDGET + 1) in brackets
    lines = render_markdown("- item\n" * (STRUCTURE_BUDGET + 10))
    assert lines.count("<li>item</li>") == STRUCTURE_BUDGET
    assert lines.endswith("- item\n" * 10 + "</pre>")
