"""The decision register (/decisions/) and the action items (/actions/) across every meetup."""

import datetime
import itertools

import pytest
from django.urls import reverse

from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    MeetupFactory,
    PriorityAreaFactory,
    SessionFactory,
)
from tests.html import errors_shown, executable_content, parse, text_of

pytestmark = pytest.mark.django_db

DECISIONS = reverse("priorities:decision-list")
ACTIONS = reverse("priorities:action-list")


@pytest.fixture
def meetups():
    """Two meetups half a year apart: Juno (one day) and Kilo (two days)."""
    juno = MeetupFactory(
        name="Juno meetup",
        slug="juno",
        start_date=datetime.date(2014, 7, 28),
        end_date=datetime.date(2014, 7, 30),
    )
    kilo = MeetupFactory(name="Kilo meetup", slug="kilo")
    return {
        "juno": DayFactory(meetup=juno, number=1),
        "kilo-1": DayFactory(meetup=kilo, number=1),
        "kilo-2": DayFactory(meetup=kilo, number=2),
    }


@pytest.fixture
def areas():
    return {
        "cells": PriorityAreaFactory(name="Cells v2", slug="cells"),
        "neutron": PriorityAreaFactory(name="Neutron migration", slug="neutron"),
    }


def shown(response, name):
    assert response.status_code == 200
    return list(response.context[name])


def owner_headings(response):
    """The owner of each group on the page, in order, as a reader sees it."""
    tree = parse(response.content)
    return [
        " ".join(text_of_element(section.find("h3")).split())
        for section in tree.iter("section")
        if "owner-group" in (section.get("class") or "").split()
    ]


def text_of_element(element):
    return "".join(element.itertext())


# -- The decision register ---------------------------------------------------------------


def test_decision_register_lists_decisions_of_every_meetup_newest_first(client, meetups):
    juno = DecisionFactory(session__day=meetups["juno"])
    kilo_1_late = SessionFactory(day=meetups["kilo-1"], order=2)
    kilo_1_early = SessionFactory(day=meetups["kilo-1"], order=1)
    second_of_session = DecisionFactory(session=kilo_1_early, order=2)
    first_of_session = DecisionFactory(session=kilo_1_early, order=1)
    late_session = DecisionFactory(session=kilo_1_late)
    kilo_2 = DecisionFactory(session__day=meetups["kilo-2"])

    response = client.get(DECISIONS)

    assert shown(response, "decisions") == [
        kilo_2,
        first_of_session,
        second_of_session,
        late_session,
        juno,
    ]
    assert "<title>Decision register · Meetup Notes</title>" in response.content.decode()
    assert [h.text for h in parse(response.content).iter("h1")] == ["Decision register"]


def test_decision_register_shows_area_meetup_day_and_session(client, meetups, areas):
    decision = DecisionFactory(
        session__day=meetups["kilo-2"],
        session__title="Whiteboard: cells",
        priority_area=areas["cells"],
        text="Cells v2 gets a **second** database.",
    )
    content = client.get(DECISIONS).content.decode()
    page_text = " ".join(text_of(content).split())
    assert "<strong>second</strong>" in content
    assert "Day 2, 2015-01-27 · Whiteboard: cells" in page_text
    assert f'href="{areas["cells"].get_absolute_url()}"><bdi>Cells v2</bdi></a>' in content
    meetup_url = decision.session.day.meetup.get_absolute_url()
    assert f'href="{meetup_url}"><bdi>Kilo meetup</bdi></a>' in content


def test_decision_register_filters_by_meetup(client, meetups):
    DecisionFactory(session__day=meetups["juno"])
    kilo = [DecisionFactory(session__day=meetups[day]) for day in ("kilo-2", "kilo-1")]
    assert shown(client.get(DECISIONS, {"meetup": "kilo"}), "decisions") == kilo


def test_decision_register_filters_by_priority_area(client, meetups, areas):
    cells = DecisionFactory(session__day=meetups["juno"], priority_area=areas["cells"])
    DecisionFactory(session__day=meetups["juno"], priority_area=areas["neutron"])
    DecisionFactory(session__day=meetups["juno"], priority_area=None)
    assert shown(client.get(DECISIONS, {"area": "cells"}), "decisions") == [cells]


def test_decision_register_filters_by_text_case_insensitively(client, meetups):
    devstack = DecisionFactory(session__day=meetups["juno"], text="Move DevStack to Neutron.")
    DecisionFactory(session__day=meetups["juno"], text="Cells v2 gets a database.")
    assert shown(client.get(DECISIONS, {"q": "devstack"}), "decisions") == [devstack]
    assert shown(client.get(DECISIONS, {"q": "  DEVSTACK "}), "decisions") == [devstack]


def test_decision_register_combines_filters(client, meetups, areas):
    wanted = DecisionFactory(
        session__day=meetups["kilo-1"], priority_area=areas["cells"], text="Cells: one API."
    )
    DecisionFactory(
        session__day=meetups["juno"], priority_area=areas["cells"], text="Cells: one API."
    )
    DecisionFactory(
        session__day=meetups["kilo-1"], priority_area=areas["neutron"], text="Cells: one API."
    )
    DecisionFactory(
        session__day=meetups["kilo-1"], priority_area=areas["cells"], text="Something else."
    )
    response = client.get(
        DECISIONS, {"meetup": "kilo", "area": "openstack-nova/cells", "q": "one api"}
    )
    assert shown(response, "decisions") == [wanted]
    content = response.content.decode()
    assert '<option value="kilo" selected>' in content
    assert '<option value="openstack-nova/cells" selected>' in content


def test_decision_register_says_when_nothing_matches(client, meetups):
    DecisionFactory(session__day=meetups["juno"], text="Move devstack to Neutron.")
    content = client.get(DECISIONS, {"q": "no such words"}).content.decode()
    assert "No decisions match these filters." in content
    assert f'<a href="{DECISIONS}">Show every decision</a>' in content


@pytest.mark.parametrize("url", [DECISIONS, ACTIONS])
@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"meetup": "no-such-meetup"}, "Select a valid choice."),
        ({"area": "'; DROP TABLE x; --"}, "Select a valid choice."),
        ({"q": "x" * 201}, "Ensure this value has at most 200 characters"),
        ({"q": "nul\x00byte"}, "Null characters are not allowed."),
        ({"page": "garbage"}, None),
        ({"page": "99999"}, None),
        ({"page": "-1", "done": "maybe"}, None),
        ({"meetup": ["kilo", "juno"], "area[]": "cells"}, None),
    ],
)
def test_registers_ignore_bad_filter_values(client, meetups, url, params, error):
    """A bad value is a form error (or is ignored), never a server error; the list still shows."""
    decision = DecisionFactory(session__day=meetups["juno"])
    item = ActionItemFactory(session__day=meetups["juno"])
    response = client.get(url, params)
    assert response.status_code == 200
    assert shown(response, "decisions" if url == DECISIONS else "action_items") == [
        decision if url == DECISIONS else item
    ]
    messages = errors_shown(response.content)
    if error:
        assert any(error in message for message in messages), messages
    else:
        assert messages == []


def test_decision_register_links_each_decision_to_its_anchor_on_the_day_page(client, meetups):
    decision = DecisionFactory(session__day=meetups["kilo-2"])
    url = decision.get_absolute_url()
    assert url == f"/meetups/kilo/days/2/#decision-{decision.pk}"

    register = parse(client.get(DECISIONS).content)
    assert url in [a.get("href") for a in register.iter("a")]

    day_page = parse(client.get(meetups["kilo-2"].get_absolute_url()).content)
    anchors = [element for element in day_page.iter() if element.get("id") == decision.anchor]
    assert len(anchors) == 1
    assert decision.text in text_of_element(anchors[0])


def test_decision_register_renders_sanitised_markdown(client, meetups):
    DecisionFactory(
        session__day=meetups["juno"],
        text="Agreed *together*.\n\n<script>alert('owned')</script>\n\n[x](javascript:alert(1))",
    )
    content = client.get(DECISIONS).content.decode()
    assert "<em>together</em>" in content
    assert "<script>alert" not in content
    assert executable_content(content) == []


def test_decision_register_paginates_by_50_and_keeps_the_filters(client, meetups, areas):
    kilo_session = SessionFactory(day=meetups["kilo-1"])
    DecisionFactory.create_batch(51, session=kilo_session, priority_area=areas["cells"])
    DecisionFactory.create_batch(3, session__day=meetups["juno"], priority_area=areas["cells"])

    first = client.get(DECISIONS, {"meetup": "kilo", "area": "cells"})
    assert len(shown(first, "decisions")) == 50
    assert first.context["page_obj"].paginator.count == 51
    next_links = [a.get("href") for a in parse(first.content).iter("a") if a.get("rel") == "next"]
    assert next_links == ["?meetup=kilo&area=cells&page=2"]

    second = client.get(DECISIONS + next_links[0])
    assert len(shown(second, "decisions")) == 1
    assert second.context["page_obj"].number == 2


# -- The action items ---------------------------------------------------------------------


def test_actions_page_groups_items_by_owner_sorted_case_insensitively(client, meetups):
    for owner in ("carol", "Bob", "alice", "bob", "Carol", "alice"):
        ActionItemFactory(session__day=meetups["juno"], owner=owner)

    response = client.get(ACTIONS)

    headings = owner_headings(response)
    # One group per owner as typed, never interleaved; "Bob" and "bob" sit side by side (which
    # comes first is the database's collation's choice).
    assert sorted(headings) == ["Bob", "Carol", "alice", "bob", "carol"]
    assert [owner.lower() for owner in headings] == ["alice", "bob", "bob", "carol", "carol"]
    groups = [
        section
        for section in parse(response.content).iter("section")
        if "owner-group" in (section.get("class") or "").split()
    ]
    assert len(list(groups[0].iter("li"))) == 2  # both of alice's items
    assert [h.text for h in parse(response.content).iter("h1")] == ["Action items"]
    assert "<title>Action items · Meetup Notes</title>" in response.content.decode()


def test_actions_page_lists_each_owners_items_newest_day_first(client, meetups):
    juno = ActionItemFactory(session__day=meetups["juno"], owner="Dan")
    kilo_2 = ActionItemFactory(session__day=meetups["kilo-2"], owner="Dan")
    session = SessionFactory(day=meetups["kilo-1"])
    kilo_1_second = ActionItemFactory(session=session, owner="Dan", order=2)
    kilo_1_first = ActionItemFactory(session=session, owner="Dan", order=1)
    other = ActionItemFactory(session__day=meetups["kilo-2"], owner="Ann")

    items = shown(client.get(ACTIONS), "action_items")

    assert items == [other, kilo_2, kilo_1_first, kilo_1_second, juno]


def test_actions_page_hides_done_items_unless_asked(client, meetups):
    open_item = ActionItemFactory(session__day=meetups["juno"], owner="Ann", text="Still to do")
    done_item = ActionItemFactory(
        session__day=meetups["juno"], owner="Ann", text="Finished", done=True
    )

    hidden = client.get(ACTIONS)
    assert shown(hidden, "action_items") == [open_item]
    assert "Finished" not in hidden.content.decode()

    included = client.get(ACTIONS, {"done": "on"})
    assert set(shown(included, "action_items")) == {open_item, done_item}
    assert 'name="done" class="checkboxinput form-check-input" id="id_done" checked' in (
        included.content.decode()
    )


def test_actions_page_marks_done_items_done_in_words(client, meetups):
    ActionItemFactory(session__day=meetups["juno"], owner="Ann", text="Finished", done=True)
    ActionItemFactory(session__day=meetups["juno"], owner="Bob", text="Still to do")
    tree = parse(client.get(ACTIONS, {"done": "on"}).content)
    items = {
        " ".join(text_of_element(li.find(".//div")).split()): " ".join(text_of_element(li).split())
        for li in tree.iter("li")
        if "action-item" in (li.get("class") or "").split()
    }
    assert items["Finished"].startswith("✔ Done")
    assert items["Still to do"].startswith("○ Open")


def test_actions_page_has_a_labelled_done_checkbox(client, meetups):
    tree = parse(client.get(ACTIONS).content)
    labels = {
        label.get("for"): " ".join(text_of_element(label).split()) for label in tree.iter("label")
    }
    assert labels["id_done"] == "Include done items"
    assert labels["id_q"] == "Text contains"
    assert labels["id_meetup"] == "Meetup"
    assert labels["id_area"] == "Priority area"


def test_actions_page_filters_by_meetup_area_and_text(client, meetups, areas):
    wanted = ActionItemFactory(
        session__day=meetups["kilo-1"], priority_area=areas["neutron"], text="Port the Gate job"
    )
    done = ActionItemFactory(
        session__day=meetups["kilo-1"],
        priority_area=areas["neutron"],
        text="Port the gate docs",
        done=True,
    )
    ActionItemFactory(
        session__day=meetups["juno"], priority_area=areas["neutron"], text="Port the gate"
    )
    ActionItemFactory(
        session__day=meetups["kilo-1"], priority_area=areas["cells"], text="Port the gate"
    )
    ActionItemFactory(session__day=meetups["kilo-1"], priority_area=areas["neutron"], text="Other")

    assert len(shown(client.get(ACTIONS, {"meetup": "juno"}), "action_items")) == 1
    assert len(shown(client.get(ACTIONS, {"area": "cells"}), "action_items")) == 1
    assert len(shown(client.get(ACTIONS, {"q": "GATE"}), "action_items")) == 3
    combined = {"meetup": "kilo", "area": "neutron", "q": "port the gate"}
    assert shown(client.get(ACTIONS, combined), "action_items") == [wanted]
    assert set(shown(client.get(ACTIONS, {**combined, "done": "on"}), "action_items")) == {
        wanted,
        done,
    }


def test_actions_page_says_when_nothing_matches(client, meetups):
    ActionItemFactory(session__day=meetups["juno"], text="Done already", done=True)
    content = client.get(ACTIONS, {"meetup": "kilo"}).content.decode()
    assert "No action items match these filters." in content
    assert 'href="?meetup=kilo&amp;done=on">include done items</a>' in content


def test_actions_page_links_items_to_their_anchor_on_the_day_page(client, meetups, areas):
    item = ActionItemFactory(
        session__day=meetups["kilo-1"], owner="Ann", priority_area=areas["cells"]
    )
    content = client.get(ACTIONS).content.decode()
    assert f'href="{item.get_absolute_url()}"' in content
    assert item.get_absolute_url().endswith(f"#action-{item.pk}")
    assert f'href="{areas["cells"].get_absolute_url()}"><bdi>Cells v2</bdi></a>' in content
    day_page = client.get(meetups["kilo-1"].get_absolute_url()).content.decode()
    assert f'id="action-{item.pk}"' in day_page


def test_actions_page_renders_sanitised_markdown(client, meetups):
    ActionItemFactory(
        session__day=meetups["juno"], text="Ping **Dan**.\n\n<img src=x onerror=alert(1)>"
    )
    content = client.get(ACTIONS).content.decode()
    assert "<strong>Dan</strong>" in content
    assert executable_content(content) == []


def test_actions_page_paginates_by_100_and_says_when_an_owner_continues(client, meetups):
    session = SessionFactory(day=meetups["kilo-1"])
    ActionItemFactory.create_batch(60, session=session, owner="Ann")
    ActionItemFactory.create_batch(60, session=session, owner="Bob")
    ActionItemFactory(session=session, owner="Bob", done=True)

    first = client.get(ACTIONS, {"meetup": "kilo"})
    assert len(shown(first, "action_items")) == 100
    assert owner_headings(first) == ["Ann", "Bob"]
    next_links = [a.get("href") for a in parse(first.content).iter("a") if a.get("rel") == "next"]
    assert next_links == ["?meetup=kilo&page=2"]

    second = client.get(ACTIONS + next_links[0])
    assert len(shown(second, "action_items")) == 20
    assert owner_headings(second) == ["Bob (continued from the previous page)"]


# -- Both pages -----------------------------------------------------------------------------


def build_outcomes(meetup_count, days_per_meetup=2, per_session=2):
    """Decisions and action items (some done) with areas, over several meetups."""
    area = PriorityAreaFactory()
    for index in range(meetup_count):
        meetup = MeetupFactory(start_date=datetime.date(2015, 1, 1 + 3 * index))
        for number in range(1, days_per_meetup + 1):
            session = SessionFactory(day=DayFactory(meetup=meetup, number=number))
            for n in range(per_session):
                DecisionFactory(session=session, priority_area=area if n % 2 else None)
                ActionItemFactory(session=session, priority_area=area, owner=f"Owner {n}")
                ActionItemFactory(session=session, owner=f"owner {n}", done=True)


@pytest.mark.parametrize(
    ("url", "params", "queries"),
    # The content version, the team and cycle, meetup and area choices of the form, the
    # count, the page.
    [
        (DECISIONS, {}, 6),
        (
            DECISIONS,
            {"meetup": "test-meetup-0", "area": "openstack-nova/priority-area-0", "q": "e"},
            6,
        ),
        (ACTIONS, {}, 6),
        (ACTIONS, {"done": "on", "q": "o"}, 6),
    ],
)
def test_register_pages_cost_a_fixed_number_of_queries(
    client, django_assert_num_queries, url, params, queries
):
    build_outcomes(meetup_count=1, days_per_meetup=1, per_session=1)
    with django_assert_num_queries(queries):
        assert client.get(url, params).status_code == 200
    build_outcomes(meetup_count=6, per_session=8)
    with django_assert_num_queries(queries):
        response = client.get(url, params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count > 1


def test_later_pages_of_actions_cost_one_query_more_however_many_items(
    client, django_assert_num_queries
):
    """The one more query finds the owner the page continues from."""
    build_outcomes(meetup_count=4, per_session=15)
    with django_assert_num_queries(7):
        assert client.get(ACTIONS, {"page": 2}).status_code == 200
    build_outcomes(meetup_count=8, per_session=15)
    with django_assert_num_queries(7):
        assert client.get(ACTIONS, {"page": 3}).status_code == 200


@pytest.mark.parametrize(("url", "label"), [(DECISIONS, "Decisions"), (ACTIONS, "Actions")])
def test_nav_links_to_the_registers_and_marks_the_current_page(client, url, label):
    nav = next(parse(client.get(url).content).iter("nav"))
    links = {a.text: a for a in nav.iter("a")}
    assert links["Decisions"].get("href") == DECISIONS
    assert links["Actions"].get("href") == ACTIONS
    current = [text for text, a in links.items() if a.get("aria-current") == "page"]
    assert current == [label]
    home_nav = next(parse(client.get(reverse("priorities:meetup-list")).content).iter("nav"))
    assert "Decisions" in [a.text for a in home_nav.iter("a")]


@pytest.mark.parametrize("url", [DECISIONS, ACTIONS])
def test_register_headings_are_in_order(client, meetups, url):
    DecisionFactory(session__day=meetups["juno"])
    ActionItemFactory(session__day=meetups["juno"])
    tree = parse(client.get(url).content)
    levels = [int(e.tag[1]) for e in tree.iter() if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))
