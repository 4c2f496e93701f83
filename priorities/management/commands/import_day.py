import os

from django.core.management.base import BaseCommand, CommandError

from priorities.interchange.report_import import import_report
from priorities.interchange.report_parser import MAX_REPORT_BYTES, ReportError, size_problem


class Command(BaseCommand):
    help = (
        "Create or update a meetup day from a Markdown report in the export_day format. "
        "The whole import is one transaction: a file with an error changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help=f"the report, UTF-8 Markdown, at most {MAX_REPORT_BYTES // 1024} KB"
        )
        parser.add_argument("--meetup", metavar="SLUG", help="import into this meetup instead")
        parser.add_argument(
            "--create-areas",
            action="store_true",
            help="create priority areas the report names but the database lacks",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="print what would change and write nothing"
        )

    def handle(self, *args, file, meetup, create_areas, dry_run, **options):
        try:
            # The size first: a file too large to import is not read into memory.
            if problem := size_problem(os.path.getsize(file)):
                raise CommandError(f"{file}: {problem}")
            with open(file, encoding="utf-8") as report:
                text = report.read(MAX_REPORT_BYTES + 1)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            result = import_report(
                text, meetup_slug=meetup, create_areas=create_areas, dry_run=dry_run
            )
        except ReportError as error:
            raise CommandError(f"{file}, {error}") from None
        for change in result.changes:
            self.stdout.write(f"  {change}")
        verb = "Would change" if dry_run else "Changed"
        summary = f"{verb} {len(result.changes)} record(s) for {result.day}."
        if not result.changes:
            summary = f"{result.day} already matches the report; nothing to change."
        self.stdout.write(self.style.SUCCESS(summary))
