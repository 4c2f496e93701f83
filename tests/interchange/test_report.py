import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from markdown_it import MarkdownIt

from priorities.enums import Status
from priorities.interchange.report_export import day_report
from priorities.management.commands.export_day import Command as ExportDay
from priorities.models import Day
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    RiskFactory,
    StatusUpdateFactory,
    build_day,
)

pytestmark = pytest.mark.django_db


def build_day_without_attendance():
    day = build_day()
    day.attendances.clear()
    return Day.objects.with_meetup().get(pk=day.pk)


commonmark = MarkdownIt("commonmark").enable("table")


def report_headings(text):
    """The report's own headings: (level, text) of every heading outside quotes and lists."""
    tokens = commonmark.parse(text)
    return [
        (int(token.tag[1]), "".join(child.content for child in tokens[index + 1].children))
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0
    ]


def test_demo_report_has_the_expected_heading_tree(demo_day):
    headings = report_headings(day_report(demo_day))
    assert headings[0] == (1, "OpenStack Nova Kilo mid-cycle meetup: day 1, 2015-01-26")
    assert [text for level, text in headings if level == 2] == [
        "Summary",
        "Who was there",
        "Priority areas",
        "Sessions",
    ]
    areas = [text for level, text in headings if level == 3]
    assert areas[:9] == [
        "Cells v2",
        "Nova Objects",
        "Scheduler split",
        "API v2.1 (microversions)",
        "Functional testing",
        "nova-network to Neutron migration",
        "Zero-downtime upgrades",
        "Bugs",
        "Test infrastructure",
    ]
    assert sum(1 for level, _ in headings if level == 1) == 1


def test_demo_report_lists_statuses_by_label_and_action_items_as_tasks(demo_day):
    report = day_report(demo_day)
    assert "- Status: Slow progress" in report
    assert "- Status: Needs code review" in report
    assert (
        "- Reported: in writing by Christopher Yeoh and Ken'ichi Ohmichi (on the shared etherpad)"
        in report
    )
    assert "- [ ] **Scheduler sub-team** [Scheduler split]: Land the patch series" in report
    assert "2015-01-26" in report
    assert report.endswith("\n")


def test_the_report_links_back_to_the_day_page(demo_day, settings):
    settings.SITE_URL = "https://notes.example.org"
    report = day_report(demo_day)
    assert "- Page: <https://notes.example.org/meetups/nova-kilo-midcycle/days/1/>\n" in report


def test_the_report_lists_who_was_there_as_a_table_of_inert_names(demo_day):
    attendance = demo_day.attendances.get(person__name="Sean Dague")
    attendance.person.name = "1. <b>Sean</b> | Dague"
    attendance.person.save()
    report = day_report(demo_day)
    assert "## Who was there\n\n| Attendee |\n| --- |\n| 1. \\<b\\>Sean\\</b\\> \\| Dague |\n" in (
        report
    )
    assert "| Andrew Laski |\n" in report
    html = MarkdownIt("commonmark").enable("table").render(report)
    assert "<td>1. &lt;b&gt;Sean&lt;/b&gt; | Dague</td>" in html


def test_a_day_without_attendance_has_no_attendees_section():
    assert "Who was there" not in day_report(build_day_without_attendance())


def test_the_status_table_has_a_change_column(db):
    first = StatusUpdateFactory(priority_area__name="Cells v2", status=Status.SLOW_PROGRESS)
    day_two = DayFactory(meetup=first.session.day.meetup, number=2)
    StatusUpdateFactory(
        session__day=day_two,
        priority_area=first.priority_area,
        status=Status.GOOD_PROGRESS,
        headline="Faster",
    )
    report = day_report(Day.objects.with_meetup().get(pk=day_two.pk))
    assert "| Priority area | Status | Change | Headline |\n| --- | --- | --- | --- |\n" in report
    assert "| Cells v2 | Good progress | improved, was Slow progress on day 1 | Faster |" in report


@pytest.mark.parametrize(
    "body",
    [
        "# Not a report heading\n\nText.",
        "Intro\n\n---\n\n## Also not a heading",
        "Setext attempt\n---",
        "```python\nunclosed = 'fence'\n\n# still code",
        "<div>\n\n# html block\n\n</div>",
        "    indented code\n# heading after",
    ],
)
def test_editor_text_cannot_create_or_swallow_report_headings(body):
    update = StatusUpdateFactory(body=body, session__notes=body, session__day__summary=body)
    DecisionFactory(session=update.session, text=body)
    ActionItemFactory(session=update.session, text=body)
    RiskFactory(session=update.session, text=body)
    headings = report_headings(day_report(update.session.day))
    assert [level for level, _ in headings] == [1, 2, 2, 3, 4, 2, 3, 4, 4, 4]
    assert [text for _, text in headings][1:] == [
        "Summary",
        "Priority areas",
        update.priority_area.name,
        update.session.title,
        "Sessions",
        update.session.title,
        "Decisions",
        "Action items",
        "Risks",
    ]


def test_a_trailing_hash_in_a_title_survives_in_the_heading():
    update = StatusUpdateFactory(session__title="Talk about C #")
    headings = report_headings(day_report(update.session.day))
    assert (3, "Talk about C #") in headings


def test_report_is_valid_commonmark_with_a_table_and_task_list(demo_day):
    tokens = MarkdownIt("commonmark").enable("table").parse(day_report(demo_day))
    types = {token.type for token in tokens}
    assert {"table_open", "blockquote_open", "bullet_list_open"} <= types
    task_items = [
        token.content
        for token in tokens
        if token.type == "inline" and token.content.startswith(("[ ] ", "[x] "))
    ]
    assert len(task_items) == 2


def test_report_costs_a_fixed_number_of_queries(django_assert_num_queries):
    small = build_day(updates_per_area=1)
    large = build_day(updates_per_area=10, outcomes_per_session=3)
    for day in (small, large):
        day = Day.objects.with_meetup().get(pk=day.pk)
        with django_assert_num_queries(9):
            day_report(day)


def test_done_action_items_are_ticked_and_dates_are_iso():
    item = ActionItemFactory(owner="Sean", text="Switch devstack", done=True)
    report = day_report(item.session.day)
    assert "- [x] **Sean**: Switch devstack" in report
    assert f"- Date: {item.session.day.date.isoformat()} (day 1)" in report


def test_an_outcome_text_that_looks_like_an_area_is_escaped():
    decision = DecisionFactory(text="**Bold** start, no area")
    assert "- \\**Bold** start, no area" in day_report(decision.session.day)


def test_windows_line_breaks_in_editor_text_cannot_break_the_structure():
    update = StatusUpdateFactory(body="line one\r# not a heading\r\nline three")
    report = day_report(update.session.day)
    assert "\r" not in report
    assert "> # not a heading" in report
    assert (1, "# not a heading") not in report_headings(report)


class TestTheThreeExportPaths:
    """The view, the command and the admin action serve the same bytes."""

    def test_they_return_identical_bytes(self, demo_day, client, superuser, tmp_path):
        from_view = client.get(
            reverse("priorities:day-report", kwargs={"slug": demo_day.meetup.slug, "number": 1})
        ).content
        stdout = io.StringIO()
        call_command("export_day", demo_day.meetup.slug, "1", stdout=stdout)
        output = tmp_path / "day.md"
        call_command(
            "export_day", demo_day.meetup.slug, "1", "-o", str(output), stderr=io.StringIO()
        )
        client.force_login(superuser)
        from_admin = client.post(
            reverse("admin:priorities_day_changelist"),
            {"action": "download_reports", "_selected_action": [demo_day.pk]},
        )
        assert from_admin["Content-Type"] == "text/markdown; charset=utf-8"
        assert 'filename="nova-kilo-midcycle-day-1.md"' in from_admin["Content-Disposition"]
        expected = day_report(demo_day).encode()
        assert from_view == expected
        assert stdout.getvalue().encode() == expected
        assert output.read_bytes() == expected
        assert from_admin.content == expected

    def test_the_admin_action_zips_several_days(self, demo_day, client, superuser):
        second = DayFactory(meetup=demo_day.meetup, number=2)
        client.force_login(superuser)
        response = client.post(
            reverse("admin:priorities_day_changelist"),
            {"action": "download_reports", "_selected_action": [demo_day.pk, second.pk]},
        )
        assert response["Content-Type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert sorted(archive.namelist()) == [
            "nova-kilo-midcycle-day-1.md",
            "nova-kilo-midcycle-day-2.md",
        ]
        assert archive.read("nova-kilo-midcycle-day-1.md") == day_report(demo_day).encode()

    @pytest.mark.parametrize(
        ("meetup", "number"), [("no-such-meetup", "1"), ("nova-kilo-midcycle", "9")]
    )
    def test_the_command_refuses_an_unknown_meetup_or_day(self, demo_day, meetup, number):
        with pytest.raises(CommandError, match="No day"):
            call_command("export_day", meetup, number)

    def test_the_command_exits_with_status_1_on_an_unknown_day(self, demo_day, capsys):
        with pytest.raises(SystemExit) as exit_:
            ExportDay().run_from_argv(["manage.py", "export_day", "nova-kilo-midcycle", "9"])
        assert exit_.value.code == 1
        assert "No day 9" in capsys.readouterr().err
