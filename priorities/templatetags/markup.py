import functools

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from priorities.rendering import render_markdown

from ..enums import Status

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render editor Markdown as HTML that nh3 has sanitised (see priorities.rendering)."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 (nh3 sanitised it)


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
