import os
import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from supervision.core.background import run_periodic_forever


def site_url_for(addrport: str) -> str:
    """The address the demo is reached at, for the links and QR codes it prints: ``8080`` and
    ``127.0.0.1:8080`` → ``http://127.0.0.1:8080``; a wildcard host keeps the loopback name (a tablet
    on the network needs SITE_URL set to the machine's address)."""
    host, _, port = addrport.rpartition(":")
    if not host or host in ("0.0.0.0", "0", "[::]", "::"):
        host = "127.0.0.1"
    return f"http://{host}:{port}"


class Command(BaseCommand):
    help = "Serve the site and run the background runner in the same process (embedded default)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        if not os.environ.get("SITE_URL"):
            # Notices' and draws' QR codes and mailed links follow the port the demo really runs on.
            settings.SITE_URL = site_url_for(addrport)
        threading.Thread(target=run_periodic_forever, daemon=True, name="background").start()
        call_command("runserver", addrport, use_reloader=False, use_threading=True)
