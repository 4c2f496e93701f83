import pytest
from django.core.management import call_command
from markdown_it import MarkdownIt

from priorities.models import Day
from priorities.report import day_report
from tests.factories import ActionItemFactory, DecisionFactory, RiskFactory, StatusUpdateFactory

pytestmark = pytest.mark.django_db

commonmark = MarkdownIt("commonmark").enable("table")


def report_headings(text):
    """The report's own headings: (level, text) of every heading outside quotes and lists."""
    tokens = commonmark.parse(text)
    return [
        (int(token.tag[1]), "".join(child.content for child in tokens[index + 1].children))
        for index, token in enumerate(tokens)
        if token.type == "heading_open" and token.level == 0
    ]


@pytest.fixture
def demo_day():
    call_command("load_demo")
    return Day.objects.get(meetup__slug="nova-kilo-midcycle", number=1)


def test_demo_report_has_the_expected_heading_tree(demo_day):
    headings = report_headings(day_report(demo_day))
    assert headings[0] == (1, "OpenStack Nova Kilo mid-cycle meetup: day 1, 2015-01-26")
    assert [text for level, text in headings if level == 2] == [
        "Summary",
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
    assert "- Reported: in writing by API v2.1 leads (on the shared etherpad)" in report
    assert "- [ ] **Scheduler sub-team** (Scheduler split): Land the patch series" in report
    assert "2015-01-26" in report
    assert report.endswith("\n")


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
