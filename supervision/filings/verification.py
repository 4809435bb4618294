"""The filing verification (备案核查): its checklist, and what its submitted record means.

The checklist is generated from the commitment as signed: the filing section of
fixtures/checklists/filing-commitment.json (the facts declared are true) and one item per
commitment item (code ``commit-<item>``). Published as a versioned checklist like any other, so
the inspection keeps exactly what it was checked against.

When the record is submitted, each non-compliant commitment item is a broken commitment
(CommitmentBreach, with the finding that broke it) and a credit event of kind
``commitment_broken``; a non-compliant filing item (the declared facts are not true) is a
``false_filing`` event (beside the ``finding`` event every finding makes). Both start a rectification at once: a notice for those findings, issued
in the name of the inspector who signed the record first. `commitment_broken` is sent after the
commit so the workflow layer starts the rectification process.
"""

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.credit.models import CreditEventKind
from supervision.inspections import checklists
from supervision.inspections.models import ChecklistTemplate, InspectionKind, Signature

COMMITMENT_PREFIX = "commit-"
# Items of the filing section whose non-compliance means the declared facts were not true.
FALSE_FILING_ITEMS = ("fc-1", "fc-3")
BASE_CHECKLIST = "filing-commitment"

# Sent after the commit that recorded broken commitment items with their rectification notice
# (sender=CommitmentBreach, notice=…, breaches=[…]).
commitment_broken = Signal()


def _commitment_item(item: dict) -> dict:
    return {
        "code": f"{COMMITMENT_PREFIX}{item['code']}",
        "title": f"{item['title']}（承诺事项）"[:200],
        "legal_basis": item.get("basis", ""),
        "answer": "compliance",
        "photo_required": True,
        "severity": "G",
        "major_hazard": False,
        "fire_hazard": item["code"] == "fire",
    }


def verification_checklist(signature=None) -> ChecklistTemplate:
    """The checklist for one verification: the base one, its commitment section from ``signature``."""
    base = checklists.latest(BASE_CHECKLIST)
    if signature is None or base is None:
        return base
    sections = [s for s in base.content["sections"] if s.get("code") != "commitment"]
    sections.append({"code": "commitment", "title": "承诺事项", "items": [_commitment_item(i) for i in signature.items]})
    doc = {"code": f"{BASE_CHECKLIST}-t{signature.template_id}", "title": base.title, "sections": sections}
    template, _created = checklists.publish(ChecklistTemplate, doc)
    return template


def _first_signing_inspector(inspection):
    signature = (inspection.signatures.filter(role=Signature.Role.INSPECTOR, official__isnull=False)
                 .select_related("official__user").order_by("signed_at", "pk").first())
    return signature.official.user if signature else None


def verification_record_submitted(sender, inspection, **kwargs):
    """Receiver of inspections' `record_submitted`: only filing verifications concern us."""
    if inspection.kind != InspectionKind.FILING:
        return
    record_verification_outcome(inspection)


def record_verification_outcome(inspection):
    """Broken commitments, credit events and the rectification notice of a submitted verification. Idempotent."""
    from supervision.filings.models import CommitmentBreach, FilingVerification
    from supervision.filings.services import record_credit_event
    from supervision.rectification import services as rectification

    verification = FilingVerification.objects.select_related("filing", "institution", "inspection").filter(
        inspection=inspection).first()
    if verification is None:
        return None
    inspection = verification.inspection  # as stored: the caller's copy may predate the submission
    findings = list(inspection.findings.filter(commitment_breach__isnull=True).order_by("pk"))
    today = clock.today()
    breaches, to_rectify = [], []
    with transaction.atomic():
        for finding in findings:
            kind = None
            if finding.item_code.startswith(COMMITMENT_PREFIX) and verification.filing_id:
                breach = CommitmentBreach.objects.create(
                    filing=verification.filing, item_code=finding.item_code[len(COMMITMENT_PREFIX):],
                    item_title=finding.item_title, finding=finding, found_on=today)
                breaches.append(breach)
                kind, source = CreditEventKind.COMMITMENT_BROKEN, breach
            elif finding.item_code in FALSE_FILING_ITEMS and verification.filing_id:
                kind, source = CreditEventKind.FALSE_FILING, finding
            if kind is None:
                continue
            record_credit_event(institution=verification.institution, department=inspection.department, kind=kind,
                                decided_on=today, source=source, note=f"{finding.item_title}：{finding.description}",
                                recorded_by=_first_signing_inspector(inspection))
            if finding.needs_rectification and not hasattr(finding, "notice_item"):
                to_rectify.append(finding)
        notice = None
        issuer = _first_signing_inspector(inspection)
        if to_rectify and issuer is not None:
            notice = rectification.issue_notice(
                issuer, inspection, to_rectify,
                facts=_("The filing verification found the commitment not kept:") + "\n" + "\n".join(
                    f"{i}. {f.item_title}：{f.description}" for i, f in enumerate(to_rectify, 1)),
                measures={f.pk: _("Bring this into line with the commitment and the standards it names.")
                          for f in to_rectify},
            )
        if breaches or notice is not None:
            transaction.on_commit(lambda: commitment_broken.send(sender=CommitmentBreach, notice=notice,
                                                                 breaches=breaches))
    return notice
