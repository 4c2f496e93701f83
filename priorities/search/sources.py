"""What is searched: each kind of text (``Source``, ``SOURCES``), and how PostgreSQL's full-text
search reads it (the weighted vector stored in ``VECTOR_COLUMN``, the Markdown taken out of a
field before ``ts_headline`` cuts a snippet from it)."""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import F, Value
from django.db.models.expressions import RawSQL

from ..models import ActionItem, Day, Decision, Risk, Session, StatusUpdate

#: The text search configuration of the vectors, the queries and the GIN indexes.
SEARCH_CONFIG = "english"

#: The generated tsvector column of each searched table, on PostgreSQL (migration 0018).
VECTOR_COLUMN = "search_vector"


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
