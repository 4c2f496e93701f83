import time

from django.core.management.base import BaseCommand, CommandError

from meetup.devtools import synthetic


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic meetups for benchmarks: --meetups M of --days D "
        "days, each day with --updates U status updates (bulk inserts)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--meetups", type=int, default=1)
        parser.add_argument("--days", type=int, default=3)
        parser.add_argument("--updates", type=int, default=200, help="status updates per day")
        parser.add_argument("--areas", type=int, default=12, help="priority areas to spread over")
        parser.add_argument("--seed", type=int, default=0, help="random seed, for repeatable text")

    def handle(self, *args, **options):
        meetups, days, updates = options["meetups"], options["days"], options["updates"]
        if min(meetups, days, options["areas"]) < 1 or updates < 0:
            raise CommandError("--meetups, --days and --areas must be at least 1.")
        if days > 9999:
            raise CommandError("--days must be at most 9999.")
        start = time.perf_counter()
        created = synthetic.seed(
            meetups, days, updates, areas=options["areas"], seed=options["seed"]
        )
        elapsed = time.perf_counter() - start
        for meetup in created:
            self.stdout.write(f"{meetup.slug}: {days} day(s) x {updates} updates")
        total = len(created) * days * updates
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(created)} meetup(s), {total:,} status updates in {elapsed:.1f} s."
            )
        )
