"""What each reader page shows, and which pages each change touches (``meetup.pagecache.scopes``).

Scopes, and the pages of each:

- ``day:<meetup>:<number>``: the day page and its Markdown report;
- ``meetup:<meetup>``: the meetup page (its days and scoreboard);
- ``area:<team>:<area>``: the area's timeline;
- ``team:<team>``: the team page and its calendar;
- ``decisions`` and ``actions``: the two registers;
- ``site`` (``SITE_PAGES``): every other reader page (the home page, the priorities, the
  calendar, the API), which show a little of every meetup. (The Atom feeds are not cached.)

What touches what, following what the pages read (``priorities.pages``):

- a status update: its day, and every later day of its team (a day's "what changed" lines
  compare with the area's previous update, at an earlier day or meetup), the meetups of those
  days (their scoreboards read the days, and the update before the first), its area's
  timeline, its team and the site pages; moved to another session or area, where it was too;
- a decision, action item or risk: its day, meetup, team, register and the site pages;
- a transcript line: its day;
- a day's summary: the day, its meetup (which shows the summaries), team and the site pages;
  a day added, moved or renumbered, every page;
- a session (its title, times, notes, order): what its updates touch (its order decides which
  update an area ended the day with, which the later days read), both registers, and the
  timelines of the areas it has updates of (its title is on every update's card); moved to
  another day, every page;
- attendance: the days of its meetup (the absent-lead flags), the meetup, team and site;
- anything else (teams, areas, cycles, people, meetups, who edits what): every
  page, as they are named everywhere (``ALL_PAGES``).

Marks, what a save notes at no query, are resolved into scopes once per commit, in at most four
queries. A mark naming a row that no longer exists touches every page, as does the save of a
row whose earlier placement is unknown (``models.placement``).
"""

from django.db.models import Q

from meetup.pagecache.scopes import ALL_PAGES, SITE_PAGES

from .models import (
    ActionItem,
    Attendance,
    Day,
    Decision,
    Meetup,
    PriorityArea,
    Risk,
    Session,
    StatusUpdate,
    TranscriptLine,
)
from .models.placement import RemembersPlacement

REGISTERS = {Decision: "decisions", ActionItem: "actions", Risk: ""}
#: The models whose changes touch some pages only (``touched_by``); the others touch every page.
SCOPED_MODELS = (Day, Session, StatusUpdate, *REGISTERS, TranscriptLine, Attendance)

#: URL name -> the scope of its page, from the address's arguments.
_PAGE_SCOPES = {
    "day-detail": lambda kwargs: f"day:{kwargs['slug']}:{kwargs['number']}",
    "day-report": lambda kwargs: f"day:{kwargs['slug']}:{kwargs['number']}",
    "meetup-detail": lambda kwargs: f"meetup:{kwargs['slug']}",
    "priority-detail": lambda kwargs: f"area:{kwargs['team']}:{kwargs['slug']}",
    "team-detail": lambda kwargs: f"team:{kwargs['team']}",
    "team-calendar": lambda kwargs: f"team:{kwargs['team']}",
    "decision-list": lambda kwargs: "decisions",
    "action-list": lambda kwargs: "actions",
}


def scopes_of_page(match):
    """The scopes of the page ``match`` (a ``ResolverMatch``) resolves to."""
    scope = _PAGE_SCOPES.get(match.url_name) if match.app_name == "priorities" else None
    return (scope(match.kwargs),) if scope else (SITE_PAGES,)


# -- What a change notes (no query) -------------------------------------------------------


def touched_by(instance, created=False):
    """The marks of a saved (``created``: a new row) or deleted row of a content model."""
    placed = isinstance(instance, RemembersPlacement)
    if placed and not created and not hasattr(instance, "loaded_placement"):
        return {ALL_PAGES}  # where it was is unknown (a history record restored)
    if isinstance(instance, StatusUpdate):
        marks = {("updates", instance.session_id), ("area", instance.priority_area_id)}
        before_session, before_area = getattr(instance, "loaded_placement", (None, None))
        marks |= {("updates", before_session), ("area", before_area)}
        return {mark for mark in marks if mark[1] is not None}
    if isinstance(instance, tuple(REGISTERS)):
        register = REGISTERS[type(instance)]
        sessions = {instance.session_id, getattr(instance, "loaded_placement", (None,))[0]}
        return {("outcomes", session, register) for session in sessions if session is not None}
    if isinstance(instance, TranscriptLine):
        return {("transcript", instance.session_id)}
    if isinstance(instance, Day):
        if created or instance.loaded_placement != instance.current_placement():
            return {ALL_PAGES}  # a new day, or one moved or renumbered: every page's links
        return {("day", instance.pk)}
    if isinstance(instance, Session):
        moved = not created and instance.loaded_placement != instance.current_placement()
        if instance.pk is None or moved:
            return {ALL_PAGES}  # moved to another day (or not saved: a failed delete)
        return {("session", instance.pk)}
    if isinstance(instance, Attendance):
        return {("meetup", instance.meetup_id)}
    return {ALL_PAGES}


def touched_by_relation(instance, model, pk_set):
    """The marks of days added to or removed from someone's attendance (either side)."""
    if isinstance(instance, Attendance | Day):
        return {("meetup", instance.meetup_id)}
    return {ALL_PAGES}


# -- What the marks touch (once per commit) -------------------------------------------------


def scopes_changed(marks):
    """The scopes touched by ``marks`` (see the module)."""
    in_sessions = ("updates", "outcomes", "transcript", "session")
    sessions = {mark[1] for mark in marks if mark[0] in in_sessions}
    days = {
        row["pk"]: row
        for row in Session.objects.filter(pk__in=sessions).values(
            "pk",
            "day__number",
            "day__date",
            "day__meetup_id",
            "day__meetup__slug",
            "day__meetup__team_id",
            "day__meetup__team__slug",
        )
    }
    if len(days) < len(sessions):
        return {ALL_PAGES}
    scopes = set()
    meetups = {mark[1] for mark in marks if mark[0] == "meetup"}
    earliest = {}  # team id -> the earliest date a status update changed on
    for kind, session, *register in marks:
        if kind not in in_sessions:
            continue
        day = days[session]
        scopes.add(f"day:{day['day__meetup__slug']}:{day['day__number']}")
        if kind == "transcript":
            continue
        scopes |= {f"meetup:{day['day__meetup__slug']}", f"team:{day['day__meetup__team__slug']}"}
        scopes.add(SITE_PAGES)
        if kind == "outcomes" and register[0]:
            scopes.add(register[0])
        if kind == "session":
            scopes |= {"decisions", "actions"}
        if kind in ("updates", "session"):
            team, date = day["day__meetup__team_id"], day["day__date"]
            earliest[team] = min(date, earliest.get(team, date))
    for team, date in earliest.items():
        later = Day.objects.filter(meetup__team=team, date__gte=date)
        for slug, number in later.values_list("meetup__slug", "number"):
            scopes |= {f"day:{slug}:{number}", f"meetup:{slug}"}
    edited_days = {mark[1] for mark in marks if mark[0] == "day"}
    found = Day.objects.filter(pk__in=edited_days).values_list(
        "meetup__slug", "number", "meetup__team__slug"
    )
    if len(found) < len(edited_days):
        return {ALL_PAGES}  # a day deleted
    for slug, number, team in found:
        scopes |= {f"day:{slug}:{number}", f"meetup:{slug}", f"team:{team}", SITE_PAGES}
    areas = {mark[1] for mark in marks if mark[0] == "area"}
    retitled = {mark[1] for mark in marks if mark[0] == "session"}
    found = PriorityArea.objects.filter(
        Q(pk__in=areas) | Q(updates__session__in=retitled)
    ).values_list("team__slug", "slug")
    scopes |= {f"area:{team}:{slug}" for team, slug in found}
    if meetups:
        found = Meetup.objects.filter(pk__in=meetups).values_list("slug", "team__slug")
        for slug, team in found:
            scopes |= {f"meetup:{slug}", f"team:{team}", SITE_PAGES}
        for slug, number in Day.objects.filter(meetup__in=meetups).values_list(
            "meetup__slug", "number"
        ):
            scopes.add(f"day:{slug}:{number}")
    return scopes
