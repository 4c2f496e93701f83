from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from meetup.pagecache.signals import bump_content_version_after_commit
from priorities.models.markup import rebuild_markup


class Command(BaseCommand):
    help = (
        "Render every stored Markdown text again (status updates, notes, summaries, outcomes, "
        "descriptions, and their history) and write the HTML that changed: run it after the "
        "renderer or its allow-list of tags changes (priorities/rendering.py)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count the rows that would change; write none"
        )

    def handle(self, *args, dry_run, **options):
        with transaction.atomic():
            changed = rebuild_markup(
                apps.get_app_config("priorities").get_models(), dry_run=dry_run
            )
            if any(changed.values()) and not dry_run:
                bump_content_version_after_commit()  # cached pages show the old HTML
        for label, count in changed.items():
            if count:
                self.stdout.write(f"{label}: {count} rows")
        total = sum(changed.values())
        verb = "would change" if dry_run else "changed"
        self.stdout.write(self.style.SUCCESS(f"{total} rows' HTML {verb}."))
