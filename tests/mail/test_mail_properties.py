"""Any day, whatever its editors typed, reads well as a mail: the days the report's round trip
is tested on (``tests.interchange.test_import.generated_days``), as plain text."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase as HypothesisTestCase

from priorities.interchange.plain_text import WIDTH
from priorities.interchange.report_mail import day_mail
from priorities.models import Day
from tests.interchange.test_import import generated_days
from tests.interchange.test_plain_text import LIST_MARKERS, code_lines, unbreakable

#: What these tests check does not depend on the database: CI runs them once (on SQLite).
pytestmark = pytest.mark.any_database


def editors_code(day):
    """Every line of code the day's editors typed: a mail keeps those whatever their width."""
    texts = [day.summary]
    for session in day.sessions.all():
        texts += [session.notes, *(u.body for u in session.updates.all())]
        texts += [o.text for o in [*session.decisions.all(), *session.risks.all()]]
        texts += [o.text for o in session.action_items.all()]
    return set().union(*(code_lines(text) for text in texts))


class TestAnyDayReadsWellAsMail(HypothesisTestCase):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(generated_days())
    def test_no_quoted_line_and_72_columns(self, day):
        text = day_mail(Day.objects.with_meetup().get(pk=day.pk), site_url="https://x.org").text
        kept = editors_code(day)
        for line in text.split("\n"):
            assert not line.startswith((">", "From ")), line
            in_code = LIST_MARKERS.sub("", line).strip() in kept
            assert len(line) <= WIDTH or unbreakable(line) or in_code, line
        assert "https://x.org/meetups/generated/days/" in text
