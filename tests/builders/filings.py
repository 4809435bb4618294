"""Builders the filing tests share: a complete draft, submitted, checked, verified."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

# A Tuesday in an entered holiday year, with working days all round it.
TODAY = dt.datetime(2026, 11, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST_RESIDENT = dt.date(2026, 11, 2)
PDF = b"%PDF-1.4\n%minimal but shaped like a PDF\ntrailer\n<<>>\n%%EOF\n"

COMPLETE = {
    "premises_title": "leased", "premises_title_note": "租期至2036年", "beds": 60, "floor_area": Decimal("1250.5"),
    "contact_person": "李四", "contact_phone": "0791-88886666", "first_resident_on": FIRST_RESIDENT,
}


def certificate(name="登记证书.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def complete_draft(world, operator=None, institution=None, **overrides):
    """A first filing of P (or ``institution``), complete and signed, not yet submitted."""
    from supervision.filings import services

    operator = operator or world.operator_p
    filing = services.start_filing(operator, institution or world.inst_p)
    services.save_draft(operator, filing, {**COMPLETE, **overrides})
    assert services.attach_certificate(operator, filing, certificate()) == ""
    filing.refresh_from_db()
    services.sign_commitment(operator, filing, signer_name=filing.legal_representative, confirmed=True)
    return filing


def submitted(world, **overrides):
    from supervision.filings import services

    filing = complete_draft(world, **overrides)
    services.submit_filing(world.operator_p, filing)
    filing.refresh_from_db()
    return filing


def accepted(world, **overrides):
    from supervision.filings import services

    filing = submitted(world, **overrides)
    return services.accept_filing(world.planner_x, filing)


def answer_everything(world, inspection, broken=()):
    """The team answers every item (compliant, or non-compliant for codes in ``broken``), signs, submits."""
    from supervision.inspections import services

    team = [o.user for o in inspection.team.order_by("pk")]
    inspector = team[0]
    services.start(inspector, inspection)
    answers = []
    for _section, item in inspection.checklist.items():
        if item["answer"] == "number":
            answers.append({"item": item["code"], "value": "60"})
        elif item["answer"] == "compliance":
            if item["code"] in broken:
                answers.append({"item": item["code"], "value": "non_compliant", "note": "未按承诺落实", "severity": "G"})
            else:
                answers.append({"item": item["code"], "value": "compliant"})
    services.record_answers(inspector, inspection, answers)
    for user in team:
        services.sign(user, inspection, role="inspector", name=user.official.name, method="confirmed",
                      official=user.official)  # each inspector confirms on their own account
    services.sign(inspector, inspection, role="representative", name="张三", method="confirmed")
    return services.submit_record(inspector, inspection)
