"""The mail settings, from one ``EMAIL_URL``: read by ``dj-email-url``, with two corrections.

``dj-email-url`` (the ``DATABASE_URL`` of mail, small and dependency-free) turns
``smtp://user:password@host:587?tls=1`` into Django's ``EMAIL_*`` settings. Two of its readings
would surprise an operator, so they are settled here before it parses:

- ``smtps://`` means SMTP over TLS from the first byte (port 465, RFC 8314) everywhere else;
  ``dj-email-url`` reads it as STARTTLS, and warns that it will drop it. Here it is implicit
  TLS, port 465 unless given.
- A scheme it does not know gives no backend at all, and Django would then quietly use its
  default; here it is an error at start-up, naming the schemes that work.

A mail server that never answers would hold an organiser's request (or the command) forever:
unless the URL says ``?timeout=``, a connection gives up after ``DEFAULT_TIMEOUT`` seconds.
"""

from email.utils import getaddresses
from urllib.parse import urlsplit, urlunsplit

import dj_email_url
from django.core.exceptions import ImproperlyConfigured

#: What an unset ``EMAIL_URL`` means: mail printed on the console while developing, the
#: machine's own mail server (Django's default) in production.
DEVELOPMENT_EMAIL_URL = "console:"
PRODUCTION_EMAIL_URL = "smtp://localhost:25"
DEFAULT_TIMEOUT = 10
IMPLICIT_TLS_PORT = 465


def _smtps_as_implicit_tls(url):
    parts = urlsplit(url)
    netloc = parts.netloc if parts.port else f"{parts.netloc}:{IMPLICIT_TLS_PORT}"
    query = "&".join(filter(None, [parts.query, "ssl=1"]))
    return urlunsplit(("smtp", netloc, parts.path, query, parts.fragment))


def email_settings(url, *, debug):
    """Django's ``EMAIL_*`` settings for ``url`` (empty or None: the default for ``debug``)."""
    url = (url or "").strip() or (DEVELOPMENT_EMAIL_URL if debug else PRODUCTION_EMAIL_URL)
    if url.lower().startswith("smtps:"):
        url = _smtps_as_implicit_tls(url)
    parsed = dj_email_url.parse(url)
    if "EMAIL_BACKEND" not in parsed:
        known = ", ".join(f"{scheme}:" for scheme in sorted(dj_email_url.SCHEMES))
        raise ImproperlyConfigured(
            f"EMAIL_URL: unknown scheme {urlsplit(url).scheme!r}; use one of {known}"
        )
    if parsed["EMAIL_TIMEOUT"] is None:
        parsed["EMAIL_TIMEOUT"] = DEFAULT_TIMEOUT
    # Django's own defaults, not None, where the URL gives nothing (console:, file:).
    parsed["EMAIL_HOST"] = parsed["EMAIL_HOST"] or "localhost"
    parsed["EMAIL_PORT"] = parsed["EMAIL_PORT"] or 25
    parsed["EMAIL_HOST_USER"] = parsed["EMAIL_HOST_USER"] or ""
    parsed["EMAIL_HOST_PASSWORD"] = parsed["EMAIL_HOST_PASSWORD"] or ""
    # The sender is DEFAULT_FROM_EMAIL's alone, not also a query parameter of the URL.
    parsed.pop("DEFAULT_FROM_EMAIL", None)
    parsed.pop("SERVER_EMAIL", None)
    if not parsed["EMAIL_FILE_PATH"]:
        del parsed["EMAIL_FILE_PATH"]
    return parsed


def admins(value):
    """``ADMINS`` from ``DJANGO_ADMINS``: addresses separated by commas, each with or without
    a name (``Ops <ops@example.org>, dev@example.org``). Server errors are mailed to them when
    DEBUG is off (Django's ``AdminEmailHandler``, configured in the settings' ``LOGGING``).

    (name, address) pairs, as Django 5.2 reads ``ADMINS``; Django 6 still reads them.
    """
    pairs = getaddresses([value or ""])
    wrong = [address for _name, address in pairs if "@" not in address]
    if wrong:
        raise ImproperlyConfigured(f"DJANGO_ADMINS: {wrong[0]!r} is not an email address")
    return [(name or address, address) for name, address in pairs]
