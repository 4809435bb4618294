"""PDFs of an inspection: the record (现场检查记录) and the notice (检查通知书)."""

import base64

from django.http import HttpResponse

from supervision.core import clock
from supervision.documents.render import render_pdf
from supervision.inspections.models import Answer


def _data_uri(field_file, mime):
    if not field_file:
        return ""
    try:
        with field_file.open("rb") as f:
            return f"data:{mime};base64," + base64.b64encode(f.read()).decode()
    except (FileNotFoundError, OSError):
        return ""


def record_context(inspection):
    answers = {a.item_code: a for a in inspection.answers.all()}
    photos = {}
    for photo in inspection.photos.filter(completed_at__isnull=False).order_by("pk"):
        photos.setdefault(photo.item_code, []).append(_data_uri(photo.file, "image/jpeg"))
    sections = []
    if inspection.checklist:
        for section in inspection.checklist.content["sections"]:
            rows = []
            for item in section["items"]:
                answer = answers.get(item["code"])
                label = ""
                if answer is not None:
                    label = (Answer.Compliance(answer.value).label if answer.value in Answer.Compliance.values
                             else answer.value)
                rows.append({"item": item, "answer": answer, "label": label, "photos": photos.get(item["code"], [])})
            sections.append({"title": section["title"], "rows": rows})
    signatures = [{"signature": s, "image": _data_uri(s.image, "image/png")} for s in inspection.signatures.all()]
    return {
        "inspection": inspection, "institution": inspection.institution, "sections": sections,
        "findings": inspection.findings.all(), "signatures": signatures,
        "team": inspection.team.all(), "now": clock.now(),
    }


def record_pdf_response(inspection):
    pdf = render_pdf("inspections/record_pdf.html", record_context(inspection))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-record-{inspection.pk}.pdf"'
    return response


def notice_pdf_response(inspection):
    pdf = render_pdf("inspections/notice_pdf.html", {"inspection": inspection, "institution": inspection.institution,
                                                     "team": inspection.team.all()})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="inspection-notice-{inspection.pk}.pdf"'
    return response
