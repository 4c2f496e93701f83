"""What the import tests share: the demo's meetup day, and its team's priority areas."""

import pytest

from tests.factories import DayFactory, PriorityAreaFactory


@pytest.fixture
def day():
    return DayFactory(meetup__slug="nova-kilo-midcycle")


@pytest.fixture
def areas(day):
    team = day.meetup.team
    return {
        "cells": PriorityAreaFactory(team=team, name="Cells v2", slug="cells-v2"),
        "objects": PriorityAreaFactory(team=team, name="Nova Objects", slug="objects"),
        "api": PriorityAreaFactory(team=team, name="API v2.1 (microversions)", slug="api-v2-1"),
    }
