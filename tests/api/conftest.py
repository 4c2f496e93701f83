"""Two teams' notes for the API to answer about."""

import datetime

import pytest
from rest_framework.test import APIClient

from priorities.enums import Status
from tests.factories import (
    ActionItemFactory,
    DayFactory,
    DecisionFactory,
    MeetupFactory,
    PriorityAreaFactory,
    RiskFactory,
    SessionFactory,
    StatusUpdateFactory,
    other_team,
)


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def notes(db):
    """Nova's two-day meetup (an update each day, a decision, two action items of which one
    done, a risk) and a Neutron meetup with one blocked update."""
    meetup = MeetupFactory(name="Nova Kilo mid-cycle", slug="nova-kilo")
    day1, day2 = DayFactory(meetup=meetup, number=1), DayFactory(meetup=meetup, number=2)
    cells = PriorityAreaFactory(name="Cells v2", slug="cells-v2")
    morning = SessionFactory(day=day1, title="Status round", order=1)
    first = StatusUpdateFactory(
        session=morning, priority_area=cells, status=Status.SLOW_PROGRESS, headline="Slow"
    )
    second = StatusUpdateFactory(
        session=SessionFactory(day=day2, title="Wrap-up", order=1),
        priority_area=cells,
        status=Status.GOOD_PROGRESS,
        headline="Better",
    )
    decision = DecisionFactory(session=morning, priority_area=cells, text="Devstack moves")
    open_item = ActionItemFactory(session=morning, owner="Alice", text="Write the spec")
    done_item = ActionItemFactory(session=morning, owner="Bob", text="Review", done=True)
    risk = RiskFactory(session=morning, text="novaclient lags")
    team, cycle = other_team()
    neutron = MeetupFactory(
        name="Neutron sprint",
        slug="neutron-sprint",
        team=team,
        cycle=cycle,
        start_date=datetime.date(2015, 6, 3),
        end_date=datetime.date(2015, 6, 3),
    )
    blocked = StatusUpdateFactory(
        session__day__meetup=neutron,
        priority_area=PriorityAreaFactory(team=team, name="DVR", slug="dvr"),
        status=Status.BLOCKED,
        headline="Blocked on review",
    )
    return {
        "meetup": meetup,
        "days": (day1, day2),
        "cells": cells,
        "updates": (first, second),
        "decision": decision,
        "open_item": open_item,
        "done_item": done_item,
        "risk": risk,
        "neutron": neutron,
        "blocked": blocked,
    }
