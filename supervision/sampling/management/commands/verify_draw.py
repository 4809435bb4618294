"""`manage.py verify_draw FILE [--commitment HEX] [--inputs-sha256 HEX]`: check a published draw
record by re-running the draw.

The same check as `python engine.py FILE` (engine.py is offered for download on each public plan
page, with its SHA-256; it needs nothing but Python): each check in Chinese and English, exit
status 1 on any mismatch or a malformed file. Needs no database, but manage.py loads the
settings: outside production run it as `DEBUG=1 python manage.py verify_draw FILE`.
"""

from django.core.management.base import BaseCommand, CommandError

from supervision.sampling import engine


class Command(BaseCommand):
    help = ("Verify a published spot-check draw record (the JSON file from the public page). "
            "Outside production: DEBUG=1 python manage.py verify_draw FILE.")
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file", help="the draw record file (draw-N-record.json)")
        parser.add_argument("--commitment", help="the seed commitment announced before the draw")
        parser.add_argument("--inputs-sha256", help="the frozen inputs' SHA-256 announced before the draw")

    def handle(self, *args, file, commitment=None, inputs_sha256=None, **options):
        report = engine.verify_file(file, commitment_hex=commitment, inputs_sha256=inputs_sha256)
        for check in report.checks:
            mark = self.style.SUCCESS("通过 OK  ") if check.ok else self.style.ERROR("不符 FAIL")
            self.stdout.write(f"{mark} {engine.check_label(check.name)}: {check.detail}")
        if not report.ok:
            reasons = "; ".join(f"{engine.check_label(c.name)}: {c.detail}" for c in report.failures)
            raise CommandError(f"核验未通过 NOT verified — {reasons}")
        self.stdout.write(self.style.SUCCESS("核验通过 Verified: the draw is exactly as published."))
