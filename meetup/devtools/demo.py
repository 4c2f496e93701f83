"""Demo data: day 1 of the OpenStack Nova Kilo mid-cycle meetup (Palo Alto, January 2015).

The content follows the first-hand account in ``seeds/nova-midcycle-day1.txt``, retold in
our own words: the cycle's nine priority areas, the morning status round, the afternoon
whiteboard and process sessions, and what the day decided, risked and assigned.

``load_demo()`` creates or updates every row by its natural key, so running it again
changes nothing. It creates no user accounts.
"""

import datetime

from django.db import transaction

from priorities.enums import Delivery, PartOfDay, SessionKind, Status
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

TEAM = {
    "slug": "openstack-nova",
    "name": "OpenStack Nova",
    "description": (
        "Nova is OpenStack's compute service: it runs the virtual machines and bare-metal "
        "servers of a cloud."
    ),
    "homepage": "https://wiki.openstack.org/wiki/Nova",
    "mailing_list": "openstack-dev@lists.openstack.org",
}

CYCLE = {
    "slug": "kilo",
    "name": "Kilo",
    "start_date": datetime.date(2014, 10, 16),
    "end_date": datetime.date(2015, 4, 30),
}

MEETUP = {
    "slug": "nova-kilo-midcycle",
    "name": "OpenStack Nova Kilo mid-cycle meetup",
    "location": "Palo Alto, California",
    "start_date": datetime.date(2015, 1, 26),
    "end_date": datetime.date(2015, 1, 28),
    "description": (
        "A mid-cycle meetup brings a project team into one room roughly halfway between "
        "two design summits. The team checks how far each of the cycle's priorities has "
        "come, talks through whatever stands in the way, and uses the time together to "
        "push on work that is easier with everyone present.\n"
        "\n"
        "These notes follow the **Nova** team's meetup during the **Kilo** cycle."
    ),
}

DAY = {
    "number": 1,
    "date": datetime.date(2015, 1, 26),
    "summary": (
        "The day opened with a **status round**: whoever leads each Kilo priority said "
        "where the work stands. Most areas are moving; cells v2 is slower than hoped and "
        "the scheduler work is waiting on reviews. The room agreed that devstack should "
        "switch to Neutron, and noted novaclient's support for v2.1 as a risk.\n"
        "\n"
        "After lunch a **whiteboard session** sketched how Nova and a split-out scheduler "
        "should talk to each other, and the rest of the afternoon went to **how the "
        "project itself is run**."
    ),
}

#: (slug, name, description): the Kilo priority list, in the order of nova-specs'
#: ``priorities/kilo-priorities.rst``.
PRIORITY_AREAS = (
    (
        "cells-v2",
        "Cells v2",
        "The next design of cells, so that every deployment, large or small, runs Nova "
        "the same cells-based way.",
    ),
    (
        "objects",
        "Nova Objects",
        "Moving Nova's data handling onto versioned objects, one concept at a time.",
    ),
    (
        "scheduler",
        "Scheduler split",
        "A clean interface between Nova and its scheduler, so the scheduler can later "
        "become a separate project.",
    ),
    (
        "api-v2-1",
        "API v2.1 (microversions)",
        "The v2.1 compute API, which lets the API evolve in small, versioned steps.",
    ),
    (
        "functional-testing",
        "Functional testing",
        "Tests that exercise Nova's services working together, between unit tests and "
        "full integration runs.",
    ),
    (
        "neutron-migration",
        "nova-network to Neutron migration",
        "Helping deployments move their networking from nova-network to Neutron.",
    ),
    (
        "zero-downtime-upgrades",
        "Zero-downtime upgrades",
        "Upgrading a cloud, database schema included, without taking it offline.",
    ),
    (
        "bugs",
        "Bugs",
        "Bringing down the number of open bugs and keeping triage up to date.",
    ),
    (
        "test-infrastructure",
        "Test infrastructure",
        "Making the project's test and CI tooling more reliable and easier to work with.",
    ),
)

#: Area slug -> its Kilo leads, as nova-specs' priority list names them.
LEADS = {
    "cells-v2": ["Andrew Laski"],
    "objects": ["Dan Smith"],
    "scheduler": ["Jay Pipes"],
    "api-v2-1": ["Christopher Yeoh", "Ken'ichi Ohmichi"],
    "functional-testing": ["Sean Dague"],
    "neutron-migration": ["Mark McClain"],
    "zero-downtime-upgrades": ["John Garbutt"],
    "bugs": ["Sean Dague"],
    "test-infrastructure": ["Matt Riedemann"],
}

#: "None of the principal movers on the v2.1 API was able to make the mid-cycle": every
#: other lead gave their update in the room on day 1.
ABSENT_ON_DAY_1 = {"Christopher Yeoh", "Ken'ichi Ohmichi"}

STATUS_ROUND = 1
WHITEBOARD = 2
PROCESS = 3

#: order -> session fields.
SESSIONS = {
    STATUS_ROUND: {
        "title": "Morning status round",
        "kind": SessionKind.STATUS_ROUND,
        "part_of_day": PartOfDay.MORNING,
        "notes": (
            "Each priority lead gave a short update on where their area stands. The API "
            "v2.1 leads could not attend and left their update on the shared etherpad."
        ),
    },
    WHITEBOARD: {
        "title": "Whiteboard: the Nova/Scheduler interface",
        "kind": SessionKind.WHITEBOARD,
        "part_of_day": PartOfDay.AFTERNOON,
        "notes": (
            "Goal: agree on what the interface between Nova and a separated scheduler "
            "should look like.\n"
            "\n"
            "- Walked through the messages the two sides exchange while an instance is "
            "built, and made that flow explicit.\n"
            "- Settled which side is responsible for making sure a build request ends in "
            "success.\n"
            "- Much of the time went to how scheduling could be made robust, even "
            "bulletproof, against failures. Some saw this as a detour; others argued it "
            "is the target design to steer towards, even though reaching it will take "
            "more than this cycle or the next.\n"
            "- The talk slipped into implementation detail now and then, but stayed "
            "mostly on the interface."
        ),
    },
    PROCESS: {
        "title": "How the Nova project is run",
        "kind": SessionKind.DISCUSSION,
        "part_of_day": PartOfDay.AFTERNOON,
        "notes": (
            "A discussion of how the project works from day to day.\n"
            "\n"
            "- **Priorities:** were they communicated clearly enough?\n"
            "- **Channels:** are they used well? Preferences differ, with some favouring "
            "email and others IRC.\n"
            "- **Reviews:** how can the small group of core reviewers cope with the "
            "volume? The load is high, but it has not been growing, so it is at least "
            "stable.\n"
            "\n"
            "Nobody proposed a concrete change."
        ),
    },
}

#: area slug -> status update fields, all given in the morning status round.
STATUS_UPDATES = {
    "cells-v2": {
        "status": Status.SLOW_PROGRESS,
        "headline": "Moving, but more slowly than the team would like",
        "body": (
            "- With cells switched on, most CI tests fail today, so those tests are "
            "disabled for the time being.\n"
            "- Cells is now a configuration option, and the test runs keep it off.\n"
            "- Next: fix the disabled tests and switch cells back on in CI, so every new "
            "feature is checked against a cells deployment from the start."
        ),
        "reported_by": "Andrew Laski",
        "delivery": Delivery.IN_PERSON,
    },
    "objects": {
        "status": Status.GOOD_PROGRESS,
        "headline": "Flavors go first, and they need a lot of untangling",
        "body": (
            "The objects work is going well. Flavors were picked as the first thing to "
            "convert and turned out to be the hardest: years of workarounds have to be "
            "unpicked before they fit the object model. Once that is done, flavor "
            "handling should be far easier to reason about."
        ),
        "reported_by": "Dan Smith",
        "delivery": Delivery.IN_PERSON,
    },
    "scheduler": {
        "status": Status.NEEDS_REVIEW,
        "headline": "One spec still open; much of the code is waiting for reviewers",
        "body": (
            "- Only one spec is still outstanding.\n"
            "- A large amount of code is posted and needs review.\n"
            "- First in line: the patch series that separates Service from Compute Node, "
            "because most of the later work builds on it."
        ),
        "reported_by": "Jay Pipes",
        "delivery": Delivery.IN_PERSON,
    },
    "api-v2-1": {
        "status": Status.GOOD_PROGRESS,
        "headline": "Test integration almost finished; novaclient support is the open question",
        "body": (
            "No v2.1 lead could be in the room, so this comes from their notes on the "
            "shared etherpad.\n"
            "\n"
            "- Integrating the tests is close to complete.\n"
            "- novaclient may not be ready to speak v2.1, which could hold things up."
        ),
        "reported_by": "Christopher Yeoh and Ken'ichi Ohmichi (on the shared etherpad)",
        "delivery": Delivery.IN_WRITING,
    },
    "functional-testing": {
        "status": Status.STARTED,
        "headline": "Defining a first set of test patterns for others to build on",
        "body": (
            "The aim for Kilo is modest: about twelve well-defined patterns that people "
            "can copy when writing new functional tests. Little beyond that is expected "
            "this cycle; the hope is that the patterns make functional tests much more "
            "common later on."
        ),
        "reported_by": "Sean Dague",
        "delivery": Delivery.IN_PERSON,
    },
    "neutron-migration": {
        "status": Status.STARTED,
        "headline": "Tools for deployers are coming; a one-step migration is not",
        "body": (
            "- Deployers who want to switch will get tools to help, but nobody should "
            "expect an automatic, single-command migration any time soon.\n"
            "- devstack still runs nova-network although deployers are told to use "
            "Neutron. The room agreed to move devstack over to Neutron."
        ),
        "reported_by": "Mark McClain",
        "delivery": Delivery.IN_PERSON,
    },
    "zero-downtime-upgrades": {
        "status": Status.GOOD_PROGRESS,
        "headline": "Expand/contract schema changes work in the first patches",
        "body": (
            "Today's SQLAlchemy migrations need the database taken offline. The new "
            "approach compares the schema defined in the code with the live database, "
            "adds whatever is missing (*expand*), moves the data across, and removes the "
            "structures no longer needed at a later point (*contract*). The first patches "
            "do this successfully; much of the test suite still has to be adapted."
        ),
        "reported_by": "John Garbutt",
        "delivery": Delivery.IN_PERSON,
    },
    "bugs": {
        "status": Status.STARTED,
        "headline": "Standing priority for Kilo; no detail recorded today",
        "body": (
            "Working down the bug count is a standing priority for the cycle. The account "
            "of this day records no detail of its update."
        ),
        "reported_by": "Sean Dague",
        "delivery": Delivery.IN_PERSON,
    },
    "test-infrastructure": {
        "status": Status.STARTED,
        "headline": "Standing priority for Kilo; no detail recorded today",
        "body": (
            "Improving the test infrastructure is a standing priority for the cycle. The "
            "account of this day records no detail of its update."
        ),
        "reported_by": "Matt Riedemann",
        "delivery": Delivery.IN_PERSON,
    },
}

#: (session order, outcome order, area slug, text)
DECISIONS = (
    (
        STATUS_ROUND,
        1,
        "neutron-migration",
        "devstack moves from nova-network to Neutron, so the project runs the same "
        "networking it recommends to deployers.",
    ),
)

#: (session order, outcome order, area slug, text)
RISKS = (
    (
        STATUS_ROUND,
        1,
        "api-v2-1",
        "novaclient may not support the v2.1 API in time, which would leave users "
        "without a client for it.",
    ),
    (
        STATUS_ROUND,
        2,
        "objects",
        "Cleaning up flavors is a bigger job than expected and may hold back the rest "
        "of the objects work.",
    ),
)

#: (session order, outcome order, area slug, owner, text, done)
ACTION_ITEMS = (
    (
        STATUS_ROUND,
        1,
        "scheduler",
        "Scheduler sub-team",
        "Land the patch series that detaches Service from Compute Node first; most of "
        "the later scheduler patches depend on it.",
        False,
    ),
    (
        STATUS_ROUND,
        2,
        "neutron-migration",
        "nova-network migration team",
        "Start moving devstack from nova-network to Neutron.",
        False,
    ),
)


def _upsert(model, defaults, **lookup):
    """Create or update the row ``lookup`` names; leave it untouched if it already matches.

    Skipping rows that are already up to date keeps their ``updated_at`` stamps, so a
    second run really changes nothing. Returns "created", "updated" or "unchanged".
    """
    existing = model.objects.filter(**lookup, **defaults).first()
    if existing is not None:
        return existing, "unchanged"
    obj, created = model.objects.update_or_create(defaults=defaults, **lookup)
    return obj, "created" if created else "updated"


def load_demo():
    """Create or update the demo meetup, idempotently. Returns a summary of what happened.

    The summary maps "day" to the loaded Day and "created", "updated" and "unchanged"
    to row counts.
    """
    summary = {"created": 0, "updated": 0, "unchanged": 0}

    def upsert(model, defaults, **lookup):
        obj, what = _upsert(model, defaults, **lookup)
        summary[what] += 1
        return obj

    with transaction.atomic():
        team_fields = dict(TEAM)
        team = upsert(Team, team_fields, slug=team_fields.pop("slug"))
        cycle_fields = dict(CYCLE)
        cycle = upsert(Cycle, cycle_fields, team=team, slug=cycle_fields.pop("slug"))
        meetup_fields = {**MEETUP, "team": team, "cycle": cycle}
        meetup = upsert(Meetup, meetup_fields, slug=meetup_fields.pop("slug"))

        day = upsert(
            Day,
            {"date": DAY["date"], "summary": DAY["summary"]},
            meetup=meetup,
            number=DAY["number"],
        )

        def set_related(manager, objects):
            """Make a many-to-many relation the demo's again; count it as a row changed."""
            before = set(manager.values_list("pk", flat=True))
            if before != {obj.pk for obj in objects}:
                manager.set(objects)
                summary["updated" if before else "created"] += 1

        areas = {}
        for place, (slug, name, description) in enumerate(PRIORITY_AREAS, start=1):
            areas[slug] = upsert(
                PriorityArea, {"name": name, "description": description}, team=team, slug=slug
            )
            priority = upsert(CyclePriority, {"order": place}, cycle=cycle, area=areas[slug])
            people = [upsert(Person, {}, name=name) for name in LEADS[slug]]
            set_related(priority.leads, people)
            for person in people:
                attendance = upsert(Attendance, {}, meetup=meetup, person=person)
                set_related(attendance.days, [] if person.name in ABSENT_ON_DAY_1 else [day])

        sessions = {
            order: upsert(
                Session,
                {"facilitator": "", "start_time": None, **fields},
                day=day,
                order=order,
            )
            for order, fields in SESSIONS.items()
        }

        for slug, _name, _description in PRIORITY_AREAS:
            upsert(
                StatusUpdate,
                STATUS_UPDATES[slug],
                session=sessions[STATUS_ROUND],
                priority_area=areas[slug],
            )

        for model, rows in ((Decision, DECISIONS), (Risk, RISKS)):
            for session_order, order, slug, text in rows:
                upsert(
                    model,
                    {"priority_area": areas[slug], "text": text},
                    session=sessions[session_order],
                    order=order,
                )

        for session_order, order, slug, owner, text, done in ACTION_ITEMS:
            upsert(
                ActionItem,
                {"priority_area": areas[slug], "owner": owner, "text": text, "done": done},
                session=sessions[session_order],
                order=order,
            )

    summary["day"] = day
    return summary
