"""Search over everything said at the meetups, with the strength of the database at hand.

``search()`` is the one entry point; it chooses by ``connection.vendor`` and the view does not
care which it got:

- On PostgreSQL, full-text search: the query is read with ``websearch_to_tsquery`` (quotes for
  phrases, ``or``, ``-word``; it never raises on odd input), words are stemmed with the
  ``english`` configuration ("scheduling" finds "scheduler"), hits are ranked with ``ts_rank``
  and highlighted with ``ts_headline``. Each searched table has a stored, generated
  ``search_vector`` column holding the vector ``Source.vector()`` describes, with a GIN index
  on it (migration 0018, PostgreSQL only): matching, phrase rechecks and ranking all read the
  stored column, so no hit's text is parsed again (only the page's snippets are).
- Elsewhere (SQLite, the embedded default), a simpler fallback: every word or "quoted phrase"
  must appear, case-insensitively, in one of the same fields; newest first.

Hits from the six kinds of text are merged in the database with one ``UNION ALL`` so that
counting and paginating cost one query each, whatever the number of hits; the page's objects
are then loaded with one query per kind present on the page.

The parts, a module each (every public name is importable from here):

- ``sources``: what is searched, ``Source`` and ``SOURCES`` (models, fields and weights, the
  path to the day), the vector and its stored column, the Markdown taken out for snippets;
- ``results``: ``SearchResults``, the hits as a lazy sequence to paginate, each a
  ``SearchHit``, and the highlighting of matches as safe HTML;
- ``matching``: the two matchers, ``ContainsMatcher`` (the fallback) and ``PostgresMatcher``
  (full-text search), which filter, rank and highlight for ``SearchResults``.

Each imports only the ones before it; ``search()``, here, picks the matcher and the sources.
"""

from django.db import connection

from .matching import MAX_FALLBACK_TERMS, ContainsMatcher, PostgresMatcher
from .results import SNIPPET_CHARS, SearchHit, SearchResults, highlight, marks_to_html
from .sources import (
    SEARCH_CONFIG,
    SOURCES,
    SOURCES_BY_KIND,
    VECTOR_COLUMN,
    Source,
    markdown_stripped,
)

__all__ = [
    "MAX_FALLBACK_TERMS",
    "SEARCH_CONFIG",
    "SNIPPET_CHARS",
    "SOURCES",
    "SOURCES_BY_KIND",
    "VECTOR_COLUMN",
    "SearchHit",
    "SearchResults",
    "Source",
    "highlight",
    "markdown_stripped",
    "marks_to_html",
    "search",
]


def search(
    text="", *, team=None, cycle=None, meetup=None, area=None, status=None, since=None, until=None
):
    """Everything said that matches ``text`` and the filters, best (or newest) first.

    ``team`` and ``meetup`` are slugs, ``cycle`` and ``area`` "team/slug" (or a bare slug: any
    team's), ``status`` a ``Status`` value, ``since`` and ``until``
    dates of meetup days (inclusive). Text tied to no priority area (session notes, day
    summaries) is left out when filtering by area, and everything but status updates when
    filtering by status. Empty ``text`` lists everything the filters keep, newest first.
    Returns a lazy ``SearchResults`` to paginate.
    """
    text = (text or "").replace("\x00", "")
    if text.strip() and connection.vendor == "postgresql":
        matcher = PostgresMatcher(text)
    else:
        matcher = ContainsMatcher(text)
    sources = [
        source
        for source in SOURCES
        if (source.has_area or not area) and (source.has_status or not status)
    ]
    filters = {
        "team": team,
        "cycle": cycle,
        "meetup": meetup,
        "area": area,
        "status": status,
        "since": since,
        "until": until,
    }
    return SearchResults(matcher, sources, filters)
