"""The day's mail: a plain text that reads well in a mail client, an HTML twin, proper headers.

Built by ``priorities.interchange.report_mail`` and read here as a mail client reads it: from
Django's outbox (the locmem backend the tests run with) or parsed from its bytes.
"""

import email
import email.policy
import re

import pytest
from django.core import mail as outbox
from django.db import connection
from django.test.utils import CaptureQueriesContext

from priorities.enums import Status
from priorities.interchange.plain_text import WIDTH
from priorities.interchange.report_mail import day_mail
from priorities.interchange.report_sending import build_message, send_day_report
from priorities.models import Day, ReportSending
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    DayFactory,
    DecisionFactory,
    PersonFactory,
    SessionFactory,
    StatusUpdateFactory,
    build_day,
)

pytestmark = pytest.mark.django_db

SITE = "https://notes.example.org"
DEMO_DAY_URL = f"{SITE}/meetups/nova-kilo-midcycle/days/1/"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE
    settings.DEFAULT_FROM_EMAIL = "Nova notes <notes@example.org>"


def parsed(message):
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def test_the_demo_day_reads_well_as_plain_text(demo_day):
    text = day_mail(demo_day, site_url=SITE).text
    lines = text.split("\n")
    assert not [line for line in lines if line.startswith((">", "From "))]
    assert not [line for line in lines if len(line) > WIDTH and " " in line.strip()]
    assert DEMO_DAY_URL in lines
    assert "**" not in text and "](" not in text
    assert "- Cells v2: Slow progress (new, first status report)" in lines
    absent = r"API v2\.1 \(microversions\): Good progress \(new, first status report\), no"
    assert re.search(absent + r"\s+lead present", text)
    assert "Andrew Laski, Dan Smith, Jay Pipes" in text


def test_action_items_are_grouped_by_owner_before_the_details(demo_day):
    text = day_mail(demo_day, site_url=SITE).text
    items = text.index("\nAction items\n")
    assert items < text.index("\nUpdates by priority area\n")
    owners = text[items:].split("\n\n")[1:3]
    assert owners[0].startswith("nova-network migration team\n- [ ] Start moving devstack")
    assert owners[1].startswith("Scheduler sub-team\n- [ ] Land the patch series")


def test_each_area_says_how_its_status_changed_since_the_day_before(db):
    day_one = DayFactory()
    update = StatusUpdateFactory(
        session__day=day_one, priority_area__name="Cells v2", status=Status.SLOW_PROGRESS
    )
    day_two = DayFactory(meetup=day_one.meetup, number=2)
    StatusUpdateFactory(
        session__day=day_two, priority_area=update.priority_area, status=Status.GOOD_PROGRESS
    )
    text = day_mail(Day.objects.with_meetup().get(pk=day_two.pk), site_url=SITE).text
    assert "- Cells v2: Good progress (improved, was Slow progress on day 1)" in text


def test_links_are_numbered_footnotes_listed_at_the_end(db):
    session = SessionFactory(notes="See [the spec](https://specs.example.org/cells-v2).")
    DecisionFactory(session=session, text="Follow [the spec](https://specs.example.org/cells-v2).")
    ActionItemFactory(session=session, owner="alice", text="Read [this](https://x.example/a).")
    text = day_mail(Day.objects.with_meetup().get(), site_url=SITE).text
    # The action items come first, then the sessions: one number a URL, however often.
    assert "Read this [1]." in text
    assert "See the spec [2]." in text and "Follow the spec [2]." in text
    assert text.endswith(
        "Links\n-----\n\n[1] https://x.example/a\n[2] https://specs.example.org/cells-v2\n"
    )


def test_editors_quotes_and_long_urls_stay_readable(db):
    url = "https://review.example.org/" + "q" * 90
    SessionFactory(notes=f"> quoted by an editor\n\nFrom the room: {url}")
    day = Day.objects.get()
    AttendanceFactory(meetup=day.meetup, person=PersonFactory(name=">Odd name"), days=[day])
    text = day_mail(Day.objects.with_meetup().get(), site_url=SITE).text
    assert not [line for line in text.split("\n") if line.startswith((">", "From "))]
    assert url in text.split("\n")


def test_the_html_alternative_holds_the_same_content_sanitised(demo_day):
    mail = day_mail(demo_day, site_url=SITE)
    assert f'<a href="{DEMO_DAY_URL}">' in mail.html
    assert "Cells v2" in mail.html and "improved" not in mail.html
    assert "Start moving devstack from nova-network to Neutron." in mail.html
    assert "<script" not in mail.html


def test_editor_html_in_the_mail_is_sanitised(db):
    SessionFactory(notes='<script>alert(1)</script><img src=x onerror="alert(2)"> hello')
    mail = day_mail(Day.objects.with_meetup().get(), site_url=SITE)
    assert "<script" not in mail.html and "onerror" not in mail.html
    assert "alert(1)" not in mail.text


def test_the_message_has_a_text_part_an_html_part_and_proper_headers(demo_day):
    message, mail = build_message(demo_day, to=["openstack-dev@lists.example.org"])
    received = parsed(message)
    assert received["From"] == "Nova notes <notes@example.org>"
    assert received["To"] == "openstack-dev@lists.example.org"
    assert received["Subject"] == (
        "[OpenStack Nova] OpenStack Nova Kilo mid-cycle meetup: day 1, 2015-01-26"
    )
    assert re.fullmatch(r"<[^@<>]+@notes\.example\.org>", received["Message-ID"])
    assert received["Date"].datetime.tzinfo is not None
    assert received.get_content_type() == "multipart/alternative"
    assert received.get_body(("plain",)).get_content() == mail.text
    assert DEMO_DAY_URL in received.get_body(("html",)).get_content()


def test_sending_goes_through_django_s_mail_and_is_recorded(demo_day, superuser):
    sending = send_day_report(demo_day, to=["list@example.org"], sent_by=superuser)
    [sent] = outbox.outbox
    assert sent.to == ["list@example.org"]
    assert sent.alternatives[0].mimetype == "text/html"
    assert DEMO_DAY_URL in sent.body
    recorded = ReportSending.objects.get()
    assert recorded == sending
    assert (recorded.sent_by, recorded.addresses, recorded.day) == (
        superuser,
        ["list@example.org"],
        demo_day,
    )
    assert recorded.message_id == sent.extra_headers["Message-ID"]
    assert recorded.subject == sent.subject
    assert recorded.content_digest == day_mail(demo_day, site_url=SITE).digest
    assert recorded.day_version == demo_day.version


def test_addresses_that_are_not_addresses_send_nothing(demo_day):
    with pytest.raises(Exception, match="Not an email address: not-an-address"):
        send_day_report(demo_day, to=["list@example.org", "not-an-address"])
    assert outbox.outbox == [] and not ReportSending.objects.exists()


def test_the_mail_costs_the_day_page_s_queries_however_large_the_day(db):
    def queries(day):
        with CaptureQueriesContext(connection) as captured:
            day_mail(Day.objects.with_meetup().get(pk=day.pk), site_url=SITE)
        return len(captured) - 1  # the day itself

    small, large = build_day(), build_day(updates_per_area=10, outcomes_per_session=3)
    assert queries(large) == queries(small) == 9  # those of day_contents


def test_long_or_quote_like_headings_are_wrapped_and_stuffed(db):
    SessionFactory(title="> " + "a long session title " * 6)
    text = day_mail(Day.objects.with_meetup().get(), site_url=SITE).text
    heading = text[text.index(" > a long") :].split("\n\n")[0].split("\n")
    assert all(len(line) <= WIDTH for line in heading)
    assert heading[-1] == "~" * max(len(line) for line in heading[:-1])
