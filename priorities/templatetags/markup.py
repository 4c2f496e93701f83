import functools

from django import template
from django.utils.dateformat import format as format_date
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..enums import LineKind, Status, Trend

register = template.Library()


@functools.cache
def _badge(status):
    if not status:
        return mark_safe('<span class="badge status-badge status-none">No update</span>')
    status = Status(status)
    return format_html(
        '<span class="badge status-badge {}"><span class="status-symbol" aria-hidden="true">'
        "{}</span> {}</span>",
        status.badge_class,
        status.symbol,
        status.label,
    )


@register.simple_tag
def status_badge(status):
    """A status badge with colour, symbol and label, so it reads without colour too.

    Built once per status in Python rather than with an inclusion template: a day page shows
    hundreds of badges, and an inclusion tag renders a whole template for each (a quarter of
    the page's rendering time on a 200-update day).
    """
    return _badge(status or "")


@register.simple_tag
def time_element(date, display_format="Y-m-d", text=None):
    """``<time datetime="2015-01-26">...</time>``: a date machines and readers both read;
    ``text`` (say "2015-01-26 to 2015-01-28") or the date in ``display_format`` shows."""
    return format_html(
        '<time datetime="{}">{}</time>', date.isoformat(), text or format_date(date, display_format)
    )


@register.simple_tag
def trend_legend():
    """What each change marker means: "↑ improved · ↓ slipped · = unchanged · + first report",
    then the rule that tells them apart (``enums.trend_between``)."""
    markers = format_html_join(
        " · ",
        '<span class="status-change trend-{}">{}</span> {}',
        ((trend.value, trend.symbol, trend.legend) for trend in Trend),
    )
    return format_html("{}{}", markers, TREND_RULE)


TREND_RULE = (
    ". A move into slow progress, blocked or deferred is never an improvement: into them is a "
    "slip, and from one to a milder one is unchanged, still at risk"
)


@register.simple_tag
def transcript_lines(lines):
    """A session's transcript lines as ``<li>`` items, each escaped (what people typed in a
    channel is text, not Markdown) and with its anchor. Built here rather than by a template
    loop: a long meeting has thousands of lines, and a loop's lookups cost ten times more."""
    return format_html_join(
        "\n",
        '<li id="{0}"><a class="transcript-time" href="#{0}"><time>{1}</time></a> '
        '<span class="transcript-nick">{2}<bdi>{3}</bdi>{4}</span> '
        '<span class="transcript-text">{5}</span></li>',
        (
            (
                line.anchor,
                f"{line.time:%H:%M:%S}",
                *(("* ", line.nick, "") if line.kind == LineKind.ACTION else ("<", line.nick, ">")),
                line.text,
            )
            for line in lines
        ),
    )
