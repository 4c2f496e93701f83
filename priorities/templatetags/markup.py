from django import template
from django.utils.safestring import mark_safe

from priorities.models import Status
from priorities.rendering import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render editor Markdown as HTML that nh3 has sanitised (see priorities.rendering)."""
    return mark_safe(render_markdown(text or ""))  # noqa: S308 (nh3 sanitised it)


@register.inclusion_tag("includes/status_badge.html")
def status_badge(status):
    """A status badge with colour, symbol and label, so it reads without colour too."""
    return {"status": Status(status) if status else None}
