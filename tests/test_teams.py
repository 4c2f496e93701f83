"""Two teams on one site, both with an area called "Bugs": neither ever sees the other's data.

Team A is OpenStack Nova (Kilo cycle), team B OpenStack Neutron (Liberty cycle). Every report
of A carries the word "xylophone", every report of B "zeppelin", so a page that mixes them is
caught by a plain text search.
"""

import datetime
from dataclasses import dataclass

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from priorities.enums import Status
from priorities.interchange.report_export import day_report
from priorities.models import (
    ActionItem,
    Cycle,
    CyclePriority,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    Team,
    violated_rule_message,
)
from tests.factories import (
    ActionItemFactory,
    CycleFactory,
    DayFactory,
    DecisionFactory,
    EditorFactory,
    MeetupFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    browser_for,
    other_team,
)
from tests.html import errors_shown, form_data, parse, text_of

pytestmark = pytest.mark.django_db

A_WORD, B_WORD = "xylophone", "zeppelin"
TEAM_MODELS = [Team, Cycle, CyclePriority, Meetup, PriorityArea, Day, Session, StatusUpdate]
TEAM_MODELS += [Decision, ActionItem, Risk]


@dataclass
class TeamData:
    team: Team
    cycle: Cycle
    bugs: PriorityArea
    meetup: Meetup
    day: Day
    session: Session
    update: StatusUpdate
    action: ActionItem


def reports_of(team, cycle, word, slug, start):
    bugs = PriorityAreaFactory(team=team, name="Bugs", slug="bugs")
    meetup = MeetupFactory(
        team=team,
        cycle=cycle,
        slug=slug,
        name=f"{team.name} {word} meetup",
        start_date=start,
        end_date=start + datetime.timedelta(days=2),
    )
    day = DayFactory(meetup=meetup, summary=f"A day of {word} work.")
    session = SessionFactory(day=day, title=f"Status round on {word}")
    update = StatusUpdateFactory(
        session=session, priority_area=bugs, headline=f"Bug triage of {word}", body=word
    )
    DecisionFactory(session=session, priority_area=bugs, text=f"Decided on {word}")
    action = ActionItemFactory(session=session, priority_area=bugs, text=f"Act on {word}")
    RiskFactory(session=session, priority_area=bugs, text=f"Risk of {word}")
    return TeamData(team, cycle, bugs, meetup, day, session, update, action)


@pytest.fixture
def team_a():
    cycle = CycleFactory()  # OpenStack Nova, Kilo
    return reports_of(cycle.team, cycle, A_WORD, "nova-kilo", datetime.date(2015, 1, 26))


@pytest.fixture
def team_b(team_a):
    team, cycle = other_team()
    return reports_of(team, cycle, B_WORD, "neutron-liberty", datetime.date(2015, 6, 10))


@pytest.fixture
def editor_b(team_b):
    editor = EditorFactory(username="neutron-editor")
    editor.teams.add(team_b.team)
    return browser_for(editor)


def snapshot():
    """Every row of every team model, to show that something changed nothing."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TEAM_MODELS}


def pages_of(data):
    """Every reader page of one team, and the site-wide ones filtered to that team."""
    team, cycle = data.team.slug, f"{data.team.slug}/{data.cycle.slug}"
    return [
        data.team.get_absolute_url(),
        reverse("priorities:team-feed", kwargs={"team": team}),
        data.bugs.get_absolute_url(),
        data.bugs.get_feed_url(),
        data.meetup.get_absolute_url(),
        reverse("priorities:meetup-feed", kwargs={"slug": data.meetup.slug}),
        data.day.get_absolute_url(),
        reverse("priorities:day-report", kwargs={"slug": data.meetup.slug, "number": 1}),
        f"/?team={team}",
        f"/?cycle={cycle}",
        f"/search/?q=bug&team={team}",
        f"/search/?q=bug&cycle={cycle}",
        f"/search/?q=bug&area={team}/bugs",
        f"/decisions/?team={team}",
        f"/decisions/?cycle={cycle}",
        f"/actions/?team={team}",
        f"/actions/?cycle={cycle}",
    ]


def test_no_page_feed_search_or_register_of_one_team_shows_the_others(client, team_a, team_b):
    for data, own, other in [(team_a, A_WORD, B_WORD), (team_b, B_WORD, A_WORD)]:
        for url in pages_of(data):
            response = client.get(url)
            assert response.status_code == 200, url
            content = response.content.decode()
            assert own in content, url
            assert other not in content, url


def test_a_bare_area_slug_that_two_teams_share_finds_both_teams_areas(client, team_a, team_b):
    text = client.get("/search/?q=bug&area=bugs").content.decode()
    assert A_WORD in text and B_WORD in text


def test_feed_entries_name_their_team(client, team_a, team_b):
    feed = client.get(reverse("priorities:updates-feed")).content.decode()
    assert f"OpenStack Nova · Bugs: Good progress. Bug triage of {A_WORD}" in feed
    assert f"OpenStack Neutron · Bugs: Good progress. Bug triage of {B_WORD}" in feed
    assert '<category term="OpenStack Neutron"' in feed


def test_a_day_page_lists_its_cycle_priorities_and_never_another_teams(client, team_a, team_b):
    PriorityAreaFactory(team=team_b.team, name="DVR", slug="dvr")
    PriorityAreaFactory(team=team_b.team, name="IPv6", slug="ipv6")
    nova = text_of(client.get(team_a.day.get_absolute_url()).content)
    neutron = text_of(client.get(team_b.day.get_absolute_url()).content)
    assert "DVR" not in nova and "IPv6" not in nova
    assert "DVR" in neutron and "IPv6" in neutron


def test_the_admin_shows_an_editor_of_team_b_only_team_bs_rows(editor_b, team_a, team_b):
    for model in ["meetup", "day", "session", "statusupdate", "decision", "actionitem", "risk"]:
        for query in ["", "?q=bug", "?q=Bugs"]:
            url = reverse(f"admin:priorities_{model}_changelist") + query
            response = editor_b.get(url)
            assert response.status_code == 200, url
            assert A_WORD not in response.content.decode() and "Nova" not in text_of(
                response.content
            ), url
    areas = editor_b.get(reverse("admin:priorities_priorityarea_changelist"))
    assert "OpenStack Nova" not in text_of(areas.content)


def test_autocompletes_offer_an_editor_only_their_teams_areas(editor_b, team_a, team_b):
    for model in ["statusupdate", "decision", "actionitem", "risk"]:
        response = editor_b.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "priorities",
                "model_name": model,
                "field_name": "priority_area",
                "term": "Bugs",
            },
        )
        ids = [int(result["id"]) for result in response.json()["results"]]
        assert ids == [team_b.bugs.pk], model


def test_a_session_inline_offers_only_its_meetups_teams_areas(organiser_client, team_a, team_b):
    html = organiser_client.get(
        reverse("admin:priorities_session_change", args=[team_b.session.pk])
    ).content.decode()
    select = next(
        e for e in parse(html).iter() if (e.get("name") or "").endswith("-0-priority_area")
    )
    offered = {int(o.get("value")) for o in select.iter() if o.get("value")}
    assert offered == {team_b.bugs.pk}


def forged_posts(team_a, team_b):
    """What an editor of team B might post to reach team A's data, by name."""
    a_update = team_a.update
    history_id = a_update.history.first().history_id
    return {
        "change A's update": (
            reverse("admin:priorities_statusupdate_change", args=[a_update.pk]),
            {"session": team_a.session.pk, "priority_area": team_a.bugs.pk, "headline": "Mine"},
        ),
        "delete A's update": (
            reverse("admin:priorities_statusupdate_delete", args=[a_update.pk]),
            {"post": "yes"},
        ),
        "delete A's update from the list": (
            reverse("admin:priorities_statusupdate_changelist"),
            {"action": "delete_selected", "_selected_action": [a_update.pk], "post": "yes"},
        ),
        "tick A's action item done in the list": (
            reverse("admin:priorities_actionitem_changelist"),
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-0-id": team_a.action.pk,
                "form-0-done": "on",
                "_save": "Save",
            },
        ),
        "add an update to A's session": (
            reverse("admin:priorities_statusupdate_add"),
            {
                "session": team_a.session.pk,
                "priority_area": team_b.bugs.pk,
                "status": Status.BLOCKED,
                "headline": "Forged",
                "delivery": "in-person",
            },
        ),
        "add an update on A's area to B's session": (
            reverse("admin:priorities_statusupdate_add"),
            {
                "session": team_b.session.pk,
                "priority_area": team_a.bugs.pk,
                "status": Status.BLOCKED,
                "headline": "Forged",
                "delivery": "in-person",
            },
        ),
        "add a decision on A's area to B's session": (
            reverse("admin:priorities_decision_add"),
            {"session": team_b.session.pk, "priority_area": team_a.bugs.pk, "text": "Forged"},
        ),
        "restore A's update from its history": (
            reverse("admin:priorities_statusupdate_simple_history", args=[a_update.pk, history_id]),
            {"headline": "Restored by B"},
        ),
        "import a report of A's day": (
            reverse("admin:priorities_day_import"),
            {"text": day_report(team_a.day).replace(A_WORD, "forged"), "confirm": "1"},
        ),
        "import a report of A's day into A's meetup": (
            reverse("admin:priorities_day_import"),
            {"text": day_report(team_a.day), "meetup": team_a.meetup.slug, "confirm": "1"},
        ),
        "quick notes for A's day": (
            reverse("admin:priorities_day_notes"),
            {"day": team_a.day.pk, "notes": "#topic Bugs\n#info forged\n", "confirm": "1"},
        ),
        "quick notes from A's day page": (
            reverse("admin:priorities_day_notes", args=[team_a.day.pk]),
            {"notes": "#topic Bugs\n#info forged\n", "confirm": "1"},
        ),
    }


FORGED = [
    "change A's update",
    "delete A's update",
    "delete A's update from the list",
    "tick A's action item done in the list",
    "add an update to A's session",
    "add an update on A's area to B's session",
    "add a decision on A's area to B's session",
    "restore A's update from its history",
    "import a report of A's day",
    "import a report of A's day into A's meetup",
    "quick notes for A's day",
    "quick notes from A's day page",
]


def test_the_forged_posts_are_all_tried(team_a, team_b):
    assert sorted(forged_posts(team_a, team_b)) == sorted(FORGED)


@pytest.mark.parametrize("attempt", FORGED)
def test_a_forged_post_of_an_editor_of_team_b_is_refused_and_changes_nothing(
    editor_b, team_a, team_b, attempt
):
    url, data = forged_posts(team_a, team_b)[attempt]
    before = snapshot()
    response = editor_b.post(url, data)
    assert response.status_code in {200, 302, 400, 403}  # 400: Django's "list_editable does
    assert snapshot() == before  # not allow adding", for a row the list does not hold


def test_the_same_editor_may_edit_their_own_teams_data(editor_b, team_b):
    """The refusals above are the team boundary, not a broken form."""
    url = reverse("admin:priorities_actionitem_changelist")
    data = form_data(editor_b.get(url).content, "changelist-form")
    assert data["form-0-id"] == str(team_b.action.pk)
    data["form-0-done"] = "on"
    response = editor_b.post(url, {**data, "_save": "Save"})
    assert response.status_code == 302, errors_shown(response.content)
    team_b.action.refresh_from_db()
    assert team_b.action.done

    notes = editor_b.post(
        reverse("admin:priorities_day_notes", args=[team_b.day.pk]),
        {"notes": "#topic Bugs\n#info triaged the gate\n", "confirm": "1"},
    )
    assert notes.status_code == 302, errors_shown(notes.content)
    assert team_b.bugs.decisions.count() == 1
    assert Session.objects.filter(day=team_b.day, title="Quick notes").exists()


@pytest.mark.parametrize(
    "move",
    [
        "an update onto the other team's area",
        "a decision onto the other team's area",
        "a meetup into the other team's cycle",
        "a session into the other team's day",
        "an area to the other team",
        "the other team's area into a cycle's priority list",
    ],
)
def test_the_database_refuses_to_mix_teams_whatever_the_way_in(team_a, team_b, move):
    """The shell, a script or a bug that skips the forms meets the same rules (triggers)."""
    moves = {
        "an update onto the other team's area": lambda: StatusUpdate.objects.filter(
            pk=team_b.update.pk
        ).update(priority_area=team_a.bugs),
        "a decision onto the other team's area": lambda: Decision.objects.filter(
            session=team_b.session
        ).update(priority_area=team_a.bugs),
        "a meetup into the other team's cycle": lambda: Meetup.objects.filter(
            pk=team_b.meetup.pk
        ).update(cycle=team_a.cycle),
        "a session into the other team's day": lambda: Session.objects.filter(
            pk=team_b.session.pk
        ).update(day=team_a.day),
        "an area to the other team": lambda: PriorityArea.objects.filter(pk=team_b.bugs.pk).update(
            team=team_a.team
        ),
        "the other team's area into a cycle's priority list": lambda: CyclePriority.objects.create(
            cycle=team_a.cycle, area=team_b.bugs, order=9
        ),
    }
    before = snapshot()
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        moves[move]()
    assert violated_rule_message(refused.value), str(refused.value)
    assert snapshot() == before


def test_the_models_say_why_before_the_database_refuses(team_a, team_b):
    update = StatusUpdate(session=team_b.session, priority_area=team_a.bugs, headline="x")
    with pytest.raises(Exception) as refused:
        update.full_clean()
    assert "priority_area" in refused.value.message_dict


def scoreboard_text(client, day):
    return text_of(client.get(day.get_absolute_url()).content)


def test_an_earlier_cycles_day_page_is_unchanged_when_a_later_cycles_list_changes(client, team_a):
    cells = PriorityAreaFactory(team=team_a.team, name="Cells v2", slug="cells")
    before = scoreboard_text(client, team_a.day)
    assert "Cells v2" in before

    liberty = CycleFactory(
        team=team_a.team,
        name="Liberty",
        slug="liberty",
        start_date=datetime.date(2015, 5, 1),
        end_date=datetime.date(2015, 10, 15),
    )
    quotas = PriorityAreaFactory(team=team_a.team, name="Quotas", slug="quotas", listed=False)
    CyclePriority.objects.create(cycle=liberty, area=quotas, order=1)
    CyclePriority.objects.create(cycle=liberty, area=team_a.bugs, order=2)
    liberty_meetup = MeetupFactory(
        team=team_a.team,
        cycle=liberty,
        start_date=datetime.date(2015, 7, 21),
        end_date=datetime.date(2015, 7, 23),
    )
    DayFactory(meetup=liberty_meetup)

    after = scoreboard_text(client, team_a.day)
    assert after == before
    assert "Quotas" not in after
    assert cells.cycle_priorities.filter(cycle=team_a.cycle).exists()


def test_what_changed_compares_an_area_only_with_its_own_teams_reports(client, team_a, team_b):
    """Neutron's Bugs was blocked between two Nova days: Nova's day 2 compares with day 1."""
    StatusUpdate.objects.filter(pk=team_b.update.pk).update(status=Status.BLOCKED)
    day_2 = DayFactory(meetup=team_a.meetup, number=2, date=datetime.date(2015, 6, 20))
    StatusUpdateFactory(
        session=SessionFactory(day=day_2),
        priority_area=team_a.bugs,
        status=Status.GOOD_PROGRESS,
    )
    text = scoreboard_text(client, day_2)
    assert "Unchanged" in text or "as on day 1" in text
    assert "Blocked" not in text
    assert "OpenStack Neutron" not in text


def test_quick_notes_find_the_area_of_the_meetups_team(organiser_client, team_a, team_b):
    response = organiser_client.post(
        reverse("admin:priorities_day_notes", args=[team_b.day.pk]),
        {"notes": "#topic Bugs\n#agreed gate first\n", "confirm": "1"},
    )
    assert response.status_code == 302, errors_shown(response.content)
    assert team_b.bugs.decisions.filter(text="gate first").exists()
    assert not team_a.bugs.decisions.filter(text="gate first").exists()


def test_a_report_names_its_team_and_cycle_and_imports_into_that_teams_areas(
    organiser_client, team_a, team_b
):
    report = day_report(team_b.day)
    assert "- Team: OpenStack Neutron (`openstack-neutron`)" in report
    assert "- Cycle: Liberty (`liberty`)" in report
    StatusUpdate.objects.filter(pk=team_b.update.pk).delete()
    response = organiser_client.post(
        reverse("admin:priorities_day_import"), {"text": report, "confirm": "1"}
    )
    assert response.status_code == 302, errors_shown(response.content)
    assert team_b.bugs.updates.filter(headline=f"Bug triage of {B_WORD}").exists()
    assert day_report(Day.objects.get(pk=team_b.day.pk)) == report


def test_an_old_address_redirects_when_one_team_has_the_slug_and_else_offers_the_choice(
    client, team_a
):
    cells = PriorityAreaFactory(team=team_a.team, name="Cells v2", slug="cells")
    response = client.get("/priorities/cells/")
    assert response.status_code == 301
    assert response["Location"] == cells.get_absolute_url()
    feed = client.get("/priorities/cells/feed/")
    assert (feed.status_code, feed["Location"]) == (301, cells.get_feed_url())

    other_team()
    PriorityAreaFactory(team=Team.objects.get(slug="openstack-neutron"), slug="bugs", name="Bugs")
    choice = client.get("/priorities/bugs/")
    assert choice.status_code == 200
    links = {a.get("href") for a in parse(choice.content).iter() if a.get("href")}
    assert {"/teams/openstack-nova/priorities/bugs/"} <= links
    assert "/teams/openstack-neutron/priorities/bugs/" in links
    assert client.get("/priorities/no-such-area/").status_code == 404


def chart_of(client, area):
    tree = parse(client.get(area.get_absolute_url()).content)
    return next(e for e in tree.iter() if "status-chart-svg" in (e.get("class") or ""))


def test_a_timeline_opens_with_a_status_chart_readable_without_colour(client, team_a):
    day_2 = DayFactory(meetup=team_a.meetup, number=2)
    StatusUpdateFactory(
        session=SessionFactory(day=day_2), priority_area=team_a.bugs, status=Status.BLOCKED
    )
    svg = chart_of(client, team_a.bugs)
    text = " ".join("".join(svg.itertext()).split())
    assert "Good progress" in text and "Blocked" in text  # status names on the axis
    titles = ["".join(e.itertext()) for e in svg.iter() if e.tag.endswith("title")]
    assert any("day 1: Good progress" in t for t in titles), titles
    assert any("day 2: Blocked" in t for t in titles), titles
    assert not [e for e in svg.iter() if e.tag.endswith("script")]
    figure = parse(client.get(team_a.bugs.get_absolute_url()).content).find(".//figure")
    table = " ".join(" ".join(figure.find(".//table").itertext()).split())
    assert "day 1 Good progress" in table and "day 2 Blocked" in table  # for screen readers


def test_the_team_page_costs_a_fixed_number_of_queries(client, team_a, django_assert_num_queries):
    url = team_a.team.get_absolute_url()
    with django_assert_num_queries(7):
        small = client.get(url)
    for number in range(2, 6):
        meetup = MeetupFactory(team=team_a.team, cycle=team_a.cycle)
        session = SessionFactory(day=DayFactory(meetup=meetup, number=number))
        area = PriorityAreaFactory(team=team_a.team)
        StatusUpdateFactory(session=session, priority_area=area)
        StatusUpdateFactory(session=session, priority_area=team_a.bugs)
    juno = CycleFactory(
        team=team_a.team,
        name="Juno",
        slug="juno",
        start_date=datetime.date(2014, 4, 17),
        end_date=datetime.date(2014, 10, 15),
    )
    CyclePriority.objects.create(cycle=juno, area=team_a.bugs, order=1)
    with django_assert_num_queries(7):
        large = client.get(url)
    assert small.status_code == large.status_code == 200
    assert text_of(large.content).count("Priority area") >= 4


def test_a_report_naming_another_teams_meetup_tells_nothing_of_that_teams_data(
    editor_b, team_a, team_b
):
    """Found in review: the dry run's errors named team A and its areas."""
    report = day_report(team_a.day).replace("### Bugs", "### Secret area probe")
    before = snapshot()
    response = editor_b.post(reverse("admin:priorities_day_import"), {"text": report})
    text = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "You may not import into the meetup 'nova-kilo'." in errors_shown(response.content)
    assert "Secret area probe" not in text and "OpenStack Nova" not in text
    assert snapshot() == before
