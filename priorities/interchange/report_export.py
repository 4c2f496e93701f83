"""The Markdown day report: the one place a day becomes the text organisers send out.

``day_report(day)`` is pure (a day in, a ``str`` out, a fixed number of queries) and serves
the ``report.md`` view, the ``export_day`` command and the admin action alike;
``priorities.interchange.report_import`` reads the same format back.

Text written by editors is Markdown already and goes in as written, but inside a container
so that it can never change the report's own structure: multi-line texts (summary, update
bodies, session notes) are block quotes, outcomes are list items with every further line
indented. A ``# heading``, a ``---`` line or an unclosed code fence typed by an editor
therefore stays inside its quote or list item, and the report's headings stay the report's.

One-line fields (names, titles, headlines, owners, who reported) are plain text, not
Markdown: ``inline_text`` backslash-escapes every character that could start markup in them,
so that no CommonMark renderer makes HTML, a link, emphasis or a task item of them, and
``unescape_inline`` gives the exact value back on import.

The grammar, which the importer relies on::

    # <meetup name>: day <n>, <date>
    - Meetup: <name> (`<slug>`)          - Team / Cycle / Location / Meetup dates / Date
    - Page: <<absolute URL>>             the day page (derived, ignored on import)
    ## Summary                           block quote, or "_No summary._"
    ## Who was there                     only when attendance is recorded: a table
    | Attendee |                         of the names of those in the room that day
    ## Priority areas                    a glance table: area, status, change, headline
                                         (derived, ignored on import), then
    ### <area name>                      per area with updates, in display order
    Change: <trend>, <since>             derived from earlier days, ignored on import
    #### <session title>                 per update: Status / Headline / Reported, body quote
    ## Sessions                          "_No sessions._" or, per session in order:
    ### <session title>                  Kind / When / Facilitator, notes quote, then
    #### Decisions | Action items | Risks   list items, see ``outcome_item``
"""

import io
import zipfile

from django.conf import settings

from ..enums import Status
from ..pages import day_contents
from .markdown import inline_text, link, list_item, quoted, text_lines

NO_SUMMARY = "_No summary._"
ATTENDEES_HEADING = "## Who was there"
#: The attendees' table's head; one ``| <name> |`` row follows for each attendee.
ATTENDEES_TABLE = "| Attendee |\n| --- |"
#: The derived line under an area's heading, which the importer skips.
CHANGE_PREFIX = "Change: "
NO_UPDATES = "_No status updates._"
NO_SESSIONS = "_No sessions._"
OUTCOME_SECTIONS = ("Decisions", "Action items", "Risks")

#: The start of a list item's text that would make it a task item ("[x] ...") or hide
#: a text that starts with a backslash or with what reads as an area (``**Area:**``).
_ITEM_START_ESCAPED = ("**", "\\", "[ ]", "[x]", "[X]")


def outcome_item(outcome, kind):
    """One decision, action item or risk as a list item.

    Decisions and risks: ``- **<area>:** <text>``, or ``- <text>`` without an area (a
    backslash goes before a text that would otherwise read as an area or a task item, or that
    starts with a backslash). Action items: ``- [ ] **<owner>** [<area>]: <text>``, the area
    part only when there is one. Area names and owners never contain ``*``, ``[`` or ``]``
    (their validators say so), and are escaped like every one-line field.
    """
    area = inline_text(outcome.priority_area.name) if outcome.priority_area else None
    if kind == "Action items":
        box = "[x]" if outcome.done else "[ ]"
        tag = f" [{area}]" if area else ""
        return list_item(f"- {box} ", f"**{inline_text(outcome.owner)}**{tag}: {outcome.text}")
    if area:
        return list_item("- ", f"**{area}:** {outcome.text}")
    text = outcome.text
    if text.lstrip().startswith(_ITEM_START_ESCAPED):
        text = "\\" + text
    return list_item("- ", text)


def _update_block(update):
    reporter = f" by {inline_text(update.reported_by)}" if update.reported_by else ""
    lines = [
        f"#### {inline_text(update.session.title)}",
        "",
        f"- Status: {Status(update.status).label}",
        f"- Headline: {inline_text(update.headline)}",
        f"- Reported: {update.get_delivery_display().lower()}{reporter}",
    ]
    if text_lines(update.body):
        lines += ["", quoted(update.body)]
    return "\n".join(lines)


def _change_text(change):
    """How the area moved since it was last reported: "improved, was ... on day 1"."""
    return f"{change.trend.label.lower()}, {inline_text(change.since_text)}"


def _session_block(session):
    lines = [f"### {inline_text(session.title)}", "", f"- Kind: {session.get_kind_display()}"]
    if session.when_display:
        lines.append(f"- When: {session.when_display}")
    if session.facilitator:
        lines.append(f"- Facilitator: {inline_text(session.facilitator)}")
    if text_lines(session.notes):
        lines += ["", quoted(session.notes)]
    outcomes = dict(
        zip(
            OUTCOME_SECTIONS,
            (session.decisions.all(), session.action_items.all(), session.risks.all()),
            strict=True,
        )
    )
    for kind, items in outcomes.items():
        if items:
            lines += ["", f"#### {kind}", ""]
            lines += [outcome_item(item, kind) for item in items]
    return "\n".join(lines)


def day_report(day):
    """The report of ``day`` as CommonMark (GFM tables and task lists), ending with a newline."""
    meetup = day.meetup
    contents = day_contents(day)
    area_reports = [report for report in contents.area_reports if report.updates]
    sessions = contents.sessions

    facts = [f"- Meetup: {inline_text(meetup.name)} (`{meetup.slug}`)"]
    facts.append(f"- Team: {inline_text(meetup.team.name)} (`{meetup.team.slug}`)")
    facts.append(f"- Cycle: {inline_text(meetup.cycle.name)} (`{meetup.cycle.slug}`)")
    if meetup.location:
        facts.append(f"- Location: {inline_text(meetup.location)}")
    facts.append(
        f"- Meetup dates: {meetup.start_date.isoformat()} to {meetup.end_date.isoformat()}"
    )
    facts.append(f"- Date: {day.date.isoformat()} (day {day.number})")
    facts.append(f"- Page: {link(settings.SITE_URL + day.get_absolute_url())}")

    blocks = [
        f"# {inline_text(meetup.name)}: day {day.number}, {day.date.isoformat()}",
        "\n".join(facts),
        "## Summary",
        quoted(day.summary) if text_lines(day.summary) else NO_SUMMARY,
    ]
    if contents.attendees:
        rows = [f"| {inline_text(name)} |" for name in contents.attendees]
        blocks += [ATTENDEES_HEADING, "\n".join([ATTENDEES_TABLE, *rows])]
    blocks.append("## Priority areas")
    if area_reports:
        rows = [
            "| Priority area | Status | Change | Headline |",
            "| --- | --- | --- | --- |",
        ]
        rows += [
            f"| {inline_text(report.area.name)} | {report.latest.get_status_display()} "
            f"| {_change_text(report.change)} | {inline_text(report.latest.headline)} |"
            for report in area_reports
        ]
        blocks.append("\n".join(rows))
    else:
        blocks.append(NO_UPDATES)
    for report in area_reports:
        blocks.append(f"### {inline_text(report.area.name)}")
        blocks.append(f"{CHANGE_PREFIX}{_change_text(report.change)}")
        blocks += [_update_block(update) for update in report.updates]

    blocks.append("## Sessions")
    blocks += [_session_block(session) for session in sessions] or [NO_SESSIONS]
    return "\n\n".join(blocks) + "\n"


def report_filename(day):
    return f"{day.meetup.slug}-day-{day.number}.md"


def reports_zip(days):
    """Several days' reports in one zip archive, one ``.md`` file each."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for day in days:
            archive.writestr(report_filename(day), day_report(day).encode())
    return buffer.getvalue()
