"""How a query finds its hits, one matcher per strength of database: ``ContainsMatcher``, the
fallback of every word or "quoted phrase", and ``PostgresMatcher``, full-text search.

A matcher filters a source's queryset (``match``), ranks it (``rank``), annotates the page's
objects with what highlighting needs (``headlines``) and gives a hit's highlighted ``title``
and ``snippet``; ``SearchResults`` asks no more of it than that.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import FloatField, Q, Value

from ..interchange.plain_text import plain_words
from .results import START_MARK, STOP_MARK, highlight, marks_to_html
from .sources import SEARCH_CONFIG, markdown_stripped

#: The fallback ignores words beyond this many (each costs a LIKE per field).
MAX_FALLBACK_TERMS = 10

_FALLBACK_TERM = re.compile(r'"([^"]+)"|([^\s"]+)')


class ContainsMatcher:
    """The fallback: every word or "quoted phrase" appears in one of the fields."""

    def __init__(self, text):
        terms = [phrase or word for phrase, word in _FALLBACK_TERM.findall(text)]
        self.terms = [term for term in (t.strip() for t in terms) if term][:MAX_FALLBACK_TERMS]
        self.matches_nothing = bool(text.strip()) and not self.terms
        alternatives = sorted(self.terms, key=len, reverse=True)
        self.pattern = (
            re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)
            if alternatives
            else None
        )

    def match(self, source, queryset):
        if self.matches_nothing:
            return queryset.none()
        for term in self.terms:
            condition = Q()
            for name, _weight in source.fields:
                condition |= Q(**{f"{name}__icontains": term})
            queryset = queryset.filter(condition)
        return queryset

    def rank(self, source):
        return Value(0.0, output_field=FloatField())

    def headlines(self, source):
        return {}

    def title(self, source, obj):
        return highlight(getattr(obj, source.title_field), self.pattern)

    def snippet(self, source, obj):
        text = plain_words(getattr(obj, source.snippet_field))
        return highlight(text, self.pattern, snippet=True)


class PostgresMatcher:
    """PostgreSQL full-text search: websearch syntax, stemming, ranking, ts_headline."""

    def __init__(self, text):
        self.query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)

    def match(self, source, queryset):
        return queryset.alias(document=source.stored_vector()).filter(document=self.query)

    def rank(self, source):
        return SearchRank(source.stored_vector(), self.query)

    def headlines(self, source):
        options = {"config": SEARCH_CONFIG, "start_sel": START_MARK, "stop_sel": STOP_MARK}
        headlines = {
            "search_snippet": SearchHeadline(
                markdown_stripped(source.snippet_field),
                self.query,
                max_words=35,
                min_words=15,
                max_fragments=2,
                **options,
            )
        }
        if source.title_field:
            headlines["search_title"] = SearchHeadline(
                source.title_field, self.query, highlight_all=True, **options
            )
        return headlines

    def title(self, source, obj):
        return marks_to_html(obj.search_title)

    def snippet(self, source, obj):
        return marks_to_html(obj.search_snippet)
