import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand

from supervision.core.background import run_periodic_forever


class Command(BaseCommand):
    help = "Serve the site and run the background runner in the same process (embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        threading.Thread(target=run_periodic_forever, daemon=True, name="background").start()
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
