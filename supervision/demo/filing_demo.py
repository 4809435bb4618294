"""Demo filings: two accepted filings with public commitments in 西山区 (operator04, operator05), one
returned for completion in 东湖区 (operator02); the other institutions have none (operator01's is
one to walk the filing with). Dates are relative to today. Idempotent: an institution that has a
filing is left alone.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from supervision.core import clock

CERTIFICATE = b"%PDF-1.4\n%demo registration certificate\ntrailer\n<<>>\n%%EOF\n"
# operator -> (planner of the office, outcome, days ago the first resident came)
FILINGS = {
    "operator04": ("planner_xishan", "accept", 30),
    "operator05": ("planner_xishan", "accept", 18),
    "operator02": ("planner_donghu", "return", 8),
}


def seed_filings() -> int:
    """Create what is missing; return how many filings were created."""
    from django.contrib.auth.models import User

    from supervision.filings import services
    from supervision.filings.models import Filing
    from supervision.registry.models import InstitutionAccount

    created = 0
    for username, (planner_name, outcome, days_ago) in FILINGS.items():
        account = InstitutionAccount.objects.select_related("institution", "user").filter(
            user__username=username).first()
        planner = User.objects.filter(username=planner_name).first()
        if account is None or planner is None or Filing.objects.filter(institution=account.institution).exists():
            continue
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
            if outcome == "accept":
                services.accept_filing(planner, filing)
            else:
                services.return_filing(planner, filing, note="请补充服务场所租赁合同的起止日期。")
        created += 1
    return created
