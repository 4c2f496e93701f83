import datetime
import io
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from priorities.enums import Delivery, PartOfDay, SessionKind, Status
from priorities.interchange.report_export import day_report
from priorities.interchange.report_import import import_report
from priorities.interchange.report_parser import ReportError, parse_report
from priorities.models import (
    ActionItem,
    Attendance,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    Person,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    Team,
)
from priorities.validators import LABEL, ONE_LINE, validate_not_blank, validate_printable
from tests.factories import EditorFactory

pytestmark = pytest.mark.django_db

#: In an order they can be deleted in.
ALL_MODELS = [
    ActionItem,
    Decision,
    Risk,
    StatusUpdate,
    Session,
    Attendance,
    Day,
    Meetup,
    CyclePriority,
    PriorityArea,
    Cycle,
    Team,
]


def empty_the_database():
    for model in ALL_MODELS:
        model.objects.all().delete()


def export(slug="nova-kilo-midcycle", number=1):
    return day_report(Day.objects.with_meetup().get(meetup__slug=slug, number=number))


@pytest.fixture
def demo_report(demo_day):
    return day_report(demo_day)


def test_demo_day_round_trips_byte_for_byte_through_an_empty_database(demo_report):
    empty_the_database()
    result = import_report(demo_report, create_areas=True)
    assert export() == demo_report
    assert result.day.sessions.count() == 3
    assert StatusUpdate.objects.count() == 9


def test_importing_the_same_report_again_changes_nothing(demo_report):
    assert import_report(demo_report).changes == []


def test_what_the_report_derives_is_ignored_on_import(demo_report):
    """The day page's address and the glance table's Change column come from the day: a
    report exported by another site, or edited there, imports the same."""
    edited = re.sub(
        r"^- Page: <.*>$",
        "- Page: <https://elsewhere.example.org/days/1/>",
        demo_report,
        flags=re.M,
    ).replace("| new, first status report |", "| improved, was Blocked on day 9 |")
    assert "elsewhere.example.org" in edited and "was Blocked on day 9" in edited
    assert import_report(edited).changes == []


def test_who_was_there_round_trips_people_included(demo_report):
    empty_the_database()
    Person.objects.all().delete()
    result = import_report(demo_report, create_areas=True)
    assert export() == demo_report
    assert "create person 'Sean Dague'" in [str(change) for change in result.changes]
    assert list(result.day.attendances.values_list("person__name", flat=True)) == [
        "Andrew Laski",
        "Dan Smith",
        "Jay Pipes",
        "John Garbutt",
        "Mark McClain",
        "Matt Riedemann",
        "Sean Dague",
    ]


def test_the_import_makes_the_day_s_attendance_match_the_report(demo_report, demo_day):
    edited = demo_report.replace("| Dan Smith |\n", "").replace(
        "| John Garbutt |", "| John Garbutt |\n| Ken'ichi \\<Ohmichi\\> |"
    )
    changes = [str(change) for change in import_report(edited).changes]
    assert changes == [
        'create person "Ken\'ichi <Ohmichi>"',
        'create attendance of "Ken\'ichi <Ohmichi>"',
        "update attendance of 'Dan Smith' (days)",
    ]
    names = set(demo_day.attendances.values_list("person__name", flat=True))
    assert "Dan Smith" not in names and "Ken'ichi <Ohmichi>" in names
    # Dan Smith still attended the meetup, just not this day.
    assert Attendance.objects.filter(person__name="Dan Smith", meetup=demo_day.meetup).exists()
    assert export() == edited


def test_a_report_without_attendees_leaves_the_attendance_alone(demo_report, demo_day):
    start = demo_report.index("## Who was there")
    without = demo_report[:start] + demo_report[demo_report.index("## Priority areas") :]
    assert import_report(without).changes == []
    assert demo_day.attendances.count() == 7


def test_an_attendee_listed_twice_is_an_error_naming_the_line(demo_report):
    twice = demo_report.replace("| Dan Smith |", "| Dan Smith |\n| dan smith |")
    with pytest.raises(ReportError) as error:
        import_report(twice)
    assert error.value.line == line_of(twice, "| dan smith |")
    assert "listed twice" in str(error.value)


def test_a_dry_run_lists_the_changes_and_writes_nothing(demo_report, row_counts):
    empty_the_database()
    result = import_report(demo_report, create_areas=True, dry_run=True)
    assert row_counts(ALL_MODELS) == dict.fromkeys(row_counts(ALL_MODELS), 0)
    listed = [str(change) for change in result.changes]
    assert "create team 'OpenStack Nova'" in listed
    assert "create cycle 'Kilo' of OpenStack Nova" in listed
    assert "create meetup 'nova-kilo-midcycle'" in listed
    assert "create priority area 'Cells v2'" in listed
    assert "create 'Cells v2' in the Kilo priority list" in listed
    assert "create session 'Morning status round'" in listed
    assert "create attendance of 'Andrew Laski'" in listed
    # The team, its cycle, the meetup and day, 9 areas in the cycle's list, 3 sessions,
    # 9 updates, 5 outcomes, and the day's 7 attendees (the database still has the people).
    assert len(listed) == 46


def test_an_edited_report_updates_only_what_changed(demo_report):
    edited = demo_report.replace(
        "- Status: Slow progress\n- Headline: Moving, but",
        "- Status: Blocked\n- Headline: Moving, but",
    )
    result = import_report(edited)
    assert [str(change) for change in result.changes] == [
        "update status update of 'Cells v2' in 'Morning status round' (status)"
    ]
    assert StatusUpdate.objects.get(priority_area__slug="cells-v2").status == Status.BLOCKED
    assert export() == edited.replace("| Cells v2 | Slow progress |", "| Cells v2 | Blocked |")


def test_outcomes_and_sessions_missing_from_the_report_are_deleted(demo_report):
    without_risks = re.sub(r"#### Risks\n\n(- .*\n)+\n", "", demo_report)
    without_session = without_risks.split("### How the Nova project is run")[0].rstrip() + "\n"
    result = import_report(without_session)
    assert not Risk.objects.exists()
    assert not Session.objects.filter(title="How the Nova project is run").exists()
    assert {change.action for change in result.changes} == {"delete"}
    assert export() == without_session


def test_a_report_can_be_imported_into_another_meetup(demo_report):
    nova = Team.objects.get(slug="openstack-nova")
    other = Meetup.objects.create(
        name="Copy",
        slug="copy",
        team=nova,
        cycle=nova.cycles.get(slug="kilo"),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2015, 1, 31),
    )
    result = import_report(demo_report, meetup_slug="copy")
    assert result.day.meetup == other
    assert StatusUpdate.objects.filter(session__day__meetup=other).count() == 9


def test_priority_areas_are_found_by_slug_as_well_as_by_name(demo_report):
    renamed = demo_report.replace("### Cells v2\n", "### cells-v2\n")
    import_report(renamed)
    assert PriorityArea.objects.count() == 9


def test_an_unknown_area_is_an_error_naming_its_line(demo_report, row_counts):
    empty_the_database()
    with pytest.raises(ReportError) as error:
        import_report(demo_report)
    line = demo_report.split("\n").index("#### Morning status round") + 1
    assert error.value.line == line
    assert "OpenStack Nova has no priority area 'Cells v2'" in str(error.value)
    assert row_counts(ALL_MODELS) == dict.fromkeys(row_counts(ALL_MODELS), 0)


def test_an_error_late_in_the_file_changes_nothing(demo_report, row_counts):
    empty_the_database()
    too_long = "x" * 201
    last_headline = "- Headline: Standing priority for Kilo; no detail recorded today"
    last_reporter = "- Reported: in person by Matt Riedemann"
    broken = demo_report.replace(
        f"{last_headline}\n{last_reporter}", f"- Headline: {too_long}\n{last_reporter}"
    )
    with pytest.raises(ReportError) as error:
        import_report(broken, create_areas=True)
    assert "headline" in error.value.message
    assert broken.split("\n")[error.value.line - 1] == "#### Morning status round"
    assert row_counts(ALL_MODELS) == dict.fromkeys(row_counts(ALL_MODELS), 0)


def test_a_date_outside_the_meetup_is_refused(demo_report):
    broken = demo_report.replace("- Date: 2015-01-26 (day 1)", "- Date: 2015-03-01 (day 1)")
    broken = broken.replace("day 1, 2015-01-26", "day 1, 2015-03-01")
    with pytest.raises(ReportError, match="within the meetup's dates"):
        import_report(broken, meetup_slug="nova-kilo-midcycle")


def line_of(text, fragment):
    """The 1-based number of the first line of ``text`` that holds ``fragment``."""
    return next(n for n, line in enumerate(text.split("\n"), start=1) if fragment in line)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("# OpenStack", "OpenStack"), 1, "expected the title"),
        (("- Team: OpenStack Nova (`openstack-nova`)\n", ""), 3, "does not give '- Team"),
        (("- Team: OpenStack Nova (`openstack-nova`)", "- Team: OpenStack Nova"), 4, "- Team: <"),
        (("- Cycle: Kilo (`kilo`)", "- Cycle: Kilo"), 5, "expected '- Cycle: <name> (`<slug>`)'"),
        (("- Date: 2015-01-26 (day 1)", "- Date: 2015-01-27 (day 1)"), 1, "different days"),
        (("- Meetup dates: 2015-01-26", "- Meetup dates: 2015-13-26"), None, "is not a date"),
        (("## Summary", "## Résumé"), None, "the Summary section"),
        (("- Status: Slow progress", "- Status: Going fine"), None, "unknown status 'Going"),
        (("- Kind: Whiteboard", "- Kind: Brainstorm"), None, "unknown session kind"),
        (("- When: Morning", "- When: Tea time"), None, "- When:"),
        (("#### Decisions", "#### Choices"), None, "expected one of '#### Decisions"),
        (("- [ ] **Scheduler sub-team** [", "- [ ] Scheduler sub-team ["), None, "owner"),
        (("- **API v2.1 (microversions):**", "- **API v2.1"), None, "priority area"),
        (("- Headline: Moving", "- Headline Moving"), None, "expected one of Status"),
    ],
)
def test_malformed_reports_are_refused_with_their_line(
    demo_report, change, line, message, row_counts
):
    broken = demo_report.replace(*change, 1)
    assert broken != demo_report
    before = row_counts(ALL_MODELS)
    with pytest.raises(ReportError) as error:
        import_report(broken)
    assert message in error.value.message
    assert error.value.line == (line or line_of(broken, change[1]))
    assert row_counts(ALL_MODELS) == before


def test_an_update_for_a_session_the_report_does_not_hold_is_an_error(demo_report):
    broken = demo_report.replace("#### Morning status round", "#### Lunch", 1)
    with pytest.raises(ReportError, match="no session 'Lunch'"):
        import_report(broken)


def test_parse_keeps_editor_text_exactly():
    parsed = parse_report(
        "# M: day 1, 2015-01-26\n\n- Meetup: M (`m`)\n- Project: P\n"
        "- Meetup dates: 2015-01-26 to 2015-01-26\n- Date: 2015-01-26 (day 1)\n\n"
        "## Summary\n\n> # not a heading\n>\n>   indented\n> > quoted\n\n"
        "## Priority areas\n\n_No status updates._\n\n## Sessions\n\n### S \\#\n\n- Kind: Other\n"
        "- When: Evening, 18:30\n\n#### Risks\n\n- first\n\n  second paragraph\n- \\**x**\n"
    )
    assert parsed.summary == "# not a heading\n\n  indented\n> quoted"
    [session] = parsed.sessions
    assert session.title == "S #"
    assert (session.part_of_day, session.start_time) == (PartOfDay.EVENING, datetime.time(18, 30))
    assert [o.text for o in session.outcomes] == ["first\n\nsecond paragraph", "**x**"]


class TestImportCommand:
    def test_it_imports_a_file_and_reports_each_change(self, demo_report, tmp_path):
        empty_the_database()
        path = tmp_path / "day.md"
        path.write_text(demo_report, encoding="utf-8")
        stdout = io.StringIO()
        call_command("import_day", str(path), "--create-areas", stdout=stdout)
        assert "create session 'Morning status round'" in stdout.getvalue()
        assert "Changed 46 record(s)" in stdout.getvalue()
        assert export() == demo_report

    def test_dry_run_writes_nothing(self, demo_report, tmp_path):
        empty_the_database()
        path = tmp_path / "day.md"
        path.write_text(demo_report, encoding="utf-8")
        stdout = io.StringIO()
        call_command("import_day", str(path), "--create-areas", "--dry-run", stdout=stdout)
        assert "Would change 46 record(s)" in stdout.getvalue()
        assert not Meetup.objects.exists()

    def test_errors_name_the_file_and_line(self, demo_report, tmp_path):
        path = tmp_path / "day.md"
        broken = demo_report.replace("- Status: Slow progress", "- Status: ?")
        path.write_text(broken, "utf-8")
        line = line_of(broken, "- Status: ?")
        with pytest.raises(CommandError, match=rf"day\.md, line {line}: unknown status"):
            call_command("import_day", str(path))

    def test_a_missing_file_is_a_clear_error(self, tmp_path):
        with pytest.raises(CommandError, match="Cannot read"):
            call_command("import_day", str(tmp_path / "missing.md"))


class TestAdminImport:
    url = reverse("admin:priorities_day_import")

    def upload(self, client, text, **extra):
        data = {"report": io.BytesIO(text.encode()), **extra}
        data["report"].name = "day.md"
        return client.post(self.url, data)

    def test_the_day_list_links_to_the_import_page(self, editor_client):
        content = editor_client.get(reverse("admin:priorities_day_changelist")).content.decode()
        assert f'href="{self.url}"' in content

    def test_editors_preview_then_confirm_an_import(self, editor_client, editor, demo_report):
        edited = demo_report.replace("- Status: Slow progress", "- Status: Blocked")
        preview = self.upload(editor_client, edited)
        assert preview.status_code == 200
        content = preview.content.decode()
        assert "update status update of &#x27;Cells v2&#x27;" in content
        assert StatusUpdate.objects.get(priority_area__slug="cells-v2").status != Status.BLOCKED

        text = preview.context["form"].cleaned_data["text"]
        confirmed = editor_client.post(self.url, {"text": text, "meetup": "", "confirm": "1"})
        assert confirmed.status_code == 302
        update = StatusUpdate.objects.get(priority_area__slug="cells-v2")
        assert update.status == Status.BLOCKED
        assert update.saved_by == editor
        assert "| Cells v2 | Blocked |" in export()

    def test_a_bad_report_shows_its_line_and_changes_nothing(self, editor_client, demo_report):
        broken = demo_report.replace("- Status: Slow", "- Status: ?")
        response = self.upload(editor_client, broken)
        assert f"line {line_of(broken, '- Status: ?')}: unknown status" in response.content.decode()
        assert StatusUpdate.objects.filter(status="slow-progress").exists()

    def test_editors_may_not_import_changes_beyond_their_rights(self, editor_client, demo_report):
        shorter = demo_report.split("### How the Nova project is run")[0].rstrip() + "\n"
        response = self.upload(editor_client, shorter)
        assert "You may not: delete session &#x27;How the Nova project is run&#x27;" in (
            response.content.decode()
        )
        assert Session.objects.count() == 3

    def test_editors_may_not_record_attendance(self, editor_client, demo_report):
        more = demo_report.replace("| Sean Dague |", "| Sean Dague |\n| A newcomer |")
        response = self.upload(editor_client, more)
        assert "You may not: create attendance of &#x27;A newcomer&#x27;" in (
            response.content.decode()
        )
        assert not Person.objects.filter(name="A newcomer").exists()

    def test_staff_without_day_rights_cannot_open_it(self, client):
        staff = EditorFactory()
        staff.groups.clear()
        staff.user_permissions.add(Permission.objects.get(codename="view_day"))
        client.force_login(staff)
        assert client.get(self.url).status_code == 403

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        assert client.get(self.url).status_code == 302


# Property-based round trip over generated days with awkward text.

AWKWARD_LINES = [
    "# heading",
    "## Summary",
    "---",
    "===",
    "```",
    "~~~ python",
    "> quoted",
    "- item",
    "- [ ] task",
    "1. numbered",
    "**bold:** text",
    "\\",
    "| a | b |",
    "    indented code",
    "<div>",
    "<!-- comment",
    "[ref]: https://example.org",
    "  ",
    "",
    "\t tab",
    "#",
    "Zellen 🚀 مرحبا e\u0301 中文",
]


def passes(validators, value):
    """Whether ``value`` passes ``validators``: generated days hold only what may be stored."""
    try:
        for validate in validators:
            validate(value)
    except ValidationError:
        return False
    return True


#: Text an editor may type: no control character (but LF), no noncharacter, no surrogate.
printable = st.characters(
    exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff\ufdd0\U0001fffe"
)
plain_text = st.text(alphabet=printable, max_size=40)
markdown_text = (
    st.lists(st.one_of(st.sampled_from(AWKWARD_LINES), plain_text), max_size=6)
    .map("\n".join)
    .filter(lambda text: passes([validate_printable], text))
    .filter(lambda text: not text.strip() or passes([validate_not_blank], text.strip()))
)
line_breaks = st.sampled_from(["\n", "\r\n", "\r"])
multi_line_text = st.tuples(markdown_text, line_breaks).map(lambda t: t[0].replace("\n", t[1]))
outcome_text = st.tuples(
    st.sampled_from(["x", "**y", "  z", "\\w", "# h", "[x] done", "[ ] open", "1. one", "- d"]),
    multi_line_text,
).map("\n".join)
#: One-line values that any Markdown renderer would turn into markup, were they not escaped.
HOSTILE_ONE_LINE = [
    "C #",
    "#",
    "x ##  ",
    "a \\#",
    " padded ",
    "**",
    "> q",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[x] **Nobody** [Area]: done",
    "![i](https://example.org/i.png)",
    "<https://example.org>",
    "`code` ``x``",
    "&amp; &#60; &lt;",
    "~~struck~~ _em_ *em* __strong__",
    "| a | b |",
    "\\",
    "x\\",
    "\\*not\\*",
    "1. one",
    "- dash",
    "+ plus",
    "<!-- c -->",
    "\u202eevil\u202c",
]
single_line = st.one_of(
    st.sampled_from(HOSTILE_ONE_LINE),
    st.text(alphabet=printable, min_size=1, max_size=50),
).filter(lambda value: passes(ONE_LINE, value))
label = st.text(
    alphabet=st.characters(
        exclude_categories=("Cs", "Cc"), exclude_characters="*[]\ufffe\uffff\ufdd0"
    ),
    min_size=1,
    max_size=40,
).filter(lambda value: passes(LABEL, value))


@st.composite
def generated_days(draw):
    team = Team.objects.create(name=draw(single_line), slug="generated-team")
    cycle = Cycle.objects.create(
        team=team, name=draw(st.sampled_from(["Kilo", " # ", "*Liberty*"])), slug="generated"
    )
    meetup = Meetup.objects.create(
        name=draw(single_line),
        slug="generated",
        team=team,
        cycle=cycle,
        location=draw(st.one_of(st.just(""), single_line)),
        start_date=datetime.date(2015, 1, 26),
        end_date=datetime.date(2015, 1, 28),
    )
    day = Day.objects.create(
        meetup=meetup, number=draw(st.integers(1, 3)), date=datetime.date(2015, 1, 27)
    )
    day.summary = draw(st.one_of(st.just(""), multi_line_text))
    day.save()
    area_names = draw(st.lists(label, min_size=1, max_size=4, unique_by=str.strip))
    areas = [
        PriorityArea.objects.create(team=team, name=name, slug=f"area-{index}")
        for index, name in enumerate(area_names)
    ]
    # Some areas in the cycle's priority list, in any order; the others follow by name.
    listed = draw(st.permutations(areas))[: draw(st.integers(0, len(areas)))]
    for order, area in enumerate(listed, start=1):
        CyclePriority.objects.create(cycle=cycle, area=area, order=order)
    titles = draw(st.lists(single_line, min_size=0, max_size=3, unique=True))
    for order, title in enumerate(titles, start=1):
        session = Session.objects.create(
            day=day,
            title=title,
            order=order,
            kind=draw(st.sampled_from(SessionKind)),
            part_of_day=draw(st.sampled_from(["", *PartOfDay])),
            start_time=draw(
                st.one_of(st.none(), st.times().map(lambda t: t.replace(second=0, microsecond=0)))
            ),
            facilitator=draw(st.one_of(st.just(""), single_line)),
            notes=draw(st.one_of(st.just(""), multi_line_text)),
        )
        for area in draw(st.lists(st.sampled_from(areas), unique=True, max_size=len(areas))):
            StatusUpdate.objects.create(
                session=session,
                priority_area=area,
                status=draw(st.sampled_from(Status)),
                headline=draw(single_line),
                body=draw(st.one_of(st.just(""), multi_line_text)),
                reported_by=draw(st.one_of(st.just(""), single_line)),
                delivery=draw(st.sampled_from(Delivery)),
            )
        for model in (Decision, Risk, ActionItem):
            for order in range(draw(st.integers(0, 2))):
                extra = {"owner": draw(label), "done": draw(st.booleans())}
                model.objects.create(
                    session=session,
                    order=order,
                    text=draw(outcome_text),
                    priority_area=draw(st.one_of(st.none(), st.sampled_from(areas))),
                    **(extra if model is ActionItem else {}),
                )
    return day


def as_markdown_lines(text):
    """Editor text as the report keeps it: LF line breaks, no blank lines at either end,
    blank lines empty. Everything else must survive the trip exactly."""
    lines = [line if line.strip() else "" for line in re.split(r"\r\n|\r|\n", text)]
    return "\n".join(lines).strip("\n")


def as_one_line(text):
    return " ".join(re.split(r"\r\n|\r|\n", text))


def snapshot(day):
    """What a day holds, in the form the report promises to keep."""
    sessions = day.sessions.all()
    return {
        "meetup": (day.meetup.slug, as_one_line(day.meetup.name)),
        "team": (day.meetup.team.slug, day.meetup.team.name),
        "cycle": (day.meetup.cycle.slug, day.meetup.cycle.name),
        "day": (day.number, day.date, as_markdown_lines(day.summary)),
        "sessions": [
            (
                as_one_line(s.title),
                s.kind,
                s.part_of_day,
                s.start_time,
                as_one_line(s.facilitator),
                as_markdown_lines(s.notes),
            )
            for s in sessions
        ],
        "updates": sorted(
            (
                u.priority_area.name,
                as_one_line(u.session.title),
                u.status,
                as_one_line(u.headline),
                as_markdown_lines(u.body),
                as_one_line(u.reported_by),
                u.delivery,
            )
            for u in StatusUpdate.objects.filter(session__day=day)
        ),
        "outcomes": [
            (
                type(o).__name__,
                as_one_line(o.session.title),
                as_markdown_lines(o.text),
                o.priority_area.name if o.priority_area else None,
                getattr(o, "owner", None),
                getattr(o, "done", None),
            )
            for s in sessions
            for o in [*s.decisions.all(), *s.action_items.all(), *s.risks.all()]
        ],
    }


class TestRoundTripProperty(HypothesisTestCase):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(generated_days())
    def test_import_of_an_export_exports_the_same_bytes(self, day):
        first = day_report(day)
        original = snapshot(day)
        empty_the_database()
        imported = import_report(first, create_areas=True).day
        second = day_report(Day.objects.with_meetup().get(pk=imported.pk))
        assert second == first
        assert snapshot(imported) == original
        assert import_report(first).changes == []
