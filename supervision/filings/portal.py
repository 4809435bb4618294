"""The institution's filing pages (operators; a phone or a desk): file, save drafts, sign, submit.

Thin: each POST calls services and shows their messages next to the fields. What was typed
survives a failed submit: the fields that parsed are saved with the draft, the page comes back
with every value as typed, and the browser keeps an unsent copy (filing_draft.js) against a lost
connection.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision.core.calendar import provisional_note
from supervision.filings import access, services
from supervision.filings.commitments import public_commitment
from supervision.filings.compare import compare_versions
from supervision.filings.documents import render_receipt_pdf
from supervision.filings.forms import CertificateForm, FilingForm, SignatureForm
from supervision.filings.models import Filing, FilingKind, FilingState
from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for


def _institution(request):
    actor = actor_for(request.user)
    if not actor.is_operator:
        raise PermissionDenied
    account = getattr(request.user, "institution_account", None)
    if account is None:
        raise PermissionDenied
    return institutions_for(request.user).select_related("region__parent").get(pk=account.institution_id)


def _own_filing(request, pk) -> Filing:
    institution = _institution(request)
    try:
        return institution.filings.select_related("institution__region", "office", "region", "amends").get(
            pk=access.db_id(pk))
    except Filing.DoesNotExist:
        raise Http404 from None


def index(request):
    institution = _institution(request)
    filings = institution.filings.select_related("office").order_by("-created", "-pk")
    open_one = services.open_filing(institution)
    current = services.current_filing(institution)
    return render(request, "filings/portal_index.html", {
        "title": _("Filing"), "institution": institution, "filings": filings, "open_filing": open_one,
        "current": current, "commitment": public_commitment(institution),
        "deadline_days": services.deadline_working_days(institution.region),
        "may_start": open_one is None and institution.operating_status != "closed",
    })


@require_POST
def start(request, kind):
    institution = _institution(request)
    if kind not in FilingKind.values:
        raise Http404
    try:
        filing = services.start_filing(request.user, institution, kind)
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
        return redirect("filings:portal:index")
    return redirect("filings:portal:filing", pk=filing.pk)


def _field_errors(error: ValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"": list(error.messages)}


def filing_page(request, pk):
    """The application: edit and submit while it is a draft or returned; read it afterwards."""
    filing = _own_filing(request, pk)
    if not filing.editable:
        return _read_only(request, filing)
    action = request.POST.get("action") if request.method == "POST" else None
    form = FilingForm(request.POST if action else None, filing=filing, prefix="f")
    certificate_form = CertificateForm(request.POST if action else None, request.FILES if action else None,
                                       prefix="c")
    signature = getattr(filing, "signature", None)
    signature_form = SignatureForm(request.POST if action else None, prefix="s",
                                   initial={"signer_name": signature.signer_name if signature else ""})
    problems: list[str] = []
    if action in ("save", "submit"):
        form.is_valid()
        certificate_form.is_valid()
        signature_form.is_valid()
        services.save_draft(request.user, filing, form.valid_values())
        upload = certificate_form.cleaned_data.get("certificate") if certificate_form.is_valid() else None
        if upload:
            message = services.attach_certificate(request.user, filing, upload)
            if message:
                certificate_form.add_error("certificate", message)
        signer = (signature_form.cleaned_data.get("signer_name") or "").strip()
        confirmed = bool(signature_form.cleaned_data.get("confirm"))
        # Signed when the box is ticked; a signature already given stands until signed again.
        if filing.kind != FilingKind.CLOSURE and (confirmed or (signer and signature is None)):
            try:
                services.sign_commitment(request.user, filing, signer_name=signer, confirmed=confirmed)
            except ValidationError as e:
                for field, errors in _field_errors(e).items():
                    for message in errors:
                        signature_form.add_error(field or None, message)
        filing.refresh_from_db()
        if action == "submit" and not (form.errors or certificate_form.errors or signature_form.errors):
            try:
                services.submit_filing(request.user, filing)
            except ValidationError as e:
                for field, errors in _field_errors(e).items():
                    target = (certificate_form if field == "certificate" else
                              signature_form if field in ("signer_name", "confirm") else form)
                    for message in errors:
                        if field and field in target.fields:
                            target.add_error(field, message)
                        else:
                            problems.append(message)
            else:
                messages.success(request, _("Your filing was submitted to %(office)s.") % {
                    "office": filing.office.name if filing.office else ""})
                return redirect("filings:portal:filing", pk=filing.pk)
        if form.errors or certificate_form.errors or signature_form.errors or problems:
            problems.insert(0, _("The filing was not submitted: see the marked fields. What you typed is kept.")
                            if action == "submit" else _("Saved, except the marked fields."))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("filings:portal:filing", pk=filing.pk)
    template = services.commitment_template_for(filing.region or filing.institution.region)
    last_return = filing.versions.filter(outcome="returned").order_by("-number").first()
    return render(request, "filings/portal_filing.html", {
        "title": filing.get_kind_display(), "filing": filing, "form": form, "certificate_form": certificate_form,
        "signature_form": signature_form, "signature": getattr(filing, "signature", None),
        "template": template, "problems": problems, "last_return": last_return,
        "deadline_note": _deadline_note(filing), "comparison": _change_comparison(filing),
    })


def _deadline_note(filing) -> str:
    if not filing.deadline:
        return ""
    from supervision.core.workdays import WorkdayResult

    return provisional_note(WorkdayResult(filing.deadline, filing.deadline_provisional,
                                          (filing.deadline.year,) if filing.deadline_provisional else ()))


def _change_comparison(filing):
    if filing.kind == FilingKind.INITIAL or filing.amends_id is None:
        return None
    return compare_versions(services.declared(filing.amends), services.declared(filing))


def _read_only(request, filing):
    versions = list(filing.versions.order_by("number"))
    before = services.declared(filing.amends) if filing.amends_id else None
    return render(request, "filings/portal_filing_read.html", {
        "title": filing.get_kind_display(), "filing": filing, "versions": versions,
        "comparison": compare_versions(before, versions[-1].data) if before and versions else None,
        "signature": getattr(filing, "signature", None),
    })


def receipt(request, pk):
    filing = _own_filing(request, pk)
    return receipt_response(filing)


def receipt_response(filing):
    if filing.state != FilingState.ACCEPTED:
        raise Http404
    response = HttpResponse(render_receipt_pdf(filing), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="filing-receipt-{filing.pk}.pdf"'
    return response
