"""What a search returns: ``SearchResults``, the lazy sequence of hits the view paginates, each
a ``SearchHit``; and the matches highlighted as safe HTML, in Python by ``highlight`` (the
fallback), or by ``ts_headline`` with marks that ``marks_to_html`` turns into HTML (PostgreSQL).

``SearchResults`` builds the union of the sources' queries and loads a page's objects; what
matches and how it ranks it leaves to the matcher it is given (``priorities.search.matching``).
"""

import re
from dataclasses import dataclass

from django.db import models
from django.db.models import F, IntegerField, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..enums import Status
from ..models import Session
from ..models.teams import team_object_q
from .sources import SOURCES_BY_KIND, Source

#: Characters of context kept around the first match in a fallback snippet.
SNIPPET_CHARS = 240

# ts_headline marks matches with these private-use characters rather than HTML, so that the
# text around them can be escaped before the marks become <mark> elements.
START_MARK, STOP_MARK = "\ue000", "\ue001"
_MARKS = re.compile(f"([{START_MARK}{STOP_MARK}])")


@dataclass
class SearchHit:
    """One result: the object that matched, where it was said, and the match highlighted."""

    source: Source
    obj: models.Model
    title: str
    snippet: str
    rank: float

    @property
    def kind(self):
        return self.source.kind

    @property
    def label(self):
        return self.source.label

    @property
    def url(self):
        return self.source.url_of(self.obj)

    @property
    def day(self):
        return self.source.day_of(self.obj)

    @property
    def meetup(self):
        return self.day.meetup

    @property
    def session(self):
        if isinstance(self.obj, Session):
            return self.obj
        return getattr(self.obj, "session", None)

    @property
    def priority_area(self):
        return getattr(self.obj, "priority_area", None) if self.source.has_area else None

    @property
    def status(self):
        return Status(self.obj.status) if self.source.has_status else None


def highlight(text, pattern=None, *, snippet=False):
    """Escape ``text`` and wrap what ``pattern`` matches in ``<mark>``.

    With ``snippet``, keep about ``SNIPPET_CHARS`` characters around the first match (or the
    start of the text), cut at spaces and marked with ellipses.
    """
    text = text or ""
    if snippet and len(text) > SNIPPET_CHARS:
        first = pattern.search(text) if pattern else None
        start = max(0, first.start() - SNIPPET_CHARS // 3) if first else 0
        if start:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first.start() else start
        end = start + SNIPPET_CHARS
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    if not pattern:
        return escape(text)
    parts, position = [], 0
    for match in pattern.finditer(text):
        parts += [escape(text[position : match.start()]), f"<mark>{escape(match.group())}</mark>"]
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text was escaped)


def marks_to_html(headline):
    """``ts_headline`` output (matches between the private-use marks) as safe HTML."""
    parts, open_mark = [], False
    for piece in _MARKS.split(headline or ""):
        if piece == START_MARK:
            parts.append("" if open_mark else "<mark>")
            open_mark = True
        elif piece == STOP_MARK:
            parts.append("</mark>" if open_mark else "")
            open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text was escaped)


class SearchResults:
    """The hits of one search as a lazy sequence: ``count()`` and slicing, as Paginator wants."""

    #: Best first; then newest day, latest session, and a stable order.
    ordering = ("-rank", "-hit_date", "-hit_session_order", "hit_kind", "-obj_id")

    def __init__(self, matcher, sources, filters):
        self.matcher = matcher
        self.sources = sources
        self.filters = filters

    def _branch(self, source, *, ranked):
        queryset = source.model.objects.order_by()
        if self.filters["team"]:
            queryset = queryset.filter(
                **{source.lookup("meetup__team__slug"): self.filters["team"]}
            )
        if self.filters["cycle"]:
            queryset = queryset.filter(
                team_object_q(source.lookup("meetup__cycle"), self.filters["cycle"])
            )
        if self.filters["meetup"]:
            queryset = queryset.filter(**{source.lookup("meetup__slug"): self.filters["meetup"]})
        if self.filters["area"]:
            queryset = queryset.filter(team_object_q("priority_area", self.filters["area"]))
        if self.filters["status"]:
            queryset = queryset.filter(status=self.filters["status"])
        if self.filters["since"]:
            queryset = queryset.filter(**{f"{source.date_lookup}__gte": self.filters["since"]})
        if self.filters["until"]:
            queryset = queryset.filter(**{f"{source.date_lookup}__lte": self.filters["until"]})
        queryset = self.matcher.match(source, queryset)
        # The same columns, in the same order, in every branch of the union.
        columns = {
            "hit_kind": Value(source.kind, output_field=models.CharField()),
            "obj_id": F("pk"),
        }
        if ranked:
            order = source.session_order_lookup
            columns |= {
                "rank": self.matcher.rank(source),
                "hit_date": F(source.date_lookup),
                "hit_session_order": F(order) if order else Value(0, output_field=IntegerField()),
            }
        return queryset.annotate(**columns).values(*columns)

    def _rows(self, *, ranked):
        branches = [self._branch(source, ranked=ranked) for source in self.sources]
        rows = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
        return rows.order_by(*self.ordering) if ranked else rows

    def count(self):
        return self._rows(ranked=False).count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._hits(list(self._rows(ranked=True)[index]))
        return self._hits([self._rows(ranked=True)[index]])[0]

    def _hits(self, rows):
        """Load the rows' objects, one query per kind on the page, and highlight the matches."""
        wanted = {}
        for row in rows:
            wanted.setdefault(row["hit_kind"], []).append(row["obj_id"])
        objects = {}
        for kind, ids in wanted.items():
            source = SOURCES_BY_KIND[kind]
            queryset = source.model.objects.select_related(*source.related)
            queryset = queryset.annotate(**self.matcher.headlines(source))
            objects[kind] = queryset.in_bulk(ids)
        hits = []
        for row in rows:
            source = SOURCES_BY_KIND[row["hit_kind"]]
            obj = objects[row["hit_kind"]].get(row["obj_id"])
            if obj is None:  # deleted between the two queries
                continue
            hits.append(
                SearchHit(
                    source=source,
                    obj=obj,
                    title=self.matcher.title(source, obj) if source.title_field else "",
                    snippet=self.matcher.snippet(source, obj),
                    rank=row["rank"],
                )
            )
        return hits
