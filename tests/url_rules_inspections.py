"""Permission rows for the field app (/field/) and the inspection PDFs; builders the field tests share.

`extend_world` adds an announced inspection of 东湖颐养院 (district X, 东湖区民政局) whose team is
inspector_x and fire_inspector_x (a joint team), with its notice issued and one photo uploaded.

The field app is the team's alone: other officials get 404 for the inspection's addresses, even in
the same district; operators and the administrator (no official record) are refused the app (403).
The record PDF is also readable by the heads of the lead department and by administrators.
"""

import datetime as dt
import hashlib
import uuid

from tests.personas import statuses



def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


JPEG = _jpeg()


def scheduled_inspection(world, team=None, **fields):
    from supervision.inspections import services
    from supervision.inspections.models import Inspection

    inspection = Inspection.objects.create(
        institution=fields.pop("institution", world.inst_p), kind=fields.pop("kind", "daily"),
        department=fields.pop("department", world.civil_x), announced=fields.pop("announced", True),
        scheduled_for=fields.pop("scheduled_for", dt.date.today()), **fields,
    )
    members = team if team is not None else [world.inspector_x, world.fire_inspector_x]
    inspection.team.set([u.official for u in members])
    services.ensure_checklist(inspection)
    inspection.refresh_from_db()
    return inspection


def uploaded_photo(user, inspection, item_code="", data=JPEG):
    from supervision.inspections import services

    photo = services.begin_photo(user, inspection, client_uuid=str(uuid.uuid4()), size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), item_code=item_code)
    return services.append_chunk(user, photo, offset=0, data=data)


def extend_world(world):
    from supervision.inspections import services

    world.field_inspection = scheduled_inspection(world, scheduled_for=None)
    services.issue_inspection_notice(world.inspector_x, world.field_inspection, scheduled_for=dt.date(2026, 12, 31),
                                     today=dt.date(2026, 12, 1))
    world.field_photo = uploaded_photo(world.inspector_x, world.field_inspection)


_field_app = statuses(200, anonymous=302, operator_p=403, operator_q=403, admin=403)
_team_only = statuses(404, anonymous=302, inspector_x=200, fire_inspector_x=200, operator_p=403, operator_q=403,
                      admin=403)
_record = statuses(404, anonymous=302, inspector_x=200, fire_inspector_x=200, head_x=200, admin=200)

RULES = {
    "field:home": (lambda w: "/field/", _field_app),
    "field:service_worker": (lambda w: "/field/sw.js", statuses(200)),
    "field:api_inspections": (lambda w: "/field/api/inspections/", _field_app),
    "field:api_sync": (lambda w: "/field/api/sync/", statuses(405, anonymous=302)),
    "field:api_photo_begin": (lambda w: "/field/api/photos/", statuses(405, anonymous=302)),
    "field:api_photo": (lambda w: f"/field/api/photos/{w.field_photo.client_uuid}/", _team_only),
    "field:record_pdf": (lambda w: f"/field/inspections/{w.field_inspection.pk}/record.pdf", _record),
    "field:notice_pdf": (lambda w: f"/field/inspections/{w.field_inspection.pk}/notice.pdf", _record),
    "field:new_case_check": (lambda w: "/field/case-checks/new/", statuses(403, anonymous=302, planner_x=200)),
}
