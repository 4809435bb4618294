"""Permission rows for the field app (/field/) and the inspection PDFs; builders the field tests share.

`extend_world` adds an announced inspection of 东湖颐养院 (district X, 东湖区民政局) whose team is
inspector_x and fire_inspector_x (a joint team), with its notice issued and one photo uploaded.

The field app is the team's alone: other officials get 404 for the inspection's addresses, even in
the same district; operators and the administrator (no official record) are refused the app (403).
The record PDF is also readable by the heads of the lead department and by administrators.

The desk application (/inspection/): officials of district X in civil affairs (the lead line) and the
team see these inspections; inspector_y gets 404; operators are refused the whole application (403).
`extend_world` also starts processes: the field inspection waits for fieldwork, a second scheduled
inspection has no notice yet, one submitted record waits for the head's review (with a finding
needing rectification), and one submitted record ended without review.
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


def submitted_inspection(world, head_review=False, non_compliant=1, **fields):
    """A scheduled inspection with its process, recorded and submitted by inspector_x's team.

    `non_compliant` items are answered non-compliant (findings needing rectification). The process
    is moved on by hand: the domain's signal is sent only after a commit the test never makes.
    """
    from supervision.inspections import services
    from supervision.inspections.models import Inspection
    from tests.test_inspection_services import answer_all, sign_inspectors
    from workflows.inspection.flows import record_submitted, start_process

    inspection = scheduled_inspection(world, head_review=head_review, **fields)
    start_process(inspection)
    codes = [item["code"] for _section, item in inspection.checklist.items() if item["answer"] == "compliance"
             and not item.get("major_hazard")][:non_compliant]
    answer_all(world.inspector_x, inspection, non_compliant=codes)
    if codes:
        services.record_answers(world.inspector_x, inspection, [
            {"item": code, "value": "non_compliant", "note": "未见记录", "severity": "D"} for code in codes])
    sign_inspectors(world, inspection)
    services.sign(world.inspector_x, inspection, role="representative", name="王院长", method="confirmed")
    services.submit_record(world.inspector_x, inspection)
    inspection = Inspection.objects.get(pk=inspection.pk)
    record_submitted(inspection)
    return inspection


def desk_task(inspection, node_name, **filters):
    from viewflow.workflow.models import Task

    from workflows.inspection.flows import InspectionFlow

    return Task.objects.filter(process__inspectionprocess__inspection=inspection,
                               flow_task=getattr(InspectionFlow, node_name), **filters).latest("pk")


def extend_world(world):
    from supervision.inspections import services
    from workflows.inspection.flows import start_process

    world.field_inspection = scheduled_inspection(world, scheduled_for=None)
    services.issue_inspection_notice(world.inspector_x, world.field_inspection, scheduled_for=dt.date(2026, 12, 31),
                                     today=dt.date(2026, 12, 1))
    world.field_photo = uploaded_photo(world.inspector_x, world.field_inspection)
    start_process(world.field_inspection)
    world.desk_unnoticed = scheduled_inspection(world, scheduled_for=None)
    start_process(world.desk_unnoticed)
    world.desk_review = submitted_inspection(world, head_review=True)
    world.desk_done = submitted_inspection(world, non_compliant=0)
    world.desk_tasks = {
        "start": desk_task(world.field_inspection, "start"),
        "fieldwork": desk_task(world.field_inspection, "fieldwork", status="NEW"),
        "needs_review": desk_task(world.desk_review, "needs_review"),
        "review": desk_task(world.desk_review, "review", status="NEW"),
        "done": desk_task(world.desk_done, "done"),
    }


_field_app = statuses(200, anonymous=302, operator_p=403, operator_q=403, admin=403)
_team_only = statuses(404, anonymous=302, inspector_x=200, fire_inspector_x=200, operator_p=403, operator_q=403,
                      admin=403)
_record = statuses(404, anonymous=302, inspector_x=200, fire_inspector_x=200, head_x=200, admin=200)

def _desk_in_reach(default):
    """An inspection of P led by 东湖区民政局 with inspector_x + fire_inspector_x: officials of X's
    civil-affairs line, the team and the admin; inspector_y gets 404; operators are refused (403)."""
    return statuses(404, anonymous=302, inspector_x=default, fire_inspector_x=default, head_x=default,
                    planner_x=default, admin=default, operator_p=403, operator_q=403)


def _task_url(node, action):
    def build(w):
        t = w.desk_tasks[node]
        suffix = "" if action == "index" else f"{action}/"
        return f"/inspection/{t.process_id}/{node}/{t.pk}/{suffix}"

    return build


def _node_rows():
    rows = {}
    for node in ("start", "fieldwork", "needs_review", "review", "done"):
        rows[f"inspection:{node}:index"] = (_task_url(node, "index"), _desk_in_reach(302))
        rows[f"inspection:{node}:detail"] = (_task_url(node, "detail"), _desk_in_reach(200))
    # The open review: only the head of the lead department takes it; nobody executes before taking.
    rows["inspection:review:assign"] = (_task_url("review", "assign"), {**_desk_in_reach(403), "head_x": 200})
    rows["inspection:review:unassign"] = (_task_url("review", "unassign"), _desk_in_reach(403))
    rows["inspection:review:execute"] = (_task_url("review", "execute"), _desk_in_reach(403))
    return rows


_desk_officials = statuses(200, anonymous=302, operator_p=403, operator_q=403)
# The notice is issued by the lead department's planners and heads, or the team; the administrator
# (no official record) sees the inspection but does not issue.
_notice_issuers = {**_desk_in_reach(200), "admin": 403}

RULES = {
    "inspection:index": (lambda w: "/inspection/", statuses(302, operator_p=403, operator_q=403)),
    "inspection:inbox": (lambda w: "/inspection/inbox/", _desk_officials),
    "inspection:queue": (lambda w: "/inspection/queue/", _desk_officials),
    "inspection:archive": (lambda w: "/inspection/archive/", _desk_officials),
    "inspection:process_list": (lambda w: "/inspection/flows/", _desk_officials),
    "inspection:task_list": (lambda w: "/inspection/tasks/", _desk_officials),
    "inspection:process_detail": (lambda w: f"/inspection/{w.desk_review.process.pk}/", _desk_in_reach(200)),
    "inspection:process_chart": (lambda w: f"/inspection/{w.desk_review.process.pk}/chart/", _desk_in_reach(200)),
    "inspection:issue_notice": (lambda w: f"/inspection/inspections/{w.desk_unnoticed.pk}/notice/", _notice_issuers),
    "inspection:notice_delivery": (
        lambda w: f"/inspection/inspections/{w.field_inspection.pk}/notice/delivery/", _notice_issuers),
    "inspection:to_rectify": (lambda w: "/inspection/to-rectify/", _desk_officials),
    "inspection:publicity": (lambda w: "/inspection/publicity/", _desk_officials),
    **_node_rows(),
    "field:home": (lambda w: "/field/", _field_app),
    "field:service_worker": (lambda w: "/field/sw.js", statuses(200)),
    # The JSON API answers 401 (not a redirect to the login page) without a session: the tablet keeps its outbox.
    "field:api_inspections": (lambda w: "/field/api/inspections/", {**_field_app, "anonymous": 401}),
    "field:api_sync": (lambda w: "/field/api/sync/", statuses(405, anonymous=401)),
    "field:api_photo_begin": (lambda w: "/field/api/photos/", statuses(405, anonymous=401)),
    "field:api_photo": (lambda w: f"/field/api/photos/{w.field_photo.client_uuid}/", {**_team_only, "anonymous": 401}),
    "field:record_pdf": (lambda w: f"/field/inspections/{w.field_inspection.pk}/record.pdf", _record),
    "field:notice_pdf": (lambda w: f"/field/inspections/{w.field_inspection.pk}/notice.pdf", _record),
    "field:new_case_check": (lambda w: "/field/case-checks/new/", statuses(403, anonymous=302, planner_x=200)),
}
