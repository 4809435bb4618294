"""Issue a notice from chosen findings of an inspection, and start its rectification process."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.inspections.models import Finding, InspectionStatus
from supervision.rectification import services
from supervision.rectification.access import MAX_DB_ID
from supervision.rectification.deadlines import day_range_for, deadline_after
from supervision.rectification.forms import NoticeForm
from supervision.rectification.models import RecheckMethod
from supervision.rectification.viewsets import inspection_for_notice
from workflows.rectification.flows import start_process


def _chosen_ids(request) -> list[int]:
    """The finding ids asked for; anything not a plausible database id is ignored."""
    raw = request.POST.getlist("findings") or request.GET.getlist("findings")
    ids = []
    for value in raw:
        for part in str(value).split(","):
            part = part.strip()
            if part.isascii() and part.isdigit() and int(part) <= MAX_DB_ID:
                ids.append(int(part))
    return ids


def issue_notice(request, pk):
    inspection = inspection_for_notice(request.user, pk)
    if inspection.status != InspectionStatus.SUBMITTED:
        messages.warning(request, _("A notice is issued only once the inspection record has been submitted."))
        return redirect("rectification:inspection_findings", pk=inspection.pk)
    findings = list(
        Finding.objects.filter(inspection=inspection, pk__in=_chosen_ids(request), needs_rectification=True,
                               notice_item__isnull=True).order_by("pk")
    )
    if not findings:
        messages.warning(request, _("Choose the findings the notice is about."))
        return redirect("rectification:inspection_findings", pk=inspection.pk)
    day_range = day_range_for([f.severity for f in findings])
    initial = {
        "working_days": day_range.default,
        "recheck_method": RecheckMethod.ON_SITE if any(f.major_hazard for f in findings) else RecheckMethod.DOCUMENTS,
        "facts": "\n".join(f"{i}. {f.item_title}：{f.description}" for i, f in enumerate(findings, 1)),
    }
    form = NoticeForm(request.POST if request.POST.get("issue") else None, findings=findings, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            with transaction.atomic():
                notice = services.issue_notice(
                    request.user, inspection, findings, facts=form.cleaned_data["facts"], measures=form.measures(),
                    working_days=form.cleaned_data["working_days"],
                    recheck_method=form.cleaned_data["recheck_method"],
                )
                start_process(notice)
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Notice %(number)s was issued.") % {"number": notice.number})
            return redirect("rectification:notices:detail", pk=notice.pk)
    preview = deadline_after(clock.today(), day_range.default)
    return render(request, "rectification/issue_notice.html", {
        "title": _("Issue a rectification notice"), "inspection": inspection, "findings": findings,
        "form": form, "day_range": day_range, "preview": preview,
    })
