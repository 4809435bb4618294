"""The field app (tablets) at /field/: the page shell, its service worker, and a small JSON API.

The page is a shell the service worker keeps; the inspections, their institutions' facts and
checklists come from /field/api/inspections/ and stay in IndexedDB, so they open with no network.
Every lookup is scoped to the requesting inspector's teams in SQL: anyone else gets 404.
"""

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supervision.core import clock
from supervision.inspections import access, services, sync
from supervision.inspections.models import InspectionStatus, Photo

MAX_BATCH = 50
STATIC_FILES = ["field/app.js", "field/field.css"]


def _official_required(request):
    if access.official_of(request.user) is None:
        raise PermissionDenied


@never_cache
@require_GET
def home(request):
    _official_required(request)
    return render(request, "field/app.html", {"official": access.official_of(request.user)})


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served from /field/ so that its scope covers the field app."""
    source = (Path(settings.BASE_DIR) / "supervision" / "static" / "field" / "sw.js").read_text(encoding="utf-8")
    assets = [static(name) for name in STATIC_FILES] + ["/jsi18n/"]
    version = str(abs(hash((source, tuple(assets)))))
    body = f"const SHELL_VERSION = {json.dumps(version)};\nconst SHELL_ASSETS = {json.dumps(assets)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/field/"
    return response


def _institution_facts(institution):
    return {
        "name": institution.name, "address": institution.address, "credit_code": institution.credit_code,
        "kind": institution.get_kind_display(), "ownership": institution.get_ownership_display(),
        "beds": institution.beds, "legal_representative": institution.legal_representative,
        "contact_person": institution.contact_person, "contact_phone": institution.contact_phone,
        "region": institution.region.name, "credit_class": institution.credit_class or "",
    }


def inspection_payload(inspection):
    return {
        "id": inspection.pk, "revision": inspection.revision, "kind": inspection.get_kind_display(),
        "status": inspection.status, "status_label": inspection.get_status_display(),
        "announced": inspection.announced,
        "scheduled_for": inspection.scheduled_for.isoformat() if inspection.scheduled_for else None,
        "notice_number": inspection.notice_number, "department": inspection.department.name,
        "institution": _institution_facts(inspection.institution),
        "team": [{"id": o.pk, "name": o.name} for o in inspection.team.all()],
        "checklist": inspection.checklist_id,
    }


@never_cache
@require_GET
def api_inspections(request):
    """My open inspections, with their institutions' facts and the exact checklist versions."""
    _official_required(request)
    inspections = list(
        access.team_inspections(request.user)
        .filter(status__in=[InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS])
        .select_related("institution__region", "department", "checklist")
        .prefetch_related("team")
        .order_by("scheduled_for", "pk")
    )
    checklists = {}
    for inspection in inspections:
        services.ensure_checklist(inspection)
        template = inspection.checklist
        if template is not None and template.pk not in checklists:
            checklists[template.pk] = {"id": template.pk, "code": template.code, "version": template.version,
                                       "title": template.title, "sections": template.content["sections"]}
    official = access.official_of(request.user)
    return JsonResponse({
        "me": {"id": official.pk, "name": official.name},
        "today": clock.today().isoformat(),
        "inspections": [inspection_payload(i) for i in inspections],
        "checklists": list(checklists.values()),
    })


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None


@require_POST
def api_sync(request):
    """A batch of records; one answer per record ({uuid, status, message})."""
    _official_required(request)
    body = _json_body(request)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or len(records) > MAX_BATCH:
        return JsonResponse({"error": _("The request is not a batch of records.")}, status=400)
    try:
        sync.check_reach(request.user, records)
    except sync.OutOfReach:
        raise Http404 from None
    return JsonResponse({"results": [sync.apply(request.user, r).as_dict() for r in records]})


def _photo_for(request, client_uuid) -> Photo:
    client_uuid = sync.parse_uuid(client_uuid)
    if client_uuid is None:
        raise Http404
    return get_object_or_404(
        Photo.objects.filter(inspection__in=access.team_inspections(request.user).values("pk"))
        .select_related("inspection"),
        client_uuid=client_uuid,
    )


def _photo_state(photo):
    return {"uuid": str(photo.client_uuid), "received": photo.received, "size": photo.size,
            "complete": photo.complete}


@require_POST
def api_photo_begin(request):
    """Open the upload of one photo ({uuid, inspection, item, size, sha256}); idempotent on uuid."""
    _official_required(request)
    body = _json_body(request)
    if not isinstance(body, dict) or sync.parse_uuid(body.get("uuid")) is None:
        return JsonResponse({"error": _("The photo has no valid identifier.")}, status=400)
    inspection = access.get_team_inspection(request.user, body.get("inspection"))
    try:
        photo = services.begin_photo(request.user, inspection, client_uuid=sync.parse_uuid(body["uuid"]),
                                     size=body.get("size"), sha256=body.get("sha256"),
                                     item_code=body.get("item") or "", taken_at=sync._when(body.get("taken_at")))
    except ValidationError as e:
        return JsonResponse({"error": " ".join(e.messages)}, status=400)
    return JsonResponse(_photo_state(photo))


@require_http_methods(["GET", "POST"])
def api_photo(request, client_uuid):
    """GET: how much has arrived (to resume). POST ?offset=N with raw bytes: the next piece."""
    _official_required(request)
    photo = _photo_for(request, client_uuid)
    if request.method == "GET":
        return JsonResponse(_photo_state(photo))
    try:
        offset = int(request.GET.get("offset", ""))
    except ValueError:
        return JsonResponse({"error": _("The piece has no offset."), **_photo_state(photo)}, status=400)
    try:
        photo = services.append_chunk(request.user, photo, offset=offset, data=request.body)
    except ValidationError as e:
        photo.refresh_from_db()
        return JsonResponse({"error": " ".join(e.messages), **_photo_state(photo)}, status=409)
    return JsonResponse(_photo_state(photo))
