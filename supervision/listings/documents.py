"""The prior notice (告知书) and the decision (决定书, carrying the repair notice: 两书同达) as PDFs.

Official documents are Chinese whatever the UI language. Only facts fixed when each was issued go
into it: the number, the date, the facts, the ground, the periods.
"""

from django.conf import settings
from django.utils import timezone, translation

from supervision.documents.render import render_pdf
from supervision.listings.services import minimum_months
from supervision.rectification.documents import chinese_date


def _context(case) -> dict:
    return {
        "case": case,
        "subject": case.subject_name,
        "ground": case.get_ground_display(),
        "list_name": case.get_list_kind_display(),
    }


def render_prior_notice_pdf(case) -> bytes:
    with translation.override("zh-hans"):
        context = {**_context(case), "issued_on": chinese_date(timezone.localtime(case.prior_notice_issued_at).date()),
                   "days": settings.LISTING_REPRESENTATION_WORKING_DAYS}
        return render_pdf("listings/prior_notice_pdf.html", context)


def render_decision_pdf(case) -> bytes:
    with translation.override("zh-hans"):
        representation = getattr(case, "representation", None)
        context = {**_context(case), "decided_on": chinese_date(case.listed_on),
                   "ends_on": chinese_date(case.publication_ends_on),
                   "repair_from": chinese_date(case.repair_possible_from),
                   "minimum_months": minimum_months(case.list_kind), "representation": representation}
        return render_pdf("listings/decision_pdf.html", context)
