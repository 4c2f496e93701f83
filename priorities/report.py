"""The Markdown day report: the one place a day becomes the text organisers send out.

``day_report(day)`` is pure (a day in, a ``str`` out, a fixed number of queries) and serves
the ``report.md`` view, the ``export_day`` command and the admin action alike.

Text written by editors is Markdown already and goes in as written, but inside a container
so that it can never change the report's own structure: multi-line texts (summary, update
bodies, session notes) are block quotes, outcomes are list items with every line indented.
A ``# heading``, a ``---`` line or an unclosed code fence typed by an editor therefore stays
inside its quote or list item, and the report's headings stay the report's.
"""

import re

from .models import Status

_CLOSING_HASHES = re.compile(r"(^|[ \t])(#+[ \t]*)$")


def heading_text(text):
    """Keep a trailing run of ``#`` in a heading: unescaped, CommonMark drops it."""
    return _CLOSING_HASHES.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def one_line(text):
    return " ".join(text.split("\n")).strip() if "\n" in text else text


def quoted(text):
    """Editor Markdown as a block quote: every line prefixed, so nothing escapes it."""
    lines = text.strip("\n").split("\n")
    return "\n".join(f"> {line}" if line.strip() else ">" for line in lines)


def list_item(marker, text):
    """A list item whose continuation lines are indented under the marker's content."""
    indent = " " * len(marker)
    first, *rest = text.strip("\n").split("\n")
    lines = [f"{marker}{first}"] + [f"{indent}{line}" if line.strip() else "" for line in rest]
    return "\n".join(lines)


def _area_prefix(outcome):
    return f"**{outcome.priority_area.name}:** " if outcome.priority_area else ""


def day_report(day):
    """The report of ``day`` as CommonMark (GFM tables and task lists), ending with a newline."""
    meetup = day.meetup
    area_reports = [report for report in day.area_reports() if report.updates]
    sessions = list(day.sessions_with_outcomes())

    blocks = [f"# {heading_text(one_line(meetup.name))}: day {day.number}, {day.date.isoformat()}"]
    facts = [
        f"- Meetup: {meetup.name} (`{meetup.slug}`)",
        f"- Project: {meetup.project}",
    ]
    if meetup.cycle:
        facts.append(f"- Cycle: {meetup.cycle}")
    if meetup.location:
        facts.append(f"- Location: {meetup.location}")
    facts.append(f"- Date: {day.date.isoformat()} (day {day.number})")
    blocks.append("\n".join(facts))

    blocks.append("## Summary")
    blocks.append(quoted(day.summary) if day.summary.strip() else "_No summary._")

    blocks.append("## Priority areas")
    if area_reports:
        rows = ["| Priority area | Status | Headline |", "| --- | --- | --- |"]
        for report in area_reports:
            latest = report.latest
            rows.append(
                f"| {_table_cell(report.area.name)} | {latest.get_status_display()} "
                f"| {_table_cell(latest.headline)} |"
            )
        blocks.append("\n".join(rows))
    else:
        blocks.append("_No status updates._")
    for report in area_reports:
        blocks.append(f"### {heading_text(report.area.name)}")
        for update in report.updates:
            blocks.append(f"#### {heading_text(update.session.title)}")
            reporter = f" by {update.reported_by}" if update.reported_by else ""
            blocks.append(
                "\n".join(
                    [
                        f"- Status: {Status(update.status).label}",
                        f"- Headline: {one_line(update.headline)}",
                        f"- Reported: {update.get_delivery_display().lower()}{reporter}",
                    ]
                )
            )
            if update.body.strip():
                blocks.append(quoted(update.body))

    blocks.append("## Sessions")
    if not sessions:
        blocks.append("_No sessions._")
    for session in sessions:
        blocks.append(f"### {heading_text(session.title)}")
        facts = [f"- Kind: {session.get_kind_display()}"]
        if session.when_display:
            facts.append(f"- When: {session.when_display}")
        if session.facilitator:
            facts.append(f"- Facilitator: {session.facilitator}")
        blocks.append("\n".join(facts))
        if session.notes.strip():
            blocks.append(quoted(session.notes))
        for title, items in (
            (
                "Decisions",
                [list_item("- ", _area_prefix(d) + d.text) for d in session.decisions.all()],
            ),
            ("Action items", [_action_item(a) for a in session.action_items.all()]),
            ("Risks", [list_item("- ", _area_prefix(r) + r.text) for r in session.risks.all()]),
        ):
            if items:
                blocks.append(f"#### {title}")
                blocks.append("\n".join(items))

    return "\n\n".join(blocks) + "\n"


def _action_item(item):
    box = "[x]" if item.done else "[ ]"
    area = f" ({item.priority_area.name})" if item.priority_area else ""
    return list_item(f"- {box} ", f"**{item.owner}**{area}: {item.text}")


def _table_cell(text):
    return one_line(text).replace("|", "\\|")


def report_filename(day):
    return f"{day.meetup.slug}-day-{day.number}.md"
