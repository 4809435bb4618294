"""The field app (tablets) at /field/: the page shell, its service worker, and a small JSON API.

The page is a shell the service worker keeps; the inspections, their institutions' facts and
checklists come from /field/api/inspections/ and stay in IndexedDB, so they open with no network.
Every lookup is scoped to the requesting inspector's teams in SQL: anyone else gets 404.
"""

import hashlib
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
from supervision.core.ratelimit import rate_limit
from supervision.core.schema import Invalid, parse_body
from supervision.inspections import access, schemas, services, sync
from supervision.inspections.models import InspectionStatus, Photo

STATIC_FILES = ["field/app.js", "field/field.css"]
FIELD_STATIC = Path(settings.BASE_DIR) / "supervision" / "static" / "field"


def _official_required(request):
    if access.official_of(request.user) is None:
        raise PermissionDenied


@never_cache
@require_GET
def home(request):
    _official_required(request)
    return render(request, "field/app.html", {"official": access.official_of(request.user)})


def shell_version(source: str, assets: list[str]) -> str:
    """A digest of the app shell (worker, asset URLs and files): the same on every server and restart.

    Tablets re-install the shell only when it changed (Python's hash() differed per process).
    """
    digest = hashlib.sha256(source.encode("utf-8"))
    for url in assets:
        digest.update(url.encode("utf-8") + b"\0")
    for name in STATIC_FILES:
        digest.update((FIELD_STATIC.parent / name).read_bytes())
    return digest.hexdigest()[:16]


@login_not_required
@require_GET
def service_worker(request):
    """The service worker, served from /field/ so that its scope covers the field app."""
    source = (FIELD_STATIC / "sw.js").read_text(encoding="utf-8")
    assets = [static(name) for name in STATIC_FILES] + ["/jsi18n/"]
    version = shell_version(source, assets)
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
        "limits": schemas.limits(),
    })


@rate_limit("field_sync", key="user", json=True)
@require_POST
def api_sync(request):
    """A batch of records (schemas.BatchIn); one answer per record ({uuid, status, message})."""
    _official_required(request)
    try:
        batch = parse_body(schemas.BatchIn, request.body)
    except Invalid as e:
        return e.response()
    try:
        sync.check_reach(request.user, batch.records)
    except sync.OutOfReach:
        return _not_yours()
    return JsonResponse({"results": [sync.apply(request.user, r).as_dict() for r in batch.records]})


def _not_yours() -> JsonResponse:
    """Outside the user's teams (or no such inspection): 404, in the API's one shape."""
    return JsonResponse({"error": "not_found", "message": _("This inspection is not one of yours.")}, status=404)


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


@rate_limit("field_sync", key="user", json=True)
@require_POST
def api_photo_begin(request):
    """Open the upload of one photo ({uuid, inspection, item, size, sha256}); idempotent on uuid."""
    _official_required(request)
    try:
        body = parse_body(schemas.PhotoBeginIn, request.body)
    except Invalid as e:
        return e.response()
    try:
        inspection = access.get_team_inspection(request.user, body.inspection)
    except Http404:
        return _not_yours()
    try:
        photo = services.begin_photo(request.user, inspection, client_uuid=str(body.uuid), size=body.size,
                                     sha256=body.sha256, item_code=body.item, taken_at=body.taken_at)
    except ValidationError as e:
        return JsonResponse({"error": "refused", "message": " ".join(e.messages)}, status=400)
    return JsonResponse(_photo_state(photo))


@require_http_methods(["GET", "POST"])
def api_photo(request, client_uuid):
    """GET: how much has arrived (to resume). POST ?offset=N with raw bytes: the next piece."""
    _official_required(request)
    photo = _photo_for(request, client_uuid)
    if request.method == "GET":
        return JsonResponse(_photo_state(photo))
    raw_offset = request.GET.get("offset", "")
    if not (raw_offset.isascii() and raw_offset.isdigit()) or len(raw_offset) > 10:  # 10 digits hold any photo size
        return JsonResponse({"error": "invalid", "field": "offset", "message": _("The piece has no offset."),
                             **_photo_state(photo)}, status=400)
    offset = int(raw_offset)
    try:
        photo = services.append_chunk(request.user, photo, offset=offset, data=request.body)
    except ValidationError as e:
        photo.refresh_from_db()
        return JsonResponse({"error": "refused", "message": " ".join(e.messages), **_photo_state(photo)}, status=409)
    return JsonResponse(_photo_state(photo))
