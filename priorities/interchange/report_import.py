"""Make a day match a Markdown day report (``report_parser`` reads it), in one transaction.

``import_report`` creates or updates the meetup's day, its sessions, status updates and
outcomes, and deletes those the report no longer holds; when the report lists who was there,
the day's attendance is made to match (people found by name, any case, or created). Any error
(a malformed line, an unknown priority area, a rule a model enforces) raises ``ReportError``
naming the line, and nothing is written. A dry run does the same work and rolls it back, so
what it lists is exactly what a real import would change. Every value goes through the model
fields' validators, as in the admin.

The contract: for any day, ``import_report(day_report(day))`` into an empty database gives a
day whose report is byte-identical to the first.
"""

from django.db.models import Max
from django.utils.text import slugify

from ..models import (
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
from ..models.locking import lock_day
from .importing import Change, ImportResult, apply, row_problem, save_row
from .report_export import OUTCOME_SECTIONS
from .report_parser import ReportError, parse_report

#: The cycle of a meetup whose report, from before teams, named none.
UNNAMED_CYCLE = "Unnamed cycle"

OUTCOME_MODELS = dict(zip(OUTCOME_SECTIONS, (Decision, ActionItem, Risk), strict=True))
OUTCOME_RELATIONS = dict(zip(OUTCOME_SECTIONS, ("decisions", "action_items", "risks"), strict=True))


def import_report(
    text,
    *,
    meetup_slug=None,
    create_areas=False,
    dry_run=False,
    user=None,
    expected_digest=None,
):
    """Make the day described by ``text`` exist exactly as described, in one transaction.

    Returns an ``ImportResult`` listing every change; with ``dry_run`` nothing is kept. With
    ``expected_digest`` (a preview's), see ``priorities.interchange.importing.apply``.
    """
    parsed = parse_report(text)

    def work():
        importer = _Importer(parsed, create_areas=create_areas, user=user)
        day = importer.run(meetup_slug or parsed.meetup_slug)
        return ImportResult(day, importer.changes)

    return apply(work, dry_run=dry_run, expected_digest=expected_digest)


def free_slug(queryset, name, fallback="area"):
    """A slug made from ``name`` that no row of ``queryset`` has yet."""
    base = slugify(name)[:40] or fallback
    slug, suffix = base, 1
    while queryset.filter(slug=slug).exists():
        suffix += 1
        slug = f"{base}-{suffix}"
    return slug


class _Importer:
    def __init__(self, parsed, *, create_areas, user):
        self.parsed = parsed
        self.create_areas = create_areas
        self.user = user
        self.changes = []
        self.areas = {}

    def run(self, meetup_slug):
        parsed = self.parsed
        meetup = Meetup.objects.select_related("team", "cycle").filter(slug=meetup_slug).first()
        if meetup is None:
            team = self.find_or_create_team()
            meetup = Meetup(slug=meetup_slug, team=team, cycle=self.find_or_create_cycle(team))
        self.save(
            meetup,
            parsed.facts_line,
            f"meetup {meetup_slug!r}",
            only_if_new=True,
            name=parsed.meetup_name,
            location=parsed.location,
            start_date=parsed.start_date,
            end_date=parsed.end_date,
        )
        self.meetup = meetup
        day = Day.objects.filter(meetup=meetup, number=parsed.number).first()
        if day is None:
            day = Day(meetup=meetup, number=parsed.number)
        else:
            # The import rewrites the whole day: take the day and its sessions first, as every
            # write across a day does (priorities.locking), then read them again as locked.
            lock_day(day)
            day.refresh_from_db()
        self.save(
            day,
            parsed.facts_line,
            f"day {parsed.number}",
            date=parsed.date,
            summary=parsed.summary,
        )
        if parsed.attendees is not None:
            self.import_attendance(day)
        self.resolve_areas()
        sessions = self.import_sessions(day)
        self.import_updates(day, sessions)
        for parsed_session in parsed.sessions:
            self.import_outcomes(sessions[parsed_session.title], parsed_session)
        return day

    def save(self, obj, line, label, *, only_if_new=False, **values):
        """Set ``values`` on ``obj``, validate it as the admin would, and save it if changed."""
        creating = obj._state.adding
        if not creating and only_if_new:
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not creating and not changed:
            return obj
        for name in changed:
            setattr(obj, name, values[name])
        if problem := row_problem(obj):
            raise ReportError(line, f"{label}: {problem}")
        if isinstance(obj, StatusUpdate) and self.user is not None:
            obj.saved_by = self.user
        # As read, before the save moves its version on: a preview then notices any edit since.
        read = None if creating else Change.of("change", obj, label, changed)
        if refused := save_row(obj):
            raise ReportError(line, f"{label}: {refused}")
        if creating:
            self.changes.append(Change.of("add", obj, label))
        else:
            self.changes.append(read)
        return obj

    def delete(self, obj, label):
        self.changes.append(Change.of("delete", obj, label))
        obj.delete()

    def find_or_create_team(self):
        """The team the report names: by its slug, else (a report from before teams, which
        gave a project's name only) by its name; created if the site has none such."""
        parsed = self.parsed
        teams = Team.objects.all()
        team = (
            teams.filter(slug=parsed.team_slug).first()
            if parsed.team_slug
            else teams.filter(name__iexact=parsed.team_name).first()
        )
        if team is None:
            slug = parsed.team_slug or free_slug(Team.objects.all(), parsed.team_name, "team")
            team = self.save(
                Team(),
                parsed.facts_line,
                f"team {parsed.team_name!r}",
                name=parsed.team_name,
                slug=slug,
            )
        return team

    def find_or_create_cycle(self, team):
        """The team's cycle the report names (by slug, else by name; "Unnamed cycle" when a
        report from before teams gave none); created if the team has none such."""
        parsed = self.parsed
        name = parsed.cycle_name or UNNAMED_CYCLE
        cycles = team.cycles.all()
        cycle = (
            cycles.filter(slug=parsed.cycle_slug).first()
            if parsed.cycle_slug
            else cycles.filter(name__iexact=name).first()
        )
        if cycle is None:
            slug = parsed.cycle_slug or free_slug(cycles, name, "cycle")
            cycle = self.save(
                Cycle(team=team),
                parsed.facts_line,
                f"cycle {name!r} of {team.name}",
                name=name,
                slug=slug,
            )
        return cycle

    def import_attendance(self, day):
        """Tick the day for each attendee the report lists (adding the person and their
        attendance of the meetup when missing), and untick it for everyone else."""
        present = set()
        for line, name in self.parsed.attendees:
            person = Person.objects.filter(name__iexact=name).first()
            if person is None:
                person = self.save(Person(), line, f"person {name!r}", name=name)
            label = f"attendance of {person.name!r}"
            attendance = Attendance.objects.filter(meetup=self.meetup, person=person).first()
            if attendance is None:
                # Created with the day ticked: one change, not two.
                attendance = self.save(Attendance(meetup=self.meetup, person=person), line, label)
            elif attendance.pk in present:
                raise ReportError(line, f"{name!r} is listed twice among the attendees")
            elif not attendance.days.filter(pk=day.pk).exists():
                self.changes.append(Change.of("change", attendance, label, ["days"], line))
            present.add(attendance.pk)
            attendance.days.add(day)
        for attendance in day.attendances.exclude(pk__in=present).select_related("person"):
            label = f"attendance of {attendance.person.name!r}"
            self.changes.append(Change.of("change", attendance, label, ["days"]))
            attendance.days.remove(day)

    def resolve_areas(self):
        """The areas the report names, by name or slug, among the meetup's team's. With
        ``create_areas`` a missing one is created in the team and appended to the meetup's
        cycle's priority list, so that the day lists its areas in the report's order."""
        named = [(u.line, u.area) for u in self.parsed.updates]
        named += [(o.line, o.area) for s in self.parsed.sessions for o in s.outcomes if o.area]
        wanted = {name for _line, name in named}
        team_areas = PriorityArea.objects.filter(team=self.meetup.team_id)
        for area in team_areas.filter(name__in=wanted):
            self.areas[area.name] = area
        for area in team_areas.filter(slug__in=wanted - set(self.areas)):
            self.areas[area.slug] = area
        cycle = self.meetup.cycle
        place = cycle.priority_list.aggregate(Max("order"))["order__max"] or 0
        for line, name in named:
            if name in self.areas:
                continue
            if not self.create_areas:
                raise ReportError(
                    line,
                    f"{self.meetup.team.name} has no priority area {name!r} "
                    "(create it first, or use --create-areas)",
                )
            area = PriorityArea(team=self.meetup.team, name=name, slug=free_slug(team_areas, name))
            self.areas[name] = self.save(area, line, f"priority area {name!r}")
            place += 1
            self.save(
                CyclePriority(cycle=cycle, area=area, order=place),
                line,
                f"{name!r} in the {cycle.name} priority list",
            )

    def import_sessions(self, day):
        existing = {session.title: session for session in day.sessions.all()}
        sessions = {}
        for position, parsed in enumerate(self.parsed.sessions, start=1):
            if parsed.title in sessions:
                raise ReportError(parsed.line, f"session {parsed.title!r} appears twice")
            session = existing.pop(parsed.title, None) or Session(day=day)
            sessions[parsed.title] = self.save(
                session,
                parsed.line,
                f"session {parsed.title!r}",
                title=parsed.title,
                kind=parsed.kind,
                part_of_day=parsed.part_of_day,
                start_time=parsed.start_time,
                order=position,
                facilitator=parsed.facilitator,
                notes=parsed.notes,
            )
        for title, session in existing.items():
            for relation in ("updates", *OUTCOME_RELATIONS.values()):
                for child in getattr(session, relation).all():
                    self.delete(child, f"{child._meta.verbose_name} {child} of {title!r}")
            self.delete(session, f"session {title!r}")
        return sessions

    def import_updates(self, day, sessions):
        existing = {
            (update.session_id, update.priority_area_id): update
            for update in StatusUpdate.objects.filter(session__day=day)
        }
        for parsed in self.parsed.updates:
            session = sessions.get(parsed.session_title)
            if session is None:
                raise ReportError(
                    parsed.line,
                    f"no session {parsed.session_title!r} in the Sessions section",
                )
            area = self.areas[parsed.area]
            key = (session.pk, area.pk)
            if key in existing and existing[key] is None:
                raise ReportError(
                    parsed.line, f"a second update of {parsed.area!r} in this session"
                )
            update = existing.get(key) or StatusUpdate(session=session, priority_area=area)
            existing[key] = None
            self.save(
                update,
                parsed.line,
                f"status update of {area.name!r} in {session.title!r}",
                status=parsed.status,
                headline=parsed.headline,
                body=parsed.body,
                reported_by=parsed.reported_by,
                delivery=parsed.delivery,
            )
        for update in existing.values():
            if update is not None:
                self.delete(update, f"status update {update} in {update.session.title!r}")

    def import_outcomes(self, session, parsed_session):
        for kind, model in OUTCOME_MODELS.items():
            parsed_items = [o for o in parsed_session.outcomes if o.kind == kind]
            existing = list(getattr(session, OUTCOME_RELATIONS[kind]).all())
            for position, parsed in enumerate(parsed_items, start=1):
                outcome = existing.pop(0) if existing else model(session=session)
                values = {
                    "order": position,
                    "text": parsed.text,
                    "priority_area": self.areas[parsed.area] if parsed.area else None,
                }
                if model is ActionItem:
                    values.update(owner=parsed.owner, done=parsed.done)
                label = f"{model._meta.verbose_name} {position} of {session.title!r}"
                self.save(outcome, parsed.line, label, **values)
            for outcome in existing:
                self.delete(outcome, f"{model._meta.verbose_name} {outcome} of {session.title!r}")
