"""Where users land, and bulk import: upload, dry-run report, commit, progress."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supervision.core.background import enqueue
from supervision.registry import imports
from supervision.registry.forms import ImportUploadForm
from supervision.registry.models import ImportJob, ImportKind, ImportStatus
from supervision.staff.access import actor_for
from supervision.staff.models import Role

RUN_IMPORT_JOB = "supervision.registry.imports.run_import_job"
ERRORS_SHOWN = 200  # on the page; the CSV download holds the whole report
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_URLS = {ImportKind.INSTITUTIONS: "libraries:institutions:list", ImportKind.INSPECTORS: "libraries:officials:list"}


def home(request):
    """Send each kind of user to where their work is."""
    actor = actor_for(request.user)
    if actor.is_operator:
        account = getattr(request.user, "institution_account", None)
        if account is not None:
            return redirect("libraries:institutions:detail", pk=account.institution_id)
    if actor.is_official and Role.HEAD in actor.roles:
        return redirect("dashboard:index")  # a head's day starts with the jurisdiction's figures
    return redirect("libraries:institutions:index")


# --- import -----------------------------------------------------------------------------


def _require_import_right(user, kind: str) -> None:
    if not imports.may_import(user, kind):
        raise PermissionDenied


def _get_job_for_user(request, pk) -> ImportJob:
    """The job, or 404 if it is someone else's (administrators see every job)."""
    jobs = ImportJob.objects.select_related("created_by", "jurisdiction")
    if not actor_for(request.user).is_admin:
        jobs = jobs.filter(created_by=request.user)
    return get_object_or_404(jobs, pk=pk)


def _titles(kind: str) -> dict:
    if kind == ImportKind.INSTITUTIONS:
        return {"title": _("Import institutions"), "list_title": _("Institutions")}
    return {"title": _("Import inspectors"), "list_title": _("Inspector library")}


@require_http_methods(["GET", "POST"])
def import_institutions(request):
    return _upload(request, ImportKind.INSTITUTIONS)


@require_http_methods(["GET", "POST"])
def import_inspectors(request):
    return _upload(request, ImportKind.INSPECTORS)


def _upload(request, kind: str):
    _require_import_right(request.user, kind)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            kind=kind, file=upload, original_name=upload.name[-255:], created_by=request.user,
            jurisdiction=imports.jurisdiction_for_import(request.user), language=translation.get_language() or "",
        )
        enqueue(RUN_IMPORT_JOB, job.pk, False)
        return redirect("libraries:import_job", pk=job.pk)
    return render(request, "registry/import_upload.html", {
        **_titles(kind),
        "kind": kind,
        "form": form,
        "columns": imports.COLUMNS[kind],
        "jurisdiction": imports.jurisdiction_for_import(request.user),
        "list_url": reverse(LIST_URLS[kind]),
        "recent_jobs": ImportJob.objects.filter(created_by=request.user, kind=kind)[:10],
    })


@require_GET
def import_template(request, kind):
    if kind not in ImportKind.values:
        raise Http404
    _require_import_right(request.user, kind)
    response = HttpResponse(imports.blank_template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-import-template.xlsx"'
    return response


@require_GET
def import_job(request, pk):
    job = _get_job_for_user(request, pk)
    return render(request, "registry/import_job.html", {
        **_titles(job.kind),
        "job": job,
        "processed": imports.live_progress(job),
        "errors": job.errors[:ERRORS_SHOWN],
        "errors_not_shown": max(0, len(job.errors) - ERRORS_SHOWN),
        "can_commit": job.status == ImportStatus.VALIDATED and job.created_by_id == request.user.pk,
        "can_remap": (job.status in (ImportStatus.VALIDATED, ImportStatus.INVALID)
                      and job.created_by_id == request.user.pk and bool(job.columns)),
        "columns": _column_rows(job),
        "field_choices": [(c.key, c.headers[0]) for c in imports.COLUMNS[job.kind]],
        "list_url": reverse(LIST_URLS[job.kind]),
        "upload_url": reverse(f"libraries:import_{job.kind}"),
    })


def _column_rows(job: ImportJob) -> list[dict]:
    """Each column of the file with the field it goes to, as the dry-run page lists them."""
    fields = {c.key: c.headers[0] for c in imports.COLUMNS[job.kind]}
    how = {"recognised": _("recognised"), "mapped": _("mapped by you"), "ignored": _("ignored by you"),
           "unknown": _("not recognised: ignored")}
    return [{**use, "field": fields.get(use["key"], ""), "how_label": how.get(use["how"], "")} for use in job.columns]


@require_POST
def import_job_columns(request, pk):
    """The clerk maps or ignores each column; the mapping is remembered and the file checked again."""
    job = _get_job_for_user(request, pk)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied
    _require_import_right(request.user, job.kind)
    mapping = {use["header"]: request.POST.get(f"column-{use['position']}", use["key"] or "") for use in job.columns}
    if imports.remap(job.pk, request.user, mapping):
        enqueue(RUN_IMPORT_JOB, job.pk, False)
    return redirect("libraries:import_job", pk=job.pk)


@require_POST
def import_job_commit(request, pk):
    job = _get_job_for_user(request, pk)
    if job.created_by_id != request.user.pk:
        raise PermissionDenied  # an administrator may look at another's job, not commit it
    _require_import_right(request.user, job.kind)
    if imports.request_commit(job.pk):  # a second click finds the job already "committing"
        enqueue(RUN_IMPORT_JOB, job.pk, True)
    return redirect("libraries:import_job", pk=job.pk)


@require_GET
def import_job_progress(request, pk):
    job = _get_job_for_user(request, pk)
    processed = imports.live_progress(job)
    return JsonResponse({
        "status": job.status,
        "status_label": job.get_status_display(),
        "active": job.is_active,
        "total": job.total_rows,
        "processed": processed,
        "percent": min(100, round(100 * processed / job.total_rows)) if job.total_rows else 0,
        "error_count": len(job.errors),
        "created": job.created_count,
    })


def _csv_safe(value) -> str:
    """Keep a spreadsheet from running a cell of the report as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "@", "\t", "\r") else text


@require_GET
def import_job_errors(request, pk):
    job = _get_job_for_user(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    response.write("\ufeff")  # so Excel opens the UTF-8 file with the Chinese intact
    writer = csv.writer(response)
    writer.writerow([_("Row"), _("Column"), _("Value"), _("Problem")])
    for problem in job.errors:
        writer.writerow([problem["row"] or "", *(_csv_safe(problem[k]) for k in ("column", "value", "message"))])
    return response
