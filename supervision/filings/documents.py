"""The filing receipt (备案回执) as an official PDF: Chinese whatever the desk's language."""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from supervision.documents.render import html_to_pdf
from supervision.filings.models import FilingVersion, PremisesTitle


def chinese_date(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def receipt_context(filing) -> dict:
    version = filing.versions.filter(outcome=FilingVersion.Outcome.ACCEPTED).order_by("-number").first()
    data = version.data if version else {}
    signature = getattr(filing, "signature", None)
    return {
        "filing": filing,
        "verification_days": settings.FILING_VERIFICATION_WORKING_DAYS,
        "data": data,
        "signature": signature,
        "signed_on": chinese_date(timezone.localtime(signature.signed_at).date()) if signature else "",
        "premises_title": PremisesTitle(data["premises_title"]).label if data.get("premises_title") else "—",
        "accepted_on": chinese_date(timezone.localtime(filing.accepted_at).date()),
        "submitted_on": chinese_date(timezone.localtime(version.submitted_at).date()) if version else "",
        "public_url": settings.SITE_URL.rstrip("/") + reverse("public:commitments:institution",
                                                              args=[filing.institution.credit_code]),
    }


def render_receipt_pdf(filing) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string("filings/receipt_pdf.html", receipt_context(filing))
    return html_to_pdf(html)
