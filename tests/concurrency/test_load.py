"""Many editors at once against a real server: no 5xx, no lost edit (issue 12).

gunicorn serves a site of its own (tests/concurrency/site.py) on the suite's database engine
(SQLite: four workers sharing one file; PostgreSQL: a database made for the run). Threads play
six note-takers saving their own area's update through the session page (which holds every
area's row) and through the update's own page, two editors fighting over one update, an
organiser saving the day and the session (moving the day's date and the session's position,
which every update copies) and ticking action items, a note-taker ticking on the change list,
an organiser creating sessions that another editor adds to while they are deleted, and an
importer confirming reports of another day.

Then the database's history is held against what each client was told: every value a client
was told was saved is in its row's history, no value a client was told was refused is, no row
ever went back to an older value nobody saved, and no deleted session came back. The run is
bounded (a fixed number of rounds per client, about 15 s per database).
"""

import random
import re
import threading
import time
from collections import Counter

import pytest

from tests.concurrency.clients import Browser, Page, Told
from tests.concurrency.seeding import NOTE_TAKERS
from tests.concurrency.site import Site, site_database
from tests.html import form_data

pytestmark = pytest.mark.slow

ROUNDS = 8
WORKERS = 4


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with site_database() as database_url:
        served = Site(database_url, tmp_path_factory.mktemp("site"))
        served.manage("migrate", "-v", "0")
        served.keys = served.python("from tests.concurrency.seeding import seed; seed()")
        served.start(WORKERS)
        try:
            yield served
        finally:
            served.stop()


def change_url(model, pk):
    return f"/admin/priorities/{model}/{pk}/change/"


def inline_index(page, prefix, pk):
    for name, value in page.data.items():
        if re.fullmatch(rf"{prefix}-\d+-id", name) and value == str(pk):
            return int(name.split("-")[1])
    raise AssertionError(f"no {prefix} row {pk} on {page.url}")


def hold():
    """Keep a page open a moment, as an editor typing does, so others save meanwhile."""
    time.sleep(random.uniform(0, 0.15))  # noqa: S311


def note_taker(site, told, n):
    browser = Browser(site, f"editor{n}", told)
    update = site.keys["updates"][n]
    for i in range(ROUNDS):
        value = f"editor{n} headline {i}"
        wrote = [("StatusUpdate", update, "headline", value)]
        if i % 2:
            page = browser.open(change_url("session", site.keys["session"]))
            row = inline_index(page, "updates", update)
            hold()
            browser.post(
                page, "own row on the session page", wrote, **{f"updates-{row}-headline": value}
            )
        else:
            page = browser.open(change_url("statusupdate", update))
            hold()
            browser.post(page, "own update", wrote, headline=value)


def rival(site, told, n):
    """Two of these edit the same update from pages held open: one of each pair is refused."""
    browser = Browser(site, f"editor{n}", told)
    update = site.keys["updates"][NOTE_TAKERS]
    for i in range(ROUNDS):
        value = f"rival{n} body {i}"
        page = browser.open(change_url("statusupdate", update))
        hold()
        browser.post(page, "shared update", [("StatusUpdate", update, "body", value)], body=value)


def organiser(site, told):
    browser = Browser(site, "organiser", told)
    day, session = site.keys["day"], site.keys["session"]
    for i in range(ROUNDS):
        summary = f"organiser summary {i}"
        page = browser.open(change_url("day", day))
        hold()
        browser.post(
            page,
            "day page",
            [("Day", day, "summary", summary)],
            summary=summary,
            date=("2015-01-28" if i % 2 else "2015-01-26"),
        )
        notes = f"organiser notes {i}"
        page = browser.open(change_url("session", session))
        hold()
        browser.post(
            page,
            "session page",
            [("Session", session, "notes", notes)],
            notes=notes,
            order=str(1 + i % 2),
        )


def toggler(site, told, username, item, rounds=ROUNDS):
    browser = Browser(site, username, told)
    for i in range(rounds):
        page = browser.open("/admin/priorities/actionitem/")
        row = inline_index(page, "form", item)
        hold()
        done = ["on"] if i % 2 == 0 else []
        browser.post(
            page,
            "change list",
            [("ActionItem", item, "done", bool(done))],
            **{f"form-{row}-done": done},
        )


def deleter_and_adder(site, told, outcomes):
    """An organiser makes a session and deletes it while an editor adds an action item to it."""
    organiser = Browser(site, "organiser", told)
    editor = Browser(site, f"editor{NOTE_TAKERS + 3}", told)
    for i in range(ROUNDS // 2):
        add = organiser.open("/admin/priorities/session/add/")
        created = organiser.post(
            add,
            "create a session",
            day=str(site.keys["day"]),
            title=f"Temporary {i}",
            kind="discussion",
            order=str(10 + i),
            _continue="Save and continue editing",
        )
        assert created.status == 302, created.status
        pk = int(re.search(r"/session/(\d+)/change/", created.location)[1])
        confirmation = organiser.open(f"/admin/priorities/session/{pk}/delete/")
        editing = editor.open(change_url("session", pk))
        extra = {
            "action_items-TOTAL_FORMS": "1",
            "action_items-0-text": f"Added to temporary {i}",
            "action_items-0-owner": "bob",
            "action_items-0-order": "1",
            "action_items-0-shown": "",
        }
        results = {}

        def add_item(editing=editing, extra=extra, results=results):
            results["added"] = editor.post(editing, "add to a session being deleted", **extra)

        thread = threading.Thread(target=add_item)
        thread.start()
        hold()
        results["deleted"] = organiser.post(confirmation, "delete a session", post="yes")
        thread.join()
        outcomes.append((pk, results["added"], results["deleted"]))


def importer(site, told):
    browser = Browser(site, f"editor{NOTE_TAKERS + 2}", told)
    day = site.keys["other_day"]
    for i in range(ROUNDS // 2):
        report = browser.get("/meetups/load/days/2/report.md")
        summary = f"imported summary {i}"
        text = re.sub(r"## Summary\n\n> [^\n]*", f"## Summary\n\n> {summary}", report)
        form = browser.open("/admin/priorities/day/import/")
        preview = browser.post(form, "preview an import", text=text, meetup="", confirm=[])
        assert preview.status == 200, preview.status
        page = Page(form.url, form_data(preview.body), preview.body)
        hold()
        browser.post(
            page, "confirm an import", [("Day", day, "summary", summary)], confirm="Confirm"
        )


def test_many_editors_at_once_get_no_server_error_and_lose_no_edit(site):
    told = Told()
    deletions = []
    threads = [
        *(threading.Thread(target=note_taker, args=(site, told, n)) for n in range(NOTE_TAKERS)),
        *(
            threading.Thread(target=rival, args=(site, told, n))
            for n in (NOTE_TAKERS, NOTE_TAKERS + 1)
        ),
        threading.Thread(target=organiser, args=(site, told)),
        threading.Thread(
            target=toggler, args=(site, told, f"editor{NOTE_TAKERS}", site.keys["items"][0])
        ),
        threading.Thread(target=toggler, args=(site, told, "organiser", site.keys["items"][1])),
        threading.Thread(target=deleter_and_adder, args=(site, told, deletions)),
        threading.Thread(target=importer, args=(site, told)),
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    state = site.python("from tests.concurrency.seeding import state; state()")
    histories = state["histories"]

    answers = told.answers
    errors = [
        (a.who, a.what, a.status) for a in answers if a.status >= 500 or a.status not in (200, 302)
    ]
    saved = [a for a in answers if a.saved and a.wrote]
    refused = [a for a in answers if not a.saved and a.wrote]
    summary = Counter((a.what, "saved" if a.saved else "told") for a in answers)
    print(f"\n{len(answers)} posts in {elapsed:.1f} s: {len(saved)} saved, {len(refused)} refused")
    for (what, outcome), count in sorted(summary.items()):
        print(f"  {what}: {count} {outcome}")

    assert errors == []
    lost = [
        (a.who, a.what, value)
        for a in saved
        for model, pk, name, value in a.wrote
        if not any(values[name] == value for _kind, values in histories.get(f"{model}:{pk}", []))
    ]
    assert lost == [], "told saved, but not in the history"
    written_anyway = [
        (a.who, a.what, value)
        for a in refused
        for model, pk, name, value in a.wrote
        if any(values[name] == value for _kind, values in histories.get(f"{model}:{pk}", []))
    ]
    assert written_anyway == [], "told refused, but in the history"
    # No row ever went back to a value someone had replaced: each value comes from a save a
    # client was told about (or is the row's first), never from a stale page written back.
    told_values = {(m, pk, name, value) for a in saved for m, pk, name, value in a.wrote}
    for key, records in histories.items():
        model, pk = key.split(":")
        for name in ("headline", "body", "summary", "notes"):
            previous = object()
            for number, (_kind, values) in enumerate(records):
                if name in values and number and values[name] != previous:
                    assert (model, int(pk), name, values[name]) in told_values, (
                        key,
                        name,
                        values[name],
                    )
                previous = values.get(name)
    for pk, added, deleted in deletions:
        assert not (added.saved and deleted.location.endswith("/session/")), pk
        kinds = [kind for kind, _values in histories.get(f"Session:{pk}", [])]
        if "-" in kinds:
            assert kinds[kinds.index("-") + 1 :] == [], f"session {pk} came back: {kinds}"
            assert pk not in state["sessions"]
    assert refused, "the rivals should have been told of each other's saves"
