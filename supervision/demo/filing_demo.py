"""Demo filings at operator accounts' institutions: two accepted with public commitments (at
institutions the city's registry lists as filed, so the filing's facts agree with it and a rerun of
the city changes nothing), one returned for completion; the others have none to walk the filing
with. Dates are relative to today. Idempotent: once an account's institution has a filing, the demo
leaves it alone.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from supervision.core import clock

CERTIFICATE = b"%PDF-1.4\n%demo registration certificate\ntrailer\n<<>>\n%%EOF\n"
ACCEPTED, RETURNED = 2, 1


def _chosen(accounts):
    """(account, outcome, days ago the first resident came): filed ones accepted, an unfiled one returned."""
    residential = [a for a in accounts if a.institution.kind == "residential"
                   and a.institution.operating_status == "operating"]
    filed = [a for a in residential if a.institution.filing_status == "filed"][:ACCEPTED]
    unfiled = [a for a in residential if a.institution.filing_status in ("not_filed", "returned")][:RETURNED]
    return [(a, "accept", 30 - 12 * n) for n, a in enumerate(filed)] + [(a, "return", 8) for a in unfiled]


def _planner_of(office):
    from django.contrib.auth.models import User

    return User.objects.filter(official__department=office, groups__name="planner", is_active=True).first()


def seed_filings() -> int:
    """Create what is missing; return how many filings were created."""
    from supervision.filings import services
    from supervision.filings.models import Filing
    from supervision.registry.models import InstitutionAccount

    accounts = list(InstitutionAccount.objects.select_related("institution", "user").filter(
        user__username__startswith="operator").order_by("user__username"))
    if not accounts or Filing.objects.filter(institution__in=[a.institution for a in accounts]).exists():
        return 0  # not the demo city, or seeded already
    created = 0
    for account, outcome, days_ago in _chosen(accounts):
        institution, operator = account.institution, account.user
        with transaction.atomic():
            filing = services.start_filing(operator, institution)
            services.save_draft(operator, filing, {
                "premises_title": "leased", "premises_title_note": "租赁合同十年", "beds": max(institution.beds, 10),
                "floor_area": institution.floor_area or Decimal("1800.0"), "contact_person": institution.contact_person
                or "王经理", "contact_phone": institution.contact_phone or "0791-86000000",
                "first_resident_on": clock.today() - dt.timedelta(days=days_ago),
            })
            services.attach_certificate(operator, filing, SimpleUploadedFile("登记证书.pdf", CERTIFICATE))
            filing.refresh_from_db()
            services.sign_commitment(operator, filing, signer_name=filing.legal_representative, confirmed=True)
            services.submit_filing(operator, filing)
            filing.refresh_from_db()
            planner = _planner_of(filing.office)
            if planner is None:
                raise RuntimeError(f"the demo city has no planner at {filing.office}")
            if outcome == "accept":
                services.accept_filing(planner, filing)
            else:
                services.return_filing(planner, filing, note="请补充服务场所租赁合同的起止日期。")
        created += 1
    return created
