from django.core.management.base import BaseCommand

from supervision.core.background import PERIODIC, run_periodic_forever


class Command(BaseCommand):
    help = "Run periodic background work (workflow timers …) in this process, for the embedded default."

    def handle(self, *args, **options):
        self.stdout.write("Background runner: " + ", ".join(PERIODIC))
        run_periodic_forever()
