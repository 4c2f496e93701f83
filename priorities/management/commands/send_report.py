from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from priorities.interchange.report_sending import SendFailed, build_message, send_day_report
from priorities.models import Day, ReportSending


class Command(BaseCommand):
    help = (
        "Send a meetup day's report by mail (plain text with an HTML alternative) to the "
        "team's mailing list or to --to addresses, and record the sending."
    )

    def add_arguments(self, parser):
        parser.add_argument("meetup", help="the meetup's slug, e.g. nova-kilo-midcycle")
        parser.add_argument("number", type=int, help="the day's number, e.g. 1")
        parser.add_argument(
            "--to",
            action="append",
            default=[],
            metavar="ADDRESS",
            help="a recipient (repeat for several); default: the team's mailing list",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="print the exact message instead of sending it; nothing is recorded",
        )
        parser.add_argument(
            "--yes",
            "--force",
            action="store_true",
            dest="yes",
            help="send a day that was sent before without asking",
        )

    def handle(self, *args, meetup, number, to, dry_run, yes, **options):
        day = Day.objects.with_meetup().filter(meetup__slug=meetup, number=number).first()
        if day is None:
            raise CommandError(f"No day {number} in a meetup with the slug {meetup!r}.")
        recipients = to or [day.meetup.team.mailing_list]
        if not any(recipients):
            raise CommandError(
                f"{day.meetup.team.name} has no mailing list address: give --to ADDRESS."
            )
        if dry_run:
            message, _mail = build_message(day, to=recipients)
            self.stdout.write(message.message().as_string())
            self.stderr.write(f"Dry run: nothing sent to {', '.join(recipients)}.")
            return
        earlier = list(ReportSending.objects.for_day(day))
        if earlier and not yes and not self.confirmed(day, earlier):
            raise CommandError(f"{day} was sent before: not sent again (--yes sends it).")
        try:
            sending = send_day_report(day, to=recipients)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except SendFailed as error:
            raise CommandError(f"{error} Nothing was recorded.") from error
        self.stdout.write(
            self.style.SUCCESS(f"Sent {day} to {', '.join(sending.addresses)}.")
            + f" Message-ID: {sending.message_id}"
        )

    def confirmed(self, day, earlier):
        """Ask on the terminal whether to send again; no answer (no terminal) is a no."""
        self.stderr.write(f"{day} was sent {len(earlier)} time(s) already:")
        for sending in earlier:
            self.stderr.write(f"  {sending}")
        try:
            answer = input("Send it again? [y/N] ")
        except (EOFError, OSError):
            return False
        return answer.strip().lower() in {"y", "yes"}
