"""Check or rebuild the rollups (monthly and lifetime sums of the daily rows, and each
location's monthly and daily sums).

Every write keeps them equal to the days, in its own transaction; this command is for after a
raw SQL fix or a restore of the daily table alone: ``manage.py rollups --check`` compares them
with the days (exit status 1 and a line per difference when they disagree), ``--rebuild``
recomputes them, for every location or those named with ``--location SLUG``, then refreshes the
database planner's statistics (``campaigns.db_stats``).
"""

from django.core.management.base import BaseCommand, CommandError

from campaigns import rollups
from campaigns.models import Location


class Command(BaseCommand):
    help = (
        "Compare the rollups (monthly, lifetime, location months and days) with the daily rows "
        "(--check, the default) or recompute them and refresh the planner's statistics "
        "(--rebuild), for all locations or each --location SLUG."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--check", action="store_true", help="compare (the default)")
        action.add_argument("--rebuild", action="store_true", help="recompute from the days")
        parser.add_argument(
            "--location", action="append", default=[], metavar="SLUG", help="only this location"
        )

    def handle(self, *args, check, rebuild, location, **options):
        ids = []
        for slug in location:
            found = Location.objects.filter(slug=slug).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"No location with the slug “{slug}”.")
            ids.append(found)
        where = "the named locations" if ids else "every location"
        if rebuild:
            rollups.rebuild(*ids)
            self.stdout.write(
                f"Rebuilt the rollups of {where} from the daily rows; refreshed the statistics."
            )
            return
        found = rollups.differences(*ids)
        for line in found:
            self.stdout.write(line)
        if found:
            raise CommandError(
                f"{len(found)} rollup row{'' if len(found) == 1 else 's'} differ from the daily "
                "rows: run manage.py rollups --rebuild."
            )
        self.stdout.write(f"The rollups of {where} equal the sums of the daily rows.")
