"""The rules that keep a team's data together, held by the database on every way in.

An update's (or an outcome's) priority area is one of its meetup's team's; a meetup's cycle is
one of its team's; a cycle's priority list holds its team's areas; and what holds a team's
data (an area, a cycle, a meetup, a day, a session) is not moved to another team. These span
several tables, so no CHECK constraint can hold them: they are triggers, on SQLite and
PostgreSQL alike, each refusing a row with the rule's name (``SAME_TEAM_MESSAGES`` in
``priorities.models.teams`` says what each means). The models' ``clean()`` checks the same
rules first, so that a form shows the message instead of the database refusing.
"""

OUTCOMES = ("decision", "actionitem", "risk")

TEAM_OF_SESSION = (
    "(SELECT m.team_id FROM priorities_session s"
    " JOIN priorities_day d ON d.id = s.day_id"
    " JOIN priorities_meetup m ON m.id = d.meetup_id WHERE s.id = {session})"
)
TEAM_OF_AREA = "(SELECT team_id FROM priorities_priorityarea WHERE id = {area})"
TEAM_OF_CYCLE = "(SELECT team_id FROM priorities_cycle WHERE id = {cycle})"
TEAM_OF_MEETUP = "(SELECT team_id FROM priorities_meetup WHERE id = {meetup})"
TEAM_OF_DAY = (
    "(SELECT m.team_id FROM priorities_day d"
    " JOIN priorities_meetup m ON m.id = d.meetup_id WHERE d.id = {day})"
)


def _area_of_the_session_team():
    return (
        f"NEW.priority_area_id IS NOT NULL AND {TEAM_OF_AREA.format(area='NEW.priority_area_id')}"
        f" <> {TEAM_OF_SESSION.format(session='NEW.session_id')}"
    )


def _has(table, column, key="OLD.id"):
    return f"EXISTS (SELECT 1 FROM {table} WHERE {column} = {key})"  # noqa: S608 (our names)


#: (rule, table, events, columns an update must touch to be checked, the condition refused)
RULES = [
    (
        "meetup_cycle_of_its_team",
        "priorities_meetup",
        ("INSERT", "UPDATE"),
        ("team_id", "cycle_id"),
        f"{TEAM_OF_CYCLE.format(cycle='NEW.cycle_id')} <> NEW.team_id",
    ),
    (
        "cycle_priority_of_its_team",
        "priorities_cyclepriority",
        ("INSERT", "UPDATE"),
        ("cycle_id", "area_id"),
        f"{TEAM_OF_AREA.format(area='NEW.area_id')}"
        f" <> {TEAM_OF_CYCLE.format(cycle='NEW.cycle_id')}",
    ),
    (
        "update_area_of_its_team",
        "priorities_statusupdate",
        ("INSERT", "UPDATE"),
        ("session_id", "priority_area_id"),
        _area_of_the_session_team(),
    ),
    *(
        (
            "outcome_area_of_its_team",
            f"priorities_{name}",
            ("INSERT", "UPDATE"),
            ("session_id", "priority_area_id"),
            _area_of_the_session_team(),
        )
        for name in OUTCOMES
    ),
    # Moving what holds a team's data to another team would take the data along, wrongly.
    (
        "team_of_a_row_is_kept",
        "priorities_priorityarea",
        ("UPDATE",),
        ("team_id",),
        "NEW.team_id <> OLD.team_id AND ("
        + " OR ".join(
            [
                _has("priorities_statusupdate", "priority_area_id"),
                _has("priorities_cyclepriority", "area_id"),
                *(_has(f"priorities_{name}", "priority_area_id") for name in OUTCOMES),
            ]
        )
        + ")",
    ),
    (
        "team_of_a_row_is_kept",
        "priorities_cycle",
        ("UPDATE",),
        ("team_id",),
        "NEW.team_id <> OLD.team_id AND ("
        + _has("priorities_meetup", "cycle_id")
        + " OR "
        + _has("priorities_cyclepriority", "cycle_id")
        + ")",
    ),
    (
        "team_of_a_row_is_kept",
        "priorities_meetup",
        ("UPDATE",),
        ("team_id",),
        "NEW.team_id <> OLD.team_id AND " + _has("priorities_day", "meetup_id"),
    ),
    (
        "team_of_a_row_is_kept",
        "priorities_day",
        ("UPDATE",),
        ("meetup_id",),
        f"{TEAM_OF_MEETUP.format(meetup='NEW.meetup_id')}"
        f" <> {TEAM_OF_MEETUP.format(meetup='OLD.meetup_id')} AND "
        + _has("priorities_session", "day_id"),
    ),
    (
        "team_of_a_row_is_kept",
        "priorities_session",
        ("UPDATE",),
        ("day_id",),
        f"{TEAM_OF_DAY.format(day='NEW.day_id')} <> {TEAM_OF_DAY.format(day='OLD.day_id')} AND ("
        + " OR ".join(
            [
                _has("priorities_statusupdate", "session_id"),
                *(_has(f"priorities_{name}", "session_id") for name in OUTCOMES),
            ]
        )
        + ")",
    ),
]


def _trigger_name(rule, table, event):
    return f"{table.removeprefix('priorities_')}_{event.lower()}_{rule}"[:60]


def trigger_names():
    """Every trigger the rules make, by table."""
    return [
        (table, _trigger_name(rule, table, event))
        for rule, table, events, _columns, _condition in RULES
        for event in events
    ]


def remove(connection):
    """Drop the triggers (the migration's way back)."""
    with connection.cursor() as cursor:
        for table, name in trigger_names():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def install(connection):
    """(Re)create every trigger: idempotent, so it also runs after every migrate, because
    SQLite drops a table's triggers whenever a migration rebuilds the table."""
    remove(connection)
    with connection.cursor() as cursor:
        for rule, table, events, columns, condition in RULES:
            for event in events:
                name = _trigger_name(rule, table, event)
                when = f"UPDATE OF {', '.join(columns)}" if event == "UPDATE" else event
                if connection.vendor == "postgresql":
                    cursor.execute(
                        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        f"IF {condition} THEN RAISE EXCEPTION '{rule}' "
                        "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$"
                    )
                    cursor.execute(
                        f"CREATE TRIGGER {name} BEFORE {when} ON {table} "
                        f"FOR EACH ROW EXECUTE FUNCTION {name}()"
                    )
                elif connection.vendor == "sqlite":
                    cursor.execute(
                        f"CREATE TRIGGER {name} BEFORE {when} ON {table} FOR EACH ROW "
                        f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{rule}'); END"
                    )


def install_after_migrate(using="default", apps=None, **kwargs):
    """``post_migrate`` receiver: the triggers are there whatever the migrations rebuilt
    (unless the database was taken back to before teams, when there is nothing to hold)."""
    from django.db import connections

    if apps is not None:
        try:
            apps.get_model("priorities", "Team")
        except LookupError:
            return
    install(connections[using])
