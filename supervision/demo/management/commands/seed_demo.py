"""`manage.py seed_demo`: load the fictional demo city (示范市) and print the demo logins."""

import time
import unicodedata

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from supervision.core.audit import acting_as
from supervision.demo import city, credit_demo, filing_demo, listing_demo, rectification_demo
from supervision.demo.inspection_demo import seed_field_inspections
from supervision.demo.sampling_demo import seed_sampling_demo


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, role, department or institution, password) for the highlighted demo logins."""
    from django.contrib.auth.models import User

    users = {
        u.username: u
        for u in User.objects.select_related("official__department", "institution_account__institution").filter(
            username__in=[name for name, _role in city.HIGHLIGHTED_LOGINS]
        )
    }
    rows = []
    for username, role in city.HIGHLIGHTED_LOGINS:
        user = users.get(username)
        if user is None:
            continue
        where = ""
        if hasattr(user, "official"):
            where = f"{user.official.department.name} · {user.official.name}"
        elif hasattr(user, "institution_account"):
            where = user.institution_account.institution.name
        rows.append((username, role, where, city.DEMO_PASSWORD))
    return rows


def format_table(rows) -> str:
    header = ("用户名 username", "角色 role", "单位 department / institution", "密码 password")
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(_pad(c, w) for c, w in zip(header, widths)), line]
    out += ["  ".join(_pad(c, w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(out)


class Command(BaseCommand):
    help = (
        "Load the fictional demo city 示范市 (4 districts, 20 streets, 300 institutions, 18 departments, "
        "43 officials, 12 operator accounts). Deterministic and idempotent. Every demo login gets the "
        f"published password {city.DEMO_PASSWORD!r}, so the command refuses to run with DEBUG off "
        "unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even with DEBUG off (demo accounts with a published password will exist).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts whose password is the published demo password "
                f"{city.DEMO_PASSWORD!r}, so it does not run with DEBUG off. Use it on a demo or "
                "development database (DEBUG=1), or pass --force if this really is a demo server.\n"
                "seed_demo 会创建使用公开演示密码的账号，DEBUG 关闭时不运行；确属演示环境请加 --force。"
            )
        started = time.monotonic()
        tally = city.seed()
        # The processes' demo data, on top of the city and dated from today: notices under way
        # (due soon, overdue, on time), inspections with findings to issue notices from, a
        # spot-check draw published ten days ago and a joint plan waiting for approval.
        with acting_as("seed_demo"):
            rectification_demo.seed_inspections()
            credit_demo.seed_credit()  # before the draw: its credit classes are these grades
            seed_sampling_demo()
            filing_demo.seed_filings()
            seed_field_inspections()
            listing_demo.seed_listing_case()
        elapsed = time.monotonic() - started

        if tally.changed:
            parts = [f"{what} +{n}" for what, n in sorted(tally.created.items())]
            parts += [f"{what} ~{n}" for what, n in sorted(tally.updated.items())]
            self.stdout.write(self.style.SUCCESS(
                f"示范市 demo city seeded in {elapsed:.1f} s ({', '.join(parts)}; + created, ~ updated)."
            ))
        else:
            self.stdout.write(f"示范市 demo city already up to date, nothing changed ({elapsed:.1f} s).")

        self.stdout.write("\n演示账号 Demo logins:\n")
        self.stdout.write(format_table(login_rows()))
        self.stdout.write(
            f"\n所有演示账号的密码均为 {city.DEMO_PASSWORD} — all demo passwords are {city.DEMO_PASSWORD}.\n"
            "More logins: head_<district>, planner_<district>, inspector_<district>1-3, market_<district>N, "
            "fire_<district>N (district: donghu 东湖区, xishan 西山区, nanxi 南溪区, beiling 北岭区), "
            "head_city_<dept>, planner_city, health_city1-2, housing_city1, operator01-12."
        )
