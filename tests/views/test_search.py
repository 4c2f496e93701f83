import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from priorities.enums import Status
from priorities.search import SOURCES, VECTOR_COLUMN, search
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    MeetupFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
)

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"
postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="full-text search (stemming, ranking, GIN indexes) exists only on PostgreSQL; "
    "other databases use the contains fallback",
)
fallback_only = pytest.mark.skipif(
    ON_POSTGRESQL, reason="the contains fallback is used on databases other than PostgreSQL"
)


def get_search(client, **params):
    return client.get(reverse("priorities:search"), params)


def hits_of(response):
    assert response.status_code == 200
    return list(response.context["page_obj"])


def found(response):
    return {hit.obj for hit in hits_of(response)}


SAID_IN = {
    "update headline": lambda word: StatusUpdateFactory(headline=f"The {word} driver"),
    "update body": lambda word: StatusUpdateFactory(body=f"Talked about the {word} driver."),
    "session title": lambda word: SessionFactory(title=f"{word} hacking"),
    "session notes": lambda word: SessionFactory(notes=f"Whiteboarded the {word} driver."),
    "day summary": lambda word: DayFactory(summary=f"A day spent on the {word} driver."),
    "decision": lambda word: DecisionFactory(text=f"Deprecate the {word} driver."),
    "action item text": lambda word: ActionItemFactory(text=f"Fix the {word} driver."),
    "action item owner": lambda word: ActionItemFactory(owner=f"{word} sub-team"),
    "risk": lambda word: RiskFactory(text=f"The {word} driver may not land."),
}


@pytest.mark.parametrize("where", SAID_IN)
def test_search_finds_every_kind_of_text_and_links_to_its_anchor(client, where):
    obj = SAID_IN[where]("libvirt")
    SAID_IN[where]("hyperv")
    response = get_search(client, q="libvirt")
    [hit] = hits_of(response)
    assert hit.obj == obj
    expected_url = obj.get_summary_url() if where == "day summary" else obj.get_absolute_url()
    assert hit.url == expected_url
    assert "#" in hit.url
    assert f'href="{expected_url}"' in response.content.decode()


def test_search_is_case_insensitive(client):
    update = StatusUpdateFactory(headline="LIBVIRT driver")
    assert found(get_search(client, q="libvirt")) == {update}


def test_results_show_where_it_was_said(client):
    area = PriorityAreaFactory(name="Nova Objects")
    update = StatusUpdateFactory(
        priority_area=area,
        session__title="Status round",
        session__day__meetup__name="Kilo mid-cycle",
        headline="libvirt objects converted",
        status=Status.BLOCKED,
    )
    content = " ".join(get_search(client, q="libvirt").content.decode().split())
    day = update.session.day
    for text in ("Kilo mid-cycle", f"Day {day.number}", "Status round", "Nova Objects", "Blocked"):
        assert text in content
    assert f'href="{day.get_absolute_url()}"' in content
    assert f'href="{area.get_absolute_url()}"' in content


def test_matches_are_highlighted_and_editor_text_is_escaped(client):
    StatusUpdateFactory(
        headline="<b>libvirt</b> status",
        body="The <script>alert('x')</script> libvirt driver <img src=x onerror=alert(1)>",
    )
    content = get_search(client, q="libvirt").content.decode()
    assert "<mark>libvirt</mark>" in content
    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert "&lt;img src=x" in content
    assert "&lt;b&gt;<mark>libvirt</mark>&lt;/b&gt;" in content


def test_snippets_are_plain_text_without_markdown_syntax(client):
    StatusUpdateFactory(
        body=(
            "After lunch a **whiteboard session** sketched the split, see "
            "[the etherpad](https://etherpad.openstack.org/p/kilo).\n\n"
            "- devstack still *slow*\n- `nova-manage` needs a `--verbose`\n\n> quoted whiteboard"
        )
    )
    [hit] = hits_of(get_search(client, q="whiteboard"))
    snippet = str(hit.snippet)
    assert "<mark>whiteboard</mark> session" in snippet
    for syntax in ("**", "](", "- devstack", "`", "*slow*", "> quoted"):
        assert syntax not in snippet, syntax
    assert "the etherpad" in snippet and "devstack still slow" in snippet


def test_a_long_text_gives_a_snippet_around_the_match(client):
    body = " ".join(["filler"] * 200 + ["libvirt"] + ["padding"] * 200)
    StatusUpdateFactory(body=body)
    [hit] = hits_of(get_search(client, q="libvirt"))
    assert "<mark>libvirt</mark>" in hit.snippet
    assert len(hit.snippet) < len(body) / 2


@pytest.fixture
def two_meetups():
    """The same word said at two meetups, in two areas, with different statuses and days."""
    kilo = MeetupFactory(
        slug="kilo", start_date=datetime.date(2015, 1, 26), end_date=datetime.date(2015, 1, 28)
    )
    juno = MeetupFactory(
        slug="juno", start_date=datetime.date(2014, 7, 28), end_date=datetime.date(2014, 7, 30)
    )
    cells = PriorityAreaFactory(slug="cells")
    bugs = PriorityAreaFactory(slug="bugs")
    objects = {}
    for meetup in (kilo, juno):
        for number in (1, 2):
            day = DayFactory(meetup=meetup, number=number, summary="libvirt day")
            session = SessionFactory(day=day, notes="libvirt notes")
            for area, status in ((cells, Status.BLOCKED), (bugs, Status.STARTED)):
                objects[meetup.slug, number, area.slug] = StatusUpdateFactory(
                    session=session, priority_area=area, status=status, body="libvirt"
                )
            objects[meetup.slug, number, "decision"] = DecisionFactory(
                session=session, priority_area=cells, text="libvirt decision"
            )
            objects[meetup.slug, number, "session"] = session
            objects[meetup.slug, number, "day"] = day
    return objects


def test_search_filters_by_meetup(client, two_meetups):
    result = found(get_search(client, q="libvirt", meetup="juno"))
    assert result == {obj for key, obj in two_meetups.items() if key[0] == "juno"}


def test_search_filters_by_area_leaving_out_text_tied_to_no_area(client, two_meetups):
    result = found(get_search(client, q="libvirt", area="cells"))
    cells = {two_meetups[m, n, kind] for m in ("kilo", "juno") for n in (1, 2)
             for kind in ("cells", "decision")}  # fmt: skip
    assert result == cells


def test_search_filters_by_status_keeping_only_status_updates(client, two_meetups):
    result = found(get_search(client, q="libvirt", status="blocked"))
    assert result == {two_meetups[m, n, "cells"] for m in ("kilo", "juno") for n in (1, 2)}


def test_search_filters_by_a_range_of_days(client, two_meetups):
    result = found(get_search(client, q="libvirt", since="2015-01-27", until="2015-01-31"))
    assert result == {obj for key, obj in two_meetups.items() if key[:2] == ("kilo", 2)}
    result = found(get_search(client, q="libvirt", until="2014-07-28"))
    assert result == {obj for key, obj in two_meetups.items() if key[:2] == ("juno", 1)}


def test_filters_combine(client, two_meetups):
    response = get_search(client, q="libvirt", meetup="kilo", area="bugs", since="2015-01-27")
    assert found(response) == {two_meetups["kilo", 2, "bugs"]}


def test_filters_alone_list_what_they_keep(client, two_meetups):
    result = found(get_search(client, meetup="kilo", status="started"))
    assert result == {two_meetups["kilo", n, "bugs"] for n in (1, 2)}


def test_an_empty_search_shows_the_form_and_no_results(client, two_meetups):
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = get_search(client, **params)
        assert response.status_code == 200
        assert response.context["page_obj"] is None
        assert not response.context["form"].errors


def test_nothing_found_says_so(client, two_meetups):
    response = get_search(client, q="zanzibar")
    assert hits_of(response) == []
    assert "Nothing matches" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "libvirt", "meetup": "no-such-meetup"}, "meetup"),
        ({"q": "libvirt", "area": "no-such-area"}, "area"),
        ({"q": "libvirt", "status": "finished"}, "status"),
        ({"q": "libvirt", "since": "yesterday"}, "since"),
        ({"q": "libvirt", "until": "2015-02-30"}, "until"),
        ({"q": "libvirt", "since": "2015-01-28", "until": "2015-01-26"}, "until"),
        ({"q": "libvirt", "meetup": "' OR 1=1 --"}, "meetup"),
    ],
)
def test_invalid_filters_are_form_errors_not_server_errors(client, two_meetups, params, field):
    response = get_search(client, **params)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["page_obj"] is None
    assert "invalid-feedback" in response.content.decode()


HOSTILE_QUERIES = [
    '"',
    "'",
    '"unterminated phrase',
    "&|!",
    "!(libvirt & xen) | hyperv",
    "libvirt:*",
    "libvirt <-> xen",
    "-",
    "--",
    "or",
    "\\",
    "%_%",
    "'; DROP TABLE priorities_statusupdate; --",
    "🙂",
    "\u202e\u200b",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_hostile_queries_answer_normally(client, query):
    StatusUpdateFactory(headline="libvirt & xen | hyperv! 'quoted' \"double\" %_%")
    response = get_search(client, q=query)
    assert response.status_code == 200
    assert response.context["page_obj"] is not None
    assert "<script>alert(1)</script>" not in response.content.decode()
    results = search(query)
    assert results.count() == len(results[0:20])


@pytest.mark.parametrize(
    "query", ["libvirt" * 1500, "x" * 10_000, "a " * 5_000, "libvirt\x00", "\x00", "\x00" * 300]
)
def test_too_long_queries_and_nul_bytes_are_form_errors(client, query):
    StatusUpdateFactory(headline="libvirt")
    response = get_search(client, q=query)
    assert response.status_code == 200
    assert "q" in response.context["form"].errors


@pytest.mark.parametrize("query", ["x" * 10_000, "libvirt " * 2_000, "lib\x00virt", "\x00"])
def test_the_search_function_itself_survives_huge_queries_and_nul_bytes(query):
    StatusUpdateFactory(headline="libvirt")
    results = search(query)
    assert results.count() == len(results[0:20])


def test_search_paginates_and_keeps_the_query_in_page_links(client):
    day = DayFactory()
    for order in range(25):
        StatusUpdateFactory(session=SessionFactory(day=day, order=order), body="libvirt")
    first = get_search(client, q="libvirt", status="good-progress")
    assert len(hits_of(first)) == 20
    assert first.context["page_obj"].paginator.count == 25
    content = first.content.decode()
    assert 'href="?q=libvirt&amp;status=good-progress&amp;page=2"' in content
    second = get_search(client, q="libvirt", status="good-progress", page=2)
    assert len(hits_of(second)) == 5
    assert not {h.obj for h in hits_of(first)} & {h.obj for h in hits_of(second)}
    for page in ("99", "abc", "-1", "0"):
        assert get_search(client, q="libvirt", page=page).status_code == 200


def said_everywhere(times):
    """``times`` days where every kind of text mentions libvirt."""
    meetup = MeetupFactory(end_date=datetime.date(2015, 3, 31))
    for number in range(1, times + 1):
        day = DayFactory(meetup=meetup, number=number, summary="libvirt")
        session = SessionFactory(day=day, notes="libvirt")
        StatusUpdateFactory(session=session, body="libvirt")
        DecisionFactory(session=session, text="libvirt")
        ActionItemFactory(session=session, text="libvirt")
        RiskFactory(session=session, text="libvirt")


def count_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = get_search(client, **params)
    assert response.status_code == 200
    return len(queries)


def test_search_query_count_is_bounded_however_many_hits(client):
    said_everywhere(1)
    small = count_queries(client, q="libvirt")
    said_everywhere(30)
    large = count_queries(client, q="libvirt")
    # Choices of teams and cycles (one query), meetups and areas, the count, the page, one
    # query per kind on the page.
    assert small == 5 + len(SOURCES)
    assert large <= 5 + len(SOURCES)


def test_search_query_count_is_pinned(client, django_assert_num_queries):
    said_everywhere(3)
    # teams and cycles, meetups, areas, count, page, the updates
    with django_assert_num_queries(6):
        assert get_search(client, q="libvirt", status="good-progress").status_code == 200


def test_every_page_has_the_search_box_in_its_header(client):
    update = StatusUpdateFactory()
    for url in (
        reverse("priorities:meetup-list"),
        update.session.day.get_absolute_url(),
        update.priority_area.get_absolute_url(),
        reverse("priorities:search"),
    ):
        content = client.get(url).content.decode()
        assert f'action="{reverse("priorities:search")}"' in content
        assert '<label class="visually-hidden" for="site-search">' in content
        assert 'id="site-search" name="q"' in content


def test_search_form_is_a_get_form_rendered_by_crispy_forms(client):
    content = get_search(client, q="libvirt").content.decode()
    assert 'method="get"' in content
    assert "csrfmiddlewaretoken" not in content
    for name in ("q", "meetup", "area", "status", "since", "until"):
        assert f'id="id_{name}"' in content
    assert 'value="libvirt"' in content


def test_unicode_is_searched_as_written(client):
    update = StatusUpdateFactory(body="Réunion à Zürich: naïve façade")
    assert found(get_search(client, q="Zürich")) == {update}
    assert found(get_search(client, q="façade")) == {update}


@fallback_only
def test_fallback_lists_newest_first(client):
    meetup = MeetupFactory()
    old = StatusUpdateFactory(session__day=DayFactory(meetup=meetup, number=1), body="libvirt")
    new = StatusUpdateFactory(session__day=DayFactory(meetup=meetup, number=2), body="libvirt")
    assert [hit.obj for hit in hits_of(get_search(client, q="libvirt"))] == [new, old]


@fallback_only
def test_fallback_needs_every_word_and_keeps_quoted_phrases(client):
    both = StatusUpdateFactory(body="libvirt and xen drivers")
    StatusUpdateFactory(body="libvirt only")
    phrase = StatusUpdateFactory(body="live migration works")
    StatusUpdateFactory(body="migration is live")
    assert found(get_search(client, q="xen libvirt")) == {both}
    assert found(get_search(client, q='"live migration"')) == {phrase}


@fallback_only
def test_fallback_treats_like_wildcards_literally(client):
    StatusUpdateFactory(body="libvirt")
    percent = StatusUpdateFactory(body="100% done")
    assert found(get_search(client, q="%")) == {percent}
    assert found(get_search(client, q="_")) == set()


@postgresql_only
def test_postgresql_stems_words(client):
    scheduler = StatusUpdateFactory(headline="Scheduler split", body="The scheduler is ready.")
    decision = DecisionFactory(text="Schedulers report to placement.")
    StatusUpdateFactory(headline="Cells v2")
    response = get_search(client, q="scheduling")
    assert found(response) == {scheduler, decision}
    assert "<mark>Scheduler</mark>" in response.content.decode()


@postgresql_only
def test_postgresql_ranks_by_relevance(client):
    meetup = MeetupFactory()
    older, newer = (DayFactory(meetup=meetup, number=n) for n in (1, 2))
    in_headline = StatusUpdateFactory(
        session__day=older, headline="Libvirt driver", body="The libvirt driver is done."
    )
    in_passing = StatusUpdateFactory(
        session__day=newer, headline="Other work", body="Also touched libvirt a little."
    )
    hits = hits_of(get_search(client, q="libvirt"))
    assert [hit.obj for hit in hits] == [in_headline, in_passing]
    assert hits[0].rank > hits[1].rank


@postgresql_only
def test_postgresql_understands_websearch_syntax(client):
    phrase = StatusUpdateFactory(body="live migration works")
    reversed_words = StatusUpdateFactory(body="migration is live")
    xen = StatusUpdateFactory(body="the xen driver")
    hyperv = StatusUpdateFactory(body="the hyperv driver")
    assert found(get_search(client, q='"live migration"')) == {phrase}
    assert found(get_search(client, q="live migration")) == {phrase, reversed_words}
    assert found(get_search(client, q="driver -xen")) == {hyperv}
    assert found(get_search(client, q="xen or hyperv")) == {xen, hyperv}


@postgresql_only
@pytest.mark.parametrize("query", ["libvirt", '"live migration"'])
def test_postgresql_matches_and_ranks_from_the_stored_vectors(query):
    StatusUpdateFactory(headline="Libvirt driver", body="live migration works")
    DecisionFactory(text="Deprecate the libvirt driver.")
    with CaptureQueriesContext(connection) as captured:
        results = search(query)
        assert results.count() == len(results[:20]) > 0
    statements = [entry["sql"] for entry in captured]
    # No hit's text is parsed into a vector again: ranking reads the stored column too.
    assert not any("to_tsvector" in sql for sql in statements)
    count_sql, page_sql = (sql for sql in statements if "UNION ALL" in sql)
    for source in SOURCES:
        column = f'"{source.model._meta.db_table}"."{VECTOR_COLUMN}"'
        assert f"({column}) @@" in count_sql
        assert f"ts_rank(({column}), " in page_sql
    with connection.cursor() as cursor:
        # On tables this small the planner would as soon scan them; the question is whether
        # the index answers the match. (With joins to order the page by, it would rather walk
        # a foreign key's index, so the plan asked is the count's.)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {count_sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for source in SOURCES:
        assert f"Bitmap Index Scan on {source.model._meta.model_name}_search_gin" in plan


WITH_TEXT = {
    "update": StatusUpdateFactory,
    "decision": DecisionFactory,
    "action": ActionItemFactory,
    "risk": RiskFactory,
    "session": SessionFactory,
    "day": DayFactory,
}


def stored_and_described(source, obj):
    """The row's stored vector, and the vector ``Source.vector()`` builds from its text."""
    return (
        source.model.objects.filter(pk=obj.pk)
        .annotate(stored=source.stored_vector(), described=source.vector())
        .values_list("stored", "described")
        .get()
    )


@postgresql_only
@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.kind)
def test_the_stored_vector_is_kept_current_on_insert_and_update(source):
    obj = WITH_TEXT[source.kind](**{name: f"Scheduling {name}" for name, _weight in source.fields})
    stored, described = stored_and_described(source, obj)
    assert stored == described
    assert "'schedul':1A" in stored
    for name, _weight in source.fields:
        setattr(obj, name, f"Placement {name}")
    obj.save()
    stored, described = stored_and_described(source, obj)
    assert stored == described
    assert "schedul" not in stored
    assert [hit.obj for hit in search("placement")] == [obj]
    assert list(search("scheduling")) == []


@pytest.mark.parametrize("source", SOURCES, ids=lambda source: source.kind)
def test_gin_indexes_on_the_stored_vectors_exist_on_postgresql_only(source):
    table = source.model._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        columns = connection.introspection.get_table_description(cursor, table)
    name = f"{source.model._meta.model_name}_search_gin"
    assert (name in constraints) == ON_POSTGRESQL
    assert (VECTOR_COLUMN in {column.name for column in columns}) == ON_POSTGRESQL
    if ON_POSTGRESQL:
        assert constraints[name]["type"] == "gin"
        assert constraints[name]["columns"] == [VECTOR_COLUMN]
        with connection.cursor() as cursor:
            # New rows go into the index at once, not into a pending list every search reads.
            cursor.execute("SELECT reloptions FROM pg_class WHERE relname = %s", [name])
            assert cursor.fetchone()[0] == ["fastupdate=off"]
