from django.core.management.base import BaseCommand, CommandError

from priorities.interchange.report_export import day_report
from priorities.models import Day


class Command(BaseCommand):
    help = "Write a meetup day's Markdown report to standard output or to a file."

    def add_arguments(self, parser):
        parser.add_argument("meetup", help="the meetup's slug, e.g. nova-kilo-midcycle")
        parser.add_argument("number", type=int, help="the day's number, e.g. 1")
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE")

    def handle(self, *args, meetup, number, output, **options):
        day = Day.objects.with_meetup().filter(meetup__slug=meetup, number=number)
        day = day.first()
        if day is None:
            raise CommandError(f"No day {number} in a meetup with the slug {meetup!r}.")
        report = day_report(day)
        if output:
            with open(output, "w", encoding="utf-8", newline="\n") as file:
                file.write(report)
            self.stderr.write(self.style.SUCCESS(f"Wrote {day} to {output}."))
        else:
            self.stdout.ending = ""
            self.stdout.write(report)
