"""The plain-text mail body: each rule on a small input, then properties over any input."""

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from meetup.devtools import demo
from priorities.interchange.plain_text import WIDTH, Footnotes, markdown_to_text, wrap

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = pytest.mark.any_database


def text(markdown, **options):
    return markdown_to_text(markdown, footnotes=Footnotes(), **options)


def test_paragraphs_are_wrapped_with_a_blank_line_between_them():
    words = " ".join(f"word{n}" for n in range(40))
    rendered = text(f"{words}\n\nSecond paragraph.")
    lines = rendered.split("\n")
    assert all(len(line) <= WIDTH for line in lines)
    assert lines[-2:] == ["", "Second paragraph."]
    assert " ".join(rendered.split()) == f"{words} Second paragraph."


def test_soft_line_breaks_are_spaces_and_hard_ones_are_kept():
    assert text("one\ntwo") == "one two"
    assert text("one  \ntwo\\\nthree") == "one\ntwo\nthree"
    assert text("one\\\n\\\n\\\n\\\ntwo") == "one\n\ntwo"
    assert text("> \\\nquoted") == "  quoted"


def test_a_word_longer_than_the_line_gets_a_line_of_its_own():
    url = "https://example.org/" + "x" * 80
    assert text(f"see {url} for more").split("\n") == ["see", url, "for more"]


def test_emphasis_strong_and_code_markers_are_dropped():
    assert text("**bold**, *x*, _y_, __z__ and `code`") == "bold, x, y, z and code"


def test_block_quotes_are_indented_instead_of_quoted():
    assert text("> said\n>\n> > inside") == "  said\n\n    inside"


def test_a_line_starting_like_a_quote_or_an_mbox_separator_is_space_stuffed():
    assert text("\\> not a quote") == " > not a quote"
    assert text("&gt; nor this") == " > nor this"
    assert text("From the room") == " From the room"
    assert text("Fromage and From:") == "Fromage and From:"


def test_space_stuffing_counts_in_the_width():
    rendered = wrap("a " * 30 + ">b " + "c " * 40, width=20)
    assert all(len(line) <= 20 and not line.startswith(">") for line in rendered.split("\n"))
    assert " >b c c c c c c c c" in rendered.split("\n")


def test_links_become_numbered_footnotes():
    footnotes = Footnotes()
    rendered = markdown_to_text(
        "[Spec](https://specs.example/a) and [chat](mailto:team@example.org).",
        footnotes=footnotes,
    )
    assert rendered == "Spec [1] and chat [2]."
    assert footnotes.as_text() == "[1] https://specs.example/a\n[2] mailto:team@example.org"


def test_the_same_url_keeps_its_number_across_every_text_of_a_mail():
    footnotes = Footnotes()
    first = markdown_to_text("[a](https://x.example) [b](https://y.example)", footnotes=footnotes)
    second = markdown_to_text(
        "[again](https://x.example) ![img](https://y.example)", footnotes=footnotes
    )
    assert (first, second) == ("a [1] b [2]", "again [1] [image: img] [2]")
    assert footnotes.as_text() == "[1] https://x.example\n[2] https://y.example"
    assert footnotes.number("https://z.example") == 3


def test_no_footnotes_means_no_text():
    assert Footnotes().as_text() == ""


def test_a_long_url_is_never_wrapped_in_the_footnotes():
    url = "https://example.org/" + "long/" * 30
    footnotes = Footnotes()
    markdown_to_text(f"[here]({url})", footnotes=footnotes)
    assert footnotes.as_text() == f"[1] {url}"


def test_urls_already_shown_stay_inline_and_are_not_footnoted():
    footnotes = Footnotes()
    rendered = markdown_to_text(
        "<https://a.example/x> [https://b.example](https://b.example) <team@example.org> "
        "https://bare.example [](https://c.example)",
        footnotes=footnotes,
    )
    assert " ".join(rendered.split()) == (
        "https://a.example/x https://b.example team@example.org https://bare.example "
        "https://c.example"
    )
    assert footnotes.as_text() == ""


def test_an_inline_url_is_shown_percent_encoded_so_that_it_stays_one_word():
    rendered = text("<https://x.example/a%20b> <https://x.example/ü>")
    assert rendered == "https://x.example/a%20b https://x.example/%C3%BC"


def test_a_long_autolink_stays_inline_on_a_line_of_its_own():
    url = "https://review.example.org/#/q/status:open+project:openstack/nova+branch:master,n,z"
    assert text(f"Reviews: <{url}>, oldest first.") == f"Reviews:\n{url},\noldest first."


def test_a_footnote_mark_never_starts_a_line():
    rendered = text("x" * 66 + " [link](https://x.example)")
    assert rendered.split("\n") == ["x" * 66, "link [1]"]


def test_images_show_their_description_and_a_footnote():
    footnotes = Footnotes()
    rendered = markdown_to_text(
        "![the *whiteboard*](https://img.example/w.png) ![](https://img.example/e.png)",
        footnotes=footnotes,
    )
    assert rendered == "[image: the whiteboard] [1] [image] [2]"


def test_links_other_than_http_and_mailto_get_no_footnote():
    footnotes = Footnotes()
    rendered = markdown_to_text(
        "[page](/meetups/) ![pixel](data:image/png;base64,AAAA)", footnotes=footnotes
    )
    assert rendered == "page [image: pixel]"
    assert footnotes.as_text() == ""


def test_links_the_site_refuses_to_render_stay_text_as_on_the_page():
    """``javascript:`` is no link on the day page (its Markdown shows as typed): nor here."""
    footnotes = Footnotes()
    typed = (
        "[click](javascript:alert(1)) [CLICK](JaVaScRiPt:alert(1)) <javascript:void(0)> "
        "[file](file:///etc/passwd)"
    )
    assert " ".join(markdown_to_text(typed, footnotes=footnotes).split()) == typed
    assert footnotes.as_text() == ""


def test_bullets_and_nested_lists_hang_under_their_text():
    rendered = text(
        "- cells\n  - v2 db, which needs a rather long explanation that wraps onto another line"
    )
    assert rendered == (
        "- cells\n"
        "  - v2 db, which needs a rather long explanation that wraps onto another\n"
        "    line"
    )


def test_ordered_lists_keep_their_numbers_and_align_their_text():
    assert text("1) first\n2) second") == "1. first\n2. second"
    assert text("3. third\n1. fourth") == "3. third\n4. fourth"
    assert text("9. nine\n10. ten") == "9.  nine\n10. ten"


def test_a_loose_list_keeps_its_blank_lines():
    assert text("- one\n\n- two\n\n  more") == "- one\n\n- two\n\n  more"


def test_task_lists_show_their_boxes():
    assert text("- [ ] open\n- [x] done\n- plain") == "[ ] open\n[x] done\n- plain"
    assert text("1. [X] done\n2. [ ] open") == "1. [x] done\n2. [ ] open"
    rendered = text("- [ ] " + "word " * 20)
    assert rendered.split("\n")[1].startswith("    word")


def test_what_the_site_renders_as_lists_reads_as_lists():
    assert text("Agreed:\n- split the scheduler\n- keep cells v1") == (
        "Agreed:\n\n- split the scheduler\n- keep cells v1"
    )
    assert text("- cells\n  - v2 db") == "- cells\n  - v2 db"
    assert text("1) first") == "1. first"


def test_headings_are_underlined_never_hashed():
    assert (
        text("# Title *here*\n\n## Part\n\nText") == "Title here\n==========\n\nPart\n----\n\nText"
    )
    assert text("Setext\n---") == "Setext\n------"
    assert text("- ### In a list") == "- In a list\n  ---------"


def test_code_is_kept_verbatim_indented_and_never_wrapped():
    long_line = "x = call(" + ", ".join(f"arg{n}" for n in range(30)) + ")"
    rendered = text(f"```python\n{long_line}\n  indented  \n\n*not emphasis*\n```")
    assert rendered == f"    {long_line}\n      indented\n\n    *not emphasis*"
    assert text("Before\n\n    > code\n\nAfter") == "Before\n\n    > code\n\nAfter"


def test_a_table_that_fits_is_aligned_in_columns():
    rendered = text("| Area | Votes |\n| --- | ---: |\n| Cells v2 | 3 |\n| Bugs | 12 |")
    assert rendered == "Area      Votes\n--------  -----\nCells v2      3\nBugs         12"


def test_a_table_starting_with_a_quote_mark_is_stuffed_as_a_whole():
    rendered = text("| a | b |\n| - | - |\n| >x | y |")
    assert rendered == " a   b\n --  -\n >x  y"


def test_a_table_too_wide_becomes_header_value_lines_per_row():
    headline = "One spec still open; much of the code is waiting for reviewers to look"
    rendered = text(
        f"| Area | Status | Headline |\n| --- | --- | --- |\n"
        f"| Scheduler split | Needs review | {headline} |\n| Bugs | Started | |"
    )
    assert rendered == (
        "Area: Scheduler split\n"
        "Status: Needs review\n"
        "Headline: One spec still open; much of the code is waiting for reviewers\n"
        "  to look\n"
        "\n"
        "Area: Bugs\n"
        "Status: Started"
    )


def test_html_is_dropped_and_its_text_kept():
    assert text("A <b>bold</b> <!-- hidden --> claim &amp; more") == "A bold claim & more"
    rendered = text('<div class="x">\n<p>Kept &amp; decoded</p><script>alert(1)</script>\n</div>')
    assert rendered == "Kept & decoded"
    assert text("<!-- only a comment -->\n\nText") == "Text"


def test_a_thematic_break_is_a_short_rule():
    assert text("Above\n\n***\n\nBelow") == "Above\n\n----------\n\nBelow"


def test_indent_starts_every_line_and_counts_in_the_width():
    rendered = text("word " * 40 + "\n\n- item", indent="    ", width=40)
    lines = rendered.split("\n")
    assert all(line.startswith("    ") and len(line) <= 40 for line in lines if line)
    assert "" in lines
    assert lines[-1] == "    - item"


def test_wrap_uses_the_first_indent_once_and_keeps_line_breaks():
    rendered = wrap("Status: " + "good " * 20 + "\nnext", width=30, first_indent="- ", indent="  ")
    lines = rendered.split("\n")
    assert lines[0].startswith("- Status: good")
    assert all(line.startswith("  ") for line in lines[1:])
    assert lines[-1] == "  next"
    assert all(len(line) <= 30 for line in lines)


def test_control_characters_and_odd_whitespace_do_not_break_the_text():
    rendered = text("a\x00b\x01c \x0b d\u2028e\x1c\u00a0f  \t\n\n\n")
    assert rendered
    assert all(line == line.rstrip() for line in rendered.split("\n"))


def test_empty_text_is_empty():
    assert text("") == ""
    assert text(" \n\n\t\n") == ""


def test_deeply_nested_markup_does_not_overflow_the_stack():
    # Past the renderer's inline budget the day page shows the text as typed, and so does this.
    assert text("*" * 50 + "deep" + "*" * 50) == "deep"
    assert text("*" * 5000 + "deep" + "*" * 5000) == "*" * 5000 + "deep" + "*" * 5000
    assert text(">" * 15 + " deep") == " " * 30 + "deep"
    assert text("- " * 9 + "deep").endswith("- deep")
    # Past markdown-it's nesting limit (20 levels) the parser drops the rest: no crash.
    text(">" * 1000 + " deep")
    text("- " * 500 + "deep")


# Markdown's punctuation and the pieces of its syntax, so that generated texts hit the parser's
# interesting paths (quotes, lists, fences, tables, links, HTML, entities) far more than
# uniform text would.
MARKDOWN_PIECES = [
    ">", "> ", ">>", "From ", "From", "-", "- ", "* ", "+ ", "1. ", "1) ", "10. ", "[ ] ", "[x] ",
    "#", "# ", "## ", "`", "```", "~~~", "    ", "\t", "\n", "\n\n", "  \n", "\\\n", "*", "**",
    "_", "[", "]", "(", ")", "](", "![", "<", "<https://example.org/a>", "&gt;", "&#62;",
    "&amp;", "<div>", "</div>", "<b>", "<!--", "-->", "|", "| --- |", "|---|", "\\", "---",
    "===", "https://example.org/", "mailto:a@example.org", "javascript:x", "word", "words ",
    " ", "x" * 80, "\x00", "\x0b", "\u2028", "é", "ü", ":",
]  # fmt: skip
markdownish = st.lists(
    st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=4)), max_size=60
).map("".join)


def code_lines(markdown):
    """The lines of the code blocks in ``markdown``: they are kept whatever their width."""
    return {
        line.strip()
        for token in MarkdownIt("commonmark").enable("table").parse(markdown)
        if token.type in ("fence", "code_block")
        for line in token.content.split("\n")
    }


LIST_MARKERS = re.compile(r"^\s*(?:(?:-|\d+\.|\[[ x]\]) +)+")
FOOTNOTE_MARK = re.compile(r" \[\d+\]")


def unbreakable(line):
    """One word after its indentation and list markers: a footnote mark and "[image: " are
    glued to the word next to them."""
    words = FOOTNOTE_MARK.sub("", LIST_MARKERS.sub("", line)).replace("[image: ", "[image:")
    return len(words.split()) <= 1


@settings(max_examples=500, deadline=None)
@example(markdown="    >\n\n\n    >", width=20, indent="")  # blank lines inside code
@given(
    markdown=markdownish,
    width=st.integers(min_value=20, max_value=100),
    indent=st.sampled_from(["", "  ", "    "]),
)
def test_any_text_reads_well_in_a_mail_client(markdown, width, indent):
    rendered = markdown_to_text(markdown, footnotes=Footnotes(), width=width, indent=indent)
    lines = rendered.split("\n")
    kept_code = code_lines(markdown)
    for line in lines:
        assert not line.startswith((">", "From ")), line
        assert line == line.rstrip(), line
        assert not line or line.startswith(indent), line
        in_code = LIST_MARKERS.sub("", line).strip() in kept_code
        assert len(line) <= width or unbreakable(line) or in_code, line
    assert rendered == rendered.strip("\n")
    assert "\n\n\n" not in rendered


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab>From[]-", min_size=1, max_size=30), max_size=40),
    width=st.integers(min_value=10, max_value=80),
    indent=st.sampled_from(["", "  ", "    "]),
)
def test_wrap_keeps_every_word_and_the_width(words, width, indent):
    lines = wrap(" ".join(words), width=width, indent=indent, first_indent="").split("\n")
    assert " ".join(lines).split() == words
    for line in lines:
        assert len(line) <= width or len(line.split()) == 1, line
        assert not line.startswith((">", "From ")), line
    assert all(line.startswith(indent) for line in lines[1:])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=20))
def test_every_url_gets_one_number_in_order_of_first_appearance(names):
    footnotes = Footnotes()
    rendered = markdown_to_text(
        " ".join(f"[{name}](https://{name}.example)" for name in names), footnotes=footnotes
    )
    first_seen = list(dict.fromkeys(names))
    assert footnotes.as_text().split("\n") == [
        f"[{number}] https://{name}.example" for number, name in enumerate(first_seen, start=1)
    ] or (not names and footnotes.as_text() == "")
    expected = " ".join(f"{name} [{first_seen.index(name) + 1}]" for name in names)
    assert " ".join(rendered.split()) == expected


DAY_SUMMARY = """\
The day opened with a status round: whoever leads each Kilo priority
said where the work stands. Most areas are moving; cells v2 is slower
than hoped and the scheduler work is waiting on reviews. The room agreed
that devstack should switch to Neutron, and noted novaclient's support
for v2.1 as a risk.

After lunch a whiteboard session sketched how Nova and a split-out
scheduler should talk to each other, and the rest of the afternoon went
to how the project itself is run."""


def test_the_demo_day_summary_reads_as_written():
    assert text(demo.DAY["summary"]) == DAY_SUMMARY


def test_the_demo_whiteboard_notes_keep_their_list_under_an_indent():
    notes = demo.SESSIONS[demo.WHITEBOARD]["notes"]
    rendered = text(notes, indent="  ")
    lines = rendered.split("\n")
    assert lines[:3] == [
        "  Goal: agree on what the interface between Nova and a separated",
        "  scheduler should look like.",
        "",
    ]
    items = [line for line in lines if line.startswith("  - ")]
    assert len(items) == 4
    assert all(line.startswith(("  - ", "    ")) for line in lines[3:])
    assert all(len(line) <= WIDTH for line in lines)
    assert " ".join(rendered.replace("- ", "").split()) == " ".join(notes.replace("- ", "").split())


def test_every_demo_text_renders_without_markup():
    texts = [demo.MEETUP["description"], demo.DAY["summary"]]
    texts += [session["notes"] for session in demo.SESSIONS.values()]
    texts += [update["body"] for update in demo.STATUS_UPDATES.values()]
    footnotes = Footnotes()
    for markdown in texts:
        rendered = markdown_to_text(markdown, footnotes=footnotes, indent="    ")
        assert rendered
        assert "**" not in rendered and "*expand*" not in rendered
        assert all(len(line) <= WIDTH for line in rendered.split("\n"))
        assert all(not line or line.startswith("    ") for line in rendered.split("\n"))
    assert footnotes.as_text() == ""
