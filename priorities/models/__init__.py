"""The meetup notes domain: one aggregate of linked models, a module each.

- ``meetups``: a meetup, its numbered days, and the sessions of each day;
- ``areas``: the priority areas a team committed to;
- ``updates``: one area's status as reported in one session;
- ``outcomes``: what a session produced (decisions, action items, risks);
- ``teams``: teams, their cycles and each cycle's priority list (with its leads);
- ``people``: who leads areas and who attended which day;
- ``transcripts``: the lines of a session held on IRC, as its log shows them;
- ``sending``: a record of every day report mailed to a list;
- ``tokens``: the personal API tokens bots post with;
- ``markup``: the HTML of editors' Markdown, rendered when a row is written and stored with it;
- ``locking``: the versions that keep two editors from overwriting each other, and the one
  lock order every write follows.

Vocabularies are in ``priorities.enums``, the rules on editors' text in
``priorities.validators``, what a page shows (read models) in ``priorities.pages``.
"""

from .areas import PriorityArea
from .locking import ObjectDeleted, VersionConflict, VersionedModel
from .meetups import Day, Meetup, Session
from .outcomes import ActionItem, Decision, Outcome, Risk, outcome_prefetches
from .people import Attendance, Person
from .sending import ReportSending
from .teams import SAME_TEAM_MESSAGES, Cycle, CyclePriority, Team
from .tokens import ApiToken
from .transcripts import TranscriptLine
from .updates import StatusUpdate

__all__ = [
    "CONTENT_MODELS",
    "ActionItem",
    "ApiToken",
    "Attendance",
    "Cycle",
    "CyclePriority",
    "Day",
    "Decision",
    "Meetup",
    "ObjectDeleted",
    "Outcome",
    "Person",
    "PriorityArea",
    "ReportSending",
    "Risk",
    "Session",
    "StatusUpdate",
    "Team",
    "TranscriptLine",
    "VersionConflict",
    "VersionedModel",
    "outcome_prefetches",
    "violated_rule_message",
]

#: Every model whose rows the public pages show: a change to any of them changes a page.
CONTENT_MODELS = (
    Team,
    Cycle,
    CyclePriority,
    Meetup,
    Day,
    Session,
    PriorityArea,
    StatusUpdate,
    Decision,
    ActionItem,
    Risk,
    Person,
    Attendance,
    TranscriptLine,
)


def violated_rule_message(error):
    """The message of the constraint an ``IntegrityError`` names, or "" if it names none.

    PostgreSQL and SQLite name the constraint in their message; SQLite names a unique
    constraint on fields by its columns instead ("UNIQUE constraint failed: table.a, table.b").
    """
    text = str(error)
    for model in CONTENT_MODELS:
        for constraint in model._meta.constraints:
            names = [constraint.name]
            if getattr(constraint, "fields", ()):
                table = model._meta.db_table
                columns = [model._meta.get_field(name).column for name in constraint.fields]
                names.append(", ".join(f"{table}.{column}" for column in columns))
            if any(name in text for name in names):
                return constraint.get_violation_error_message()
    # The rules that keep a team's data together are triggers, named in their error.
    return next((message for rule, message in SAME_TEAM_MESSAGES.items() if rule in text), "")
