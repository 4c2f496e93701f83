"""``python manage.py load_demo``: load the Nova Kilo mid-cycle demo meetup."""

from django.core.management.base import BaseCommand

from meetup.devtools.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo meetup (OpenStack Nova, Kilo mid-cycle, day 1). "
        "Safe to run again: existing demo rows are updated, never duplicated. "
        "Creates no user accounts."
    )

    def handle(self, *args, **options):
        summary = load_demo()
        day = summary["day"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {day.meetup.name}, day {day.number} "
                f"({summary['created']} created, {summary['updated']} updated, "
                f"{summary['unchanged']} unchanged): {day.get_absolute_url()}"
            )
        )
