"""Time rendering and both parsers on pathological input, and print a table.

    .venv/bin/python benchmarks/pathological.py [--size BYTES] [--budget SECONDS]

Not a test (nothing here asserts a timing in the suite; ``tests/test_benchmarks.py`` only runs
it on small input). Each shape is built to ``--size`` bytes (1 MB by default) and timed, best
of three:

- ``render``: ``render_markdown`` on each shape at the largest size a field holds (20,000
  characters for most, 50,000 for session notes) and at ``--size``: unclosed brackets and
  images, long runs of emphasis markers, deep nesting, backticks, ``<``, entities, tables,
  lists, task lists;
- ``report``: ``parse_report`` on a report whose body, list items or sessions take the
  given shape (blank lines inside a list item were quadratic);
- ``notes``: reading hand-typed notes (``read_log``, ``commands_of``) and ``plan_notes`` with
  1,000 priority areas (every unknown
  topic was compared with every area).

Exits 1 when a parse of ``--size`` bytes, or a render of a field's largest value, takes longer
than ``--budget`` seconds (default 1), so that it can gate a benchmark run.
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meetup.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")

import django

django.setup()

from benchmarks.timing import measure  # noqa: E402
from priorities.interchange.irc_import import commands_of  # noqa: E402
from priorities.interchange.irc_logs import read_log  # noqa: E402
from priorities.interchange.quick_notes import plan_notes  # noqa: E402
from priorities.interchange.report_parser import (  # noqa: E402
    MAX_REPORT_BYTES,
    ReportError,
    parse_report,
)
from priorities.models import PriorityArea  # noqa: E402
from priorities.rendering import INLINE_BUDGET, render_markdown  # noqa: E402

FIELD_SIZES = (20_000, 50_000)


def repeat(unit, size):
    return (unit * (size // len(unit) + 1))[:size]


#: Markdown shapes: name -> function of the size in characters.
MARKDOWN_SHAPES = {
    "unclosed [": lambda n: "[" * n,
    "unclosed ![": lambda n: repeat("![", n),
    "[a](": lambda n: repeat("[a](", n),
    "nested [[[a]]]": lambda n: "[" * (n // 2) + "a" + "]" * (n // 2),
    "run of *": lambda n: "*" * n,
    "*a (emphasis openers)": lambda n: repeat("*a ", n),
    "**a": lambda n: repeat("**a", n),
    "a_ (underscores)": lambda n: repeat("a_ ", n),
    "*_ mixed": lambda n: repeat("*_", n),
    "~~a": lambda n: repeat("~~a", n),
    "backticks ` a": lambda n: repeat("` a", n),
    "run of `": lambda n: "`" * n,
    "<": lambda n: "<" * n,
    "<a ": lambda n: repeat("<a ", n),
    "&#": lambda n: repeat("&#", n),
    "\\": lambda n: "\\" * n,
    "> nesting": lambda n: ">" * n,
    "> > lines": lambda n: repeat("> > > > > > > > a\n", n),
    "list nesting": lambda n: "".join("  " * i + "- a\n" for i in range(200))[:n],
    "list items": lambda n: repeat("- a\n", n),
    "task items": lambda n: repeat("- [ ] a\n", n),
    "table cells": lambda n: ("|" + "a|" * 500 + "\n|" + "-|" * 500 + "\n" + "|a" * n)[:n],
    "blank lines": lambda n: "a" + "\n" * (n - 2) + "b",
    "short lines": lambda n: repeat("a\n", n),
    "paragraphs": lambda n: repeat("a\n\n", n),
    "headings": lambda n: repeat("# a\n", n),
    "link references": lambda n: repeat("[a]: /u\n", n),
    "html blocks": lambda n: repeat("<div>\n\n", n),
    # Just inside the budgets of priorities.rendering, where the most work is done.
    "[ up to the inline budget": lambda n: "[" * min(n, INLINE_BUDGET),
    "![ up to the inline budget": lambda n: "![" * min(n // 2, INLINE_BUDGET // 2),
    "[a]( up to the inline budget": lambda n: repeat("[a](", min(n, INLINE_BUDGET * 2)),
    "task items with images": lambda n: repeat("- [ ] ![a](b) *c*\n", n),
    "table rows with links": lambda n: "|a|b|\n|-|-|\n" + repeat("|[a](b)|*c*|\n", n),
}

REPORT_HEAD = (
    "# M: day 1, 2015-01-26\n\n- Meetup: M (`m`)\n- Project: P\n"
    "- Meetup dates: 2015-01-26 to 2015-01-26\n- Date: 2015-01-26 (day 1)\n\n"
)
NO_UPDATES = "## Priority areas\n\n_No status updates._\n\n"


def _report(summary="_No summary._", sessions=""):
    return f"{REPORT_HEAD}## Summary\n\n{summary}\n\n{NO_UPDATES}## Sessions\n\n{sessions}"


def _risks(body):
    return f"### S\n\n- Kind: Other\n\n#### Risks\n\n{body}"


#: Report shapes: name -> function of the size in bytes.
REPORT_SHAPES = {
    "blank lines in a list item": lambda n: _report(
        sessions=_risks("- first\n" + "\n" * n + "  second\n")
    ),
    "one long quote": lambda n: _report(summary=repeat("> a line of the summary\n", n)),
    "blank quote lines": lambda n: _report(summary="> a\n" + repeat(">\n", n) + "> b"),
    "many list items": lambda n: _report(sessions=_risks(repeat("- a risk\n", n))),
    "indented continuations": lambda n: _report(
        sessions=_risks("- first\n" + repeat("  more\n", n))
    ),
    "many sessions": lambda n: _report(
        sessions="".join(f"### S{i}\n\n- Kind: Other\n\n" for i in range(n // 26))
    ),
    "one long line": lambda n: _report(summary="> " + "[" * n),
    "brackets in items": lambda n: _report(sessions=_risks(repeat("- **[[[**\n", n))),
}

#: Quick-notes shapes: name -> function of the size in bytes.
NOTES_SHAPES = {
    "unknown topics": lambda n: "".join(f"#topic Unknown topic {i}\n" for i in range(n // 24)),
    "info lines": lambda n: repeat("#info a point\n", n),
    "topics that are typos": lambda n: "".join(
        f"#topic Area numbr {i % 1000}\n" for i in range(n // 22)
    ),
    "one long line": lambda n: "#info " + "[" * n,
    "blank lines": lambda n: "#info a\n" + "\n" * n + "#info b\n",
    "statuses and actions": lambda n: repeat(
        "#topic Area number 7\n#status started Going\n#action bob do it\n#agreed fine\n", n
    ),
}


def best_of(function, *args, runs=3):
    """The fastest of ``runs`` runs: what the work costs, without the machine's noise."""
    return measure(function, *args, runs=runs, ignore=ReportError).best


def areas(count=1_000):
    return [PriorityArea(pk=n, name=f"Area number {n}", slug=f"area-{n}") for n in range(count)]


def run(size, budget, out=sys.stdout, runs=3, area_count=1_000):
    rows = []
    for name, shape in MARKDOWN_SHAPES.items():
        for length in sorted({*(field for field in FIELD_SIZES if field <= size), size}):
            text = shape(length)
            seconds = best_of(render_markdown.__wrapped__, text, runs=runs)  # not memoised
            gated = length in FIELD_SIZES
            rows.append(("render", name, len(text.encode()), seconds, gated))
    # As large as an import takes (1 MB by default), less room for the report around the shape.
    report_size = min(size, MAX_REPORT_BYTES - 2_000)
    for name, shape in REPORT_SHAPES.items():
        text = shape(report_size)
        seconds = best_of(parse_report, text, runs=runs)
        rows.append(("report", name, len(text.encode()), seconds, True))
    team = areas(area_count)
    for name, shape in NOTES_SHAPES.items():
        text = shape(size)
        seconds = best_of(
            lambda text: plan_notes(commands_of(read_log(text)), team), text, runs=runs
        )
        rows.append(("notes", name, len(text.encode()), seconds, True))

    over = [row for row in rows if row[4] and row[3] > budget]
    out.write(f"{'what':7} {'shape':28} {'bytes':>9} {'ms':>9}\n")
    for what, name, length, seconds, gated in rows:
        flag = "  OVER BUDGET" if gated and seconds > budget else ""
        out.write(f"{what:7} {name:28} {length:>9,} {seconds * 1000:>9.1f}{flag}\n")
    worst = {}
    for what, name, length, seconds, _gated in rows:
        if seconds > worst.get(what, ("", 0, 0))[2]:
            worst[what] = (name, length, seconds)
    for what, (name, length, seconds) in worst.items():
        out.write(f"worst {what}: {seconds * 1000:.1f} ms on {name!r} ({length:,} bytes)\n")
    return not over


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024 * 1024, help="bytes of each shape")
    parser.add_argument(
        "--budget", type=float, default=1.0, help="seconds a parse or field render may take"
    )
    options = parser.parse_args(argv)
    return 0 if run(options.size, options.budget) else 1


if __name__ == "__main__":
    sys.exit(main())
