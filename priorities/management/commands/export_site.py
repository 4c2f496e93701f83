from django.core.management.base import BaseCommand

from priorities.interchange.site_backup import export_site


class Command(BaseCommand):
    help = (
        "Write the whole site to a zip file: every row as JSON (site.json, with users' password "
        "hashes: keep it safe) and every day's Markdown report. import_site reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.zip", help="the zip file to write")

    def handle(self, *args, file, **options):
        counts = export_site(file)
        rows = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {rows} rows of {len(counts)} models to {file}.")
        )
