"""factory_boy factories for the priorities app: one place to build test data."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Max
from django.test import Client
from django.utils.text import slugify

from priorities import enums, models


class TeamFactory(factory.django.DjangoModelFactory):
    """The team (OpenStack Nova, as in the demo) unless a test names another: data built
    without a team all lands in one, as it would on a one-team site."""

    class Meta:
        model = models.Team
        django_get_or_create = ("slug",)

    name = "OpenStack Nova"
    slug = "openstack-nova"


class CycleFactory(factory.django.DjangoModelFactory):
    """The team's Kilo cycle unless a test names another."""

    class Meta:
        model = models.Cycle
        django_get_or_create = ("team", "slug")

    team = factory.SubFactory(TeamFactory)
    name = "Kilo"
    slug = "kilo"
    start_date = datetime.date(2014, 10, 16)
    end_date = datetime.date(2015, 4, 30)


def other_team(name="OpenStack Neutron", cycle="Liberty"):
    """A second team with a cycle of its own: ``team, cycle = other_team()``."""
    team = TeamFactory(name=name, slug=slugify(name))
    return team, CycleFactory(team=team, name=cycle, slug=slugify(cycle))


class MeetupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Meetup

    name = factory.Sequence(lambda n: f"Test mid-cycle meetup {n}")
    slug = factory.Sequence(lambda n: f"test-meetup-{n}")
    team = factory.SubFactory(TeamFactory)
    cycle = factory.SubFactory(CycleFactory, team=factory.SelfAttribute("..team"))
    location = "Palo Alto, California"
    start_date = datetime.date(2015, 1, 26)
    end_date = datetime.date(2015, 1, 28)


class DayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Day

    meetup = factory.SubFactory(MeetupFactory)
    number = 1
    date = factory.LazyAttribute(
        lambda day: day.meetup.start_date + datetime.timedelta(days=day.number - 1)
    )
    summary = "A productive day."


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Session

    day = factory.SubFactory(DayFactory)
    title = factory.Sequence(lambda n: f"Session {n}")
    kind = enums.SessionKind.STATUS_ROUND
    order = factory.Sequence(lambda n: n + 1)
    notes = "Notes of the session."


class PriorityAreaFactory(factory.django.DjangoModelFactory):
    """An area of the team, put at the end of the team's current cycle's priority list (the
    Kilo cycle if the team has none; ``listed=False``: left out of it), led there by
    ``leads=[person, ...]``."""

    class Meta:
        model = models.PriorityArea
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    name = factory.Sequence(lambda n: f"Priority area {n}")
    slug = factory.Sequence(lambda n: f"priority-area-{n}")

    @factory.post_generation
    def listed(area, create, extracted, **kwargs):
        if create and extracted is not False:
            cycle = area.team.cycles.first() or CycleFactory(team=area.team)
            last = cycle.priority_list.aggregate(last=Max("order"))["last"] or 0
            models.CyclePriority.objects.create(cycle=cycle, area=area, order=last + 1)

    @factory.post_generation
    def leads(area, create, extracted, **kwargs):
        if create and extracted:
            priority = area.cycle_priorities.order_by("-cycle__start_date").first()
            priority.leads.add(*extracted)


def priority_of(area, cycle=None):
    """The area's place in ``cycle``'s priority list (by default its team's current cycle)."""
    cycle = cycle or area.team.cycles.first()
    return models.CyclePriority.objects.get(cycle=cycle, area=area)


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StatusUpdate

    session = factory.SubFactory(SessionFactory)
    priority_area = factory.SubFactory(
        PriorityAreaFactory, team=factory.SelfAttribute("..session.day.meetup.team")
    )
    status = enums.Status.GOOD_PROGRESS
    headline = factory.Sequence(lambda n: f"Headline {n}")
    body = "Some *progress* was made."
    reported_by = "The lead"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Decision

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"Decision {n}")


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ActionItem

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"Action {n}")
    owner = "Someone"


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Risk

    session = factory.SubFactory(SessionFactory)
    text = factory.Sequence(lambda n: f"Risk {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(user, create, extracted, **kwargs):
        if create:
            user.save()


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"Person {n}")


class AttendanceFactory(factory.django.DjangoModelFactory):
    """Someone at a meetup; ``days=[...]`` ticks the days they were in the room."""

    class Meta:
        model = models.Attendance
        skip_postgeneration_save = True

    meetup = factory.SubFactory(MeetupFactory)
    person = factory.SubFactory(PersonFactory)

    @factory.post_generation
    def days(attendance, create, extracted, **kwargs):
        if create and extracted:
            attendance.days.set(extracted)


class EditorFactory(UserFactory):
    """A staff member in the Editors group that the data migration creates."""

    is_staff = True

    @factory.post_generation
    def editors_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name="Editors"))


class OrganiserFactory(UserFactory):
    """A staff member in the Organisers group: an editor who also sends day reports."""

    is_staff = True

    @factory.post_generation
    def organisers_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name="Organisers"))


def browser_for(user):
    """A browser of its own (a test client) signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def editor_browser(**user):
    """A new editor's browser: ``editor_browser(username="alice")``."""
    return browser_for(EditorFactory(**user))


def organiser_browser():
    """A new organiser's (a superuser's) browser."""
    return browser_for(UserFactory(is_staff=True, is_superuser=True))


def build_day(updates_per_area=1, areas=3, sessions=2, outcomes_per_session=1):
    """A day with ``areas`` x ``sessions`` x ``updates_per_area`` updates and outcomes.

    Each area has a lead, and only the first area's lead attended the day, so the others
    are flagged. Used to compare a small day with a large one (query counts must not grow).
    """
    day = DayFactory()
    area_list = PriorityAreaFactory.create_batch(areas)
    for position, area in enumerate(area_list):
        lead = PersonFactory()
        priority_of(area, day.meetup.cycle).leads.add(lead)
        AttendanceFactory(meetup=day.meetup, person=lead, days=[day] if position == 0 else [])
    for _ in range(updates_per_area):
        for order in range(sessions):
            session = SessionFactory(day=day, order=order + 1)
            for area in area_list:
                StatusUpdateFactory(session=session, priority_area=area)
            for area in area_list[:outcomes_per_session]:
                DecisionFactory(session=session, priority_area=area)
                ActionItemFactory(session=session, priority_area=area)
                RiskFactory(session=session, priority_area=area)
    return day
