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
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.db import connection, models
from django.db.models import F, FloatField, IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .enums import Status
from .interchange.plain_text import plain_words
from .models import ActionItem, Day, Decision, Risk, Session, StatusUpdate
from .models.teams import team_object_q

#: The text search configuration of the vectors, the queries and the GIN indexes.
SEARCH_CONFIG = "english"

#: The generated tsvector column of each searched table, on PostgreSQL (migration 0018).
VECTOR_COLUMN = "search_vector"

#: The fallback ignores words beyond this many (each costs a LIKE per field).
MAX_FALLBACK_TERMS = 10

#: Characters of context kept around the first match in a fallback snippet.
SNIPPET_CHARS = 240

# ts_headline marks matches with these private-use characters rather than HTML, so that the
# text around them can be escaped before the marks become <mark> elements.
_START, _STOP = "\ue000", "\ue001"
_MARKS = re.compile(f"([{_START}{_STOP}])")
_FALLBACK_TERM = re.compile(r'"([^"]+)"|([^\s"]+)')


@dataclass(frozen=True)
class Source:
    """One kind of searchable text: which model, which fields, and where it was said."""

    kind: str
    label: str
    model: type[models.Model]
    #: (field, weight) pairs; weight A counts more than B when ranking.
    fields: tuple[tuple[str, str], ...]
    #: The field a highlighted snippet is taken from.
    snippet_field: str
    #: The field shown (highlighted, in full) as the hit's title, if any.
    title_field: str | None = None
    #: The path from the model to its day ("" for a day itself).
    day_path: str = "session__day"
    #: The model's own copies of its day's date and its session's position, if it keeps them
    #: (a status update does): ordering and filtering thousands of hits by them needs no join.
    day_copies: tuple[str, str] | None = None

    def _has_field(self, name):
        return any(field.name == name for field in self.model._meta.fields)

    @property
    def has_area(self):
        """Whether the text can be tied to a priority area."""
        return self._has_field("priority_area")

    @property
    def has_status(self):
        return self._has_field("status")

    @property
    def related(self):
        """What a hit shows besides its text: its meetup (and priority area)."""
        meetup = self.lookup("meetup__team")
        return (meetup, "priority_area__team") if self.has_area else (meetup,)

    def lookup(self, name):
        """A lookup on the day (``date``, ``meetup__slug``) from this model."""
        return f"{self.day_path}__{name}" if self.day_path else name

    def vector(self):
        """The weighted tsvector of the fields: what the stored column holds (migration 0018
        computes it in SQL; a test checks that the two agree)."""
        vectors = [
            SearchVector(name, config=SEARCH_CONFIG, weight=weight) for name, weight in self.fields
        ]
        combined = vectors[0]
        for vector in vectors[1:]:
            combined = combined + vector
        return combined

    def stored_vector(self):
        """The table's stored vector column (PostgreSQL only), as an expression.

        The column is not a model field (see migration 0018 for why), so it is named in SQL,
        qualified by the table: in every query search builds, the searched model is the base
        table, which Django aliases by its own name.
        """
        quote = connection.ops.quote_name
        return RawSQL(  # noqa: S611 (two quoted names of ours, no input)
            f"{quote(self.model._meta.db_table)}.{quote(VECTOR_COLUMN)}",
            [],
            output_field=SearchVectorField(),
        )

    @property
    def date_lookup(self):
        """The date of the day the text was said on."""
        return self.day_copies[0] if self.day_copies else self.lookup("date")

    @property
    def session_order_lookup(self):
        """The session's position within its day, for ordering (None for a day summary)."""
        if self.day_copies:
            return self.day_copies[1]
        if self.model is Session:
            return "order"
        return "session__order" if self.day_path == "session__day" else None

    def day_of(self, obj):
        for name in filter(None, self.day_path.split("__")):
            obj = getattr(obj, name)
        return obj

    def url_of(self, obj):
        return obj.get_summary_url() if isinstance(obj, Day) else obj.get_absolute_url()


SOURCES = (
    Source("update", "Status update", StatusUpdate, (("headline", "A"), ("body", "B")), "body",
           title_field="headline", day_copies=("day_date", "session_order")),
    Source("decision", "Decision", Decision, (("text", "A"),), "text"),
    Source("action", "Action item", ActionItem, (("text", "A"), ("owner", "B")), "text",
           title_field="owner"),
    Source("risk", "Risk", Risk, (("text", "A"),), "text"),
    Source("session", "Session notes", Session, (("title", "A"), ("notes", "B")), "notes",
           title_field="title", day_path="day"),
    Source("day", "Day summary", Day, (("summary", "A"),), "summary", day_path=""),
)  # fmt: skip
SOURCES_BY_KIND = {source.kind: source for source in SOURCES}


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
        if piece == _START:
            parts.append("" if open_mark else "<mark>")
            open_mark = True
        elif piece == _STOP:
            parts.append("</mark>" if open_mark else "")
            open_mark = False
        else:
            parts.append(escape(piece))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 (every piece of text was escaped)


class _ContainsMatcher:
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


#: What ``markdown_stripped`` removes, in order: (pattern, replacement) for regexp_replace.
_MARKDOWN_SYNTAX = (
    (r"!?\[([^]]*)\]\([^)]*\)", r"\1"),  # a link or image: its text
    (r"(^|\n)[ \t]*(#{1,6}[ \t]+|>[ \t]?|[-+*][ \t]+(\[[ xX]\][ \t]+)?|\d+[.)][ \t]+)", r"\1"),
    (r"[*`~]+|(^|\s)_+|_+(\s|$)", r"\1\2"),  # emphasis, code, strikethrough marks
)


def markdown_stripped(field):
    """``field``'s Markdown with its syntax taken out, in SQL, for ``ts_headline`` to cut a
    snippet from: the words a reader reads, as ``plain_words`` gives them in Python."""
    expression = F(field)
    for pattern, replacement in _MARKDOWN_SYNTAX:
        expression = models.Func(
            expression,
            Value(pattern),
            Value(replacement),
            Value("g"),
            function="regexp_replace",
            output_field=models.TextField(),
        )
    return expression


class _PostgresMatcher:
    """PostgreSQL full-text search: websearch syntax, stemming, ranking, ts_headline."""

    def __init__(self, text):
        self.query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)

    def match(self, source, queryset):
        return queryset.alias(document=source.stored_vector()).filter(document=self.query)

    def rank(self, source):
        return SearchRank(source.stored_vector(), self.query)

    def headlines(self, source):
        options = {"config": SEARCH_CONFIG, "start_sel": _START, "stop_sel": _STOP}
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
        matcher = _PostgresMatcher(text)
    else:
        matcher = _ContainsMatcher(text)
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
