from django.core.management.base import BaseCommand, CommandError

from priorities.interchange.site_backup import BackupError, import_site


class Command(BaseCommand):
    help = (
        "Restore a zip written by export_site into this database, which must be empty (just "
        "migrated). One transaction: on any error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.zip", help="the zip file export_site wrote")

    def handle(self, *args, file, **options):
        try:
            counts = import_site(file)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Restored {sum(counts.values())} rows from {file}."))
