"""The links to the admin that reader pages show their editors."""

import functools

from django import template
from django.contrib.admin.utils import quote
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

_PK = "__pk__"


@functools.lru_cache(maxsize=64)
def _address_pattern(view, script_prefix, urlconf):
    return reverse(view, args=[_PK], urlconf=urlconf)


@register.simple_tag
def admin_url(obj, action="change"):
    """The address of the admin's ``action`` page of ``obj`` (``{% admin_url update %}``,
    ``{% admin_url session "round" %}``), as ``{% url %}`` would give it.

    A day page shows an editor a link on every card, hundreds of them: reversed once per
    view (and script prefix and URL configuration), each link is a string replacement rather
    than a ``reverse()``, which was a fifth of the page's build.
    """
    opts = obj._meta
    view = f"admin:{opts.app_label}_{opts.model_name}_{action}"
    pattern = _address_pattern(view, get_script_prefix(), get_urlconf())
    return pattern.replace(_PK, quote(str(obj.pk)))


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _address_pattern.cache_clear()
