"""A day as a mail to the team's list: a plain-text body that reads well, and an HTML twin.

``day_mail(day, site_url=...)`` is pure (a day in, a ``DayMail`` out, the queries of
``day_contents`` and nothing written); ``mail_message`` wraps it in an
``EmailMultiAlternatives`` with its own ``Message-ID`` and ``Date``. Sending it, and recording
that it was sent, is ``priorities.interchange.report_sending``'s.

Both bodies come from one ``day_contents(day)`` (what the day page shows, with the page's own
rules for what changed and whose leads were absent). The text follows the conventions of
``plain_text``: wrapped at 72 columns (a long URL gets a line of its own), no line starting
with ``>`` or ``From ``, links as numbered footnotes listed at the end. It opens with what a
reader of the list wants first: the link to the day page, who was there, the summary, each
area's status with its change, and the action items by owner; the areas' updates and the
sessions follow in full.
"""

import hashlib
from dataclasses import dataclass
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from ..pages import day_contents
from .plain_text import Footnotes, markdown_to_text, wrap

INDENT = "  "
#: How the title, the sections and an area's or a session's heading are underlined.
TITLE, HEADING, SUBHEADING = "=", "-", "~"


@dataclass(frozen=True)
class DayMail:
    """What a day's mail says, before it is addressed: its subject and its two bodies."""

    subject: str
    text: str
    html: str
    day_url: str

    @property
    def digest(self):
        """SHA-256 of the text: two sendings with the same digest said the same thing."""
        return hashlib.sha256(self.text.encode()).hexdigest()


def mail_subject(day):
    meetup = day.meetup
    return f"[{meetup.team.name}] {meetup.name}: day {day.number}, {day.date.isoformat()}"


def _heading(text, underline=HEADING):
    """``text`` wrapped (and space-stuffed) like any line, underlined as long as it is."""
    lines = wrap(text)
    width = max(len(line) for line in lines.split("\n"))
    return f"{lines}\n{underline * width}"


def _status_line(report):
    """ "Cells v2: Good progress (improved, was Slow progress on day 1)" and its headline."""
    change = report.change
    line = f"{report.area.name}: {change.status.label} ({change.trend.label.lower()}, "
    line += f"{change.since_text})"
    if report.leads_absent:
        line += ", no lead present"
    lines = [wrap(line, first_indent="- ", indent=INDENT)]
    if report.latest.headline:
        lines.append(wrap(report.latest.headline, indent=INDENT))
    return "\n".join(lines)


def _update_text(update, footnotes):
    reporter = f" by {update.reported_by}" if update.reported_by else ""
    lines = [
        wrap(
            f"{update.session.title}: {update.get_status_display()}. {update.headline}",
            first_indent="- ",
            indent=INDENT,
        ),
        wrap(f"Reported {update.get_delivery_display().lower()}{reporter}.", indent=INDENT),
    ]
    if body := markdown_to_text(update.body, footnotes=footnotes, indent=INDENT):
        lines += ["", body]
    return "\n".join(lines)


def _outcome_text(item, footnotes):
    """One decision, risk or action item: its text under a ``- `` (``- [x] `` when done)."""
    marker = "- "
    if hasattr(item, "done"):
        marker = "- [x] " if item.done else "- [ ] "
    hanging = " " * len(marker)
    text = markdown_to_text(item.text, footnotes=footnotes, indent=hanging)
    if item.priority_area:
        text += "\n" + wrap(f"({item.priority_area.name})", indent=hanging)
    return marker + text[len(hanging) :]


def _session_text(session, footnotes):
    facts = [session.get_kind_display()]
    if session.when_display:
        facts.append(session.when_display)
    if session.facilitator:
        facts.append(f"facilitated by {session.facilitator}")
    blocks = [_heading(session.title, SUBHEADING), wrap(", ".join(facts) + ".")]
    if notes := markdown_to_text(session.notes, footnotes=footnotes):
        blocks.append(notes)
    for heading, items in (
        ("Decisions", session.decisions.all()),
        ("Risks", session.risks.all()),
    ):
        if items:
            blocks.append(f"{heading}:\n" + "\n".join(_outcome_text(i, footnotes) for i in items))
    return "\n\n".join(blocks)


def _text(day, contents, day_url):
    meetup = day.meetup
    footnotes = Footnotes()
    reported = [report for report in contents.area_reports if report.updates]
    title = f"{meetup.name}: day {day.number}, {day.date:%A} {day.date.day} {day.date:%B %Y}"
    facts = f"{meetup.team.name}, {meetup.cycle.name} cycle."
    if meetup.location:
        facts += f" {meetup.location}."
    blocks = [_heading(title, TITLE), wrap(facts) + "\n" + wrap(f"The day's page: {day_url}")]
    if contents.attendees:
        blocks.append(_heading("Who was there") + "\n\n" + wrap(", ".join(contents.attendees)))
    summary = markdown_to_text(day.summary, footnotes=footnotes) or "No summary."
    blocks += [_heading("Summary"), summary, _heading("Status of the priority areas")]
    blocks.append("\n".join(map(_status_line, reported)) or "No status updates this day.")
    unreported = [report.area.name for report in contents.area_reports if not report.updates]
    if unreported:
        blocks.append(wrap("Not reported this day: " + ", ".join(unreported) + "."))
    if by_owner := contents.action_items_by_owner:
        blocks.append(_heading("Action items"))
        blocks += [
            wrap(owner) + "\n" + "\n".join(_outcome_text(item, footnotes) for item in items)
            for owner, items in by_owner
        ]
    if reported:
        blocks.append(_heading("Updates by priority area"))
    for report in reported:
        blocks.append(_heading(report.area.name, SUBHEADING))
        blocks += [_update_text(update, footnotes) for update in report.updates]
    if contents.sessions:
        blocks.append(_heading("Sessions"))
    blocks += [_session_text(session, footnotes) for session in contents.sessions]
    if footnotes.numbers:
        blocks += [_heading("Links"), footnotes.as_text()]
    return "\n\n".join(blocks) + "\n"


def day_mail(day, *, site_url):
    """The mail of ``day`` (loaded ``with_meetup``), its links to the site at ``site_url``."""
    contents = day_contents(day)
    day_url = f"{site_url}{day.get_absolute_url()}"
    context = {
        "day": day,
        "meetup": day.meetup,
        "contents": contents,
        "reported": [report for report in contents.area_reports if report.updates],
        "site_url": site_url,
        "day_url": day_url,
        "subject": mail_subject(day),
    }
    return DayMail(
        subject=context["subject"],
        text=_text(day, contents, day_url),
        html=render_to_string("priorities/mail/day_report.html", context),
        day_url=day_url,
    )


def mail_message(mail, *, to, from_email, site_url, connection=None):
    """``mail`` addressed to ``to``: a text/plain body with a text/html alternative, a
    ``Message-ID`` of the site's domain and the ``Date`` it was made."""
    domain = urlsplit(site_url).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        from_email=from_email,
        to=list(to),
        headers={
            "Message-ID": make_msgid(domain=domain),
            "Date": formatdate(usegmt=True),
        },
        connection=connection,
    )
    message.attach_alternative(mail.html, "text/html")
    return message
