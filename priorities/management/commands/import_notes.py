import re
import sys
from argparse import RawDescriptionHelpFormatter

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter

from priorities.interchange.irc_commands import CHEAT_SHEET
from priorities.interchange.irc_logs import MAX_LOG_BYTES, read_log
from priorities.interchange.notes_commands import LineError, NotesError
from priorities.interchange.quick_notes import count_changes, import_meeting
from priorities.models import Day, Meetup
from priorities.models.locking import VersionConflict


class Command(BaseCommand):
    help = (
        "Add quick notes, MeetBot style (#topic, #status, #info, #agreed, #action, #risk...), "
        "to a meetup day as a new session, or (--append) to one of its sessions. The whole "
        "import is one transaction: notes with an error change nothing.\n\n"
        "The file may also be an IRC meeting log (MeetBot's own, ISO-stamped, [HH:MM] "
        "bracketed, irssi, WeeChat or a web archive's HH:MM nick: text), from #startmeeting to "
        "#endmeeting: it also gives the session its times and transcript. Importing a log "
        "again adds only what is new.\n\n" + CHEAT_SHEET
    )
    stealth_options = ("stdin",)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = _HelpFormatter  # the cheat sheet keeps its lines
        return parser

    def add_arguments(self, parser):
        parser.add_argument("file", help="the notes, UTF-8 text; - reads them from stdin")
        parser.add_argument(
            "--day", required=True, metavar="MEETUP/N", help="the day, e.g. nova-kilo-midcycle/1"
        )
        parser.add_argument(
            "--session",
            metavar="TITLE",
            help="the new session's title (default: #startmeeting's, else \"Quick notes\"); "
            "with --append, the day's session to add the notes to",
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="add the notes to the day's session titled --session: its rows stay, its notes "
            "get the points after theirs, an area it has an update of gets that update changed",
        )
        parser.add_argument(
            "--attendance",
            action="store_true",
            help="an IRC log: tick the people it shows present (matched by IRC nick) as "
            "attending the day",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would be created and write nothing"
        )

    def handle(self, *args, file, day, session, append, dry_run, attendance, **options):
        day = self.find_day(day)
        into = self.find_session(day, session) if append else None
        text = self.read(file, options.get("stdin"))
        try:
            result = import_meeting(
                day,
                text,
                session_title=None if append else session,
                into=into,
                dry_run=dry_run,
                attendance=attendance,
            )
        except VersionConflict as conflict:
            raise CommandError(
                f"{conflict.obj} was saved by someone else meanwhile; nothing was written: "
                "run the command again."
            ) from None
        except NotesError as error:
            name = "stdin" if file == "-" else file
            problems = "\n".join(f"  {problem}" for problem in error.errors)
            raise CommandError(
                f"{name}: {len(error.errors)} problem(s), nothing was written:\n{problems}"
            ) from None
        changes, log = result.changes, result.log
        if log is None:
            self.write_changes([(None, change) for change in changes])
        else:
            self.write_log(log, changes)
        verb = "Would create" if dry_run else "Created"
        if log is not None and log.into_existing is not None:
            into = log.into_existing
        if into is not None:
            verb = "Would add" if dry_run else "Added"
        where = f'session "{into.title}" of {day}' if into is not None else str(day)
        self.stdout.write(self.style.SUCCESS(f"{verb} {count_changes(changes)} in {where}."))

    def write_changes(self, entries, indent="  "):
        for time, change in entries:
            where = f"line {change.line}" if change.line else ""
            if time is not None:
                where += f" ({time:%H:%M:%S})"
            self.stdout.write(f"{indent}{where}: {change}" if where else f"{indent}{change}")
            for text in change.detail.splitlines():
                self.stdout.write(f"{indent}    {text}")

    def write_log(self, log, changes):
        """The preview of a log: its changes topic by topic, who was there, what was left out."""
        meeting = log.meeting
        self.stdout.write(f'An IRC meeting log ({meeting.format}), "{meeting.title or "untitled"}"')
        if log.into_existing is not None:
            self.stdout.write(
                f'  already imported into the session "{log.into_existing.title}": only what '
                "is new is added"
            )
        for section in log.sections(changes):
            when = f" ({section.time:%H:%M:%S})" if section.time else ""
            self.stdout.write(f"{section.title}{when}:")
            self.write_changes(section.entries, indent="    ")
            if not section.entries:
                self.stdout.write("    no records (its points, if any, are in the session's notes)")
        present = ", ".join(str(speaker) for speaker in log.present) or "nobody"
        self.stdout.write(f"People present: {present}")
        if log.unmatched:
            self.stdout.write(
                f"  no person has the IRC nick of {', '.join(log.unmatched)}: their lines are "
                "kept, but they count for no one's attendance"
            )
        left_out = "; ".join(f"{count:,} {what}" for what, count in log.left_out)
        self.stdout.write(f"Left out: {left_out or 'nothing'}")

    def find_session(self, day, title):
        """The day's session that ``--append`` adds to, by its title (any case)."""
        if not title:
            raise CommandError(
                "--append needs --session with the title of one of the day's sessions."
            )
        found = day.sessions.filter(title__iexact=title.strip()).first()
        if found is None:
            titles = day.sessions.values_list("title", flat=True)
            known = ", ".join(f'"{name}"' for name in titles) or "none yet"
            raise CommandError(f'{day} has no session "{title}" (its sessions: {known}).')
        return found

    def find_day(self, value):
        slug, _slash, number = value.rpartition("/")
        # Day numbers as the URLs take them: 1 to 4 ASCII digits ("²" is a digit to isdigit()).
        if not slug or not re.fullmatch(r"[0-9]{1,4}", number):
            raise CommandError(
                f'--day takes <meetup-slug>/<n>, e.g. nova-kilo-midcycle/1, not "{value}"'
            )
        if not Meetup.objects.filter(slug=slug).exists():
            raise CommandError(f'There is no meetup "{slug}".')
        found = Day.objects.with_meetup().filter(meetup__slug=slug, number=int(number))
        if (day := found.first()) is None:
            raise CommandError(f'The meetup "{slug}" has no day {number}.')
        return day

    def read(self, file, stdin):
        name = "stdin" if file == "-" else file
        try:
            if file != "-":
                with open(file, "rb") as notes:
                    data = notes.read(MAX_LOG_BYTES + 1)
            else:
                stream = stdin or sys.stdin
                if not hasattr(stream, "buffer"):
                    return stream.read()
                data = stream.buffer.read(MAX_LOG_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {name}: {error}") from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # The reader names every line that is not UTF-8 (and refuses a text too large).
            errors = read_log(data).errors
            problems = "\n".join(f"  {LineError(line, message)}" for line, message in errors)
            raise CommandError(
                f"Cannot read {name}, nothing was written: it is not UTF-8 text\n{problems}"
            ) from None


class _HelpFormatter(DjangoHelpFormatter, RawDescriptionHelpFormatter):
    pass
