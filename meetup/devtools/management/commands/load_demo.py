"""``python manage.py load_demo [--reset]``: load the Nova Kilo mid-cycle demo meetup."""

from django.core.management.base import BaseCommand

from meetup.devtools.demo import MEETUP, load_demo
from priorities.models import Meetup


class Command(BaseCommand):
    help = (
        "Load the demo meetup (OpenStack Nova, Kilo mid-cycle, day 1) when it is absent; "
        "what users changed in it is never overwritten unless --reset is given. Creates no "
        "user accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Put the demo back as it was: its rows are updated, never duplicated.",
        )

    def handle(self, *args, reset=False, **options):
        present = Meetup.objects.filter(slug=MEETUP["slug"]).first()
        if present is not None and not reset:
            self.stdout.write(
                f"The demo is already loaded and is left as it is: {present.get_absolute_url()} "
                "(load_demo --reset puts it back as it was)."
            )
            return
        summary = load_demo()
        day = summary["day"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {day.meetup.name}, day {day.number} "
                f"({summary['created']} created, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged): {day.get_absolute_url()}"
            )
        )
