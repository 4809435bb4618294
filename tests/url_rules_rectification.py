"""Permission rows for rectification, its process pages and notifications; and builders the
rectification tests share.

`extend_world` makes an inspection of institution P (district X) by 东湖区民政局 with the team
inspector_x + fire_inspector_x, and drives notices into every state the process pages need:
waiting for the report (and overdue), waiting for the re-check, waiting for an extension
decision (the report task still open), waiting for closure, closed, escalated.

Who sees a notice: the team, heads and planners of civil affairs over X, the administrator,
operator P. An inspector outside the team (inspector_y) and operator Q get 404.
"""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import timezone
from viewflow.workflow.models import Task

from tests.personas import statuses



def _image(fmt: str) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format=fmt)
    return buffer.getvalue()


PNG = _image("PNG")  # real images: uploads are parsed with Pillow, not only sniffed
JPEG = _image("JPEG")
PDF = b"%PDF-1.4\n%minimal but shaped like a PDF\ntrailer\n<<>>\n%%EOF\n"


# --- builders ---------------------------------------------------------------------------------


def inspection(world, institution=None, department=None, team=("inspector_x", "fire_inspector_x")):
    from supervision.inspections.models import Inspection

    insp = Inspection.objects.create(
        institution=institution or world.inst_p, kind="daily", department=department or world.civil_x,
        status="submitted", scheduled_for=dt.date(2026, 11, 10),
    )
    insp.team.set([getattr(world, name).official for name in team])
    return insp


def finding(insp, severity="G", major=False, fire=False, title="消防通道堵塞"):
    from supervision.inspections.models import Finding

    return Finding.objects.create(
        inspection=insp, item_title=title, description=f"{title}（检查发现）", severity=severity,
        major_hazard=major, fire_hazard=fire, legal_basis="《养老机构管理办法》第三十七条",
    )


def issue(world, findings, user=None, today=None, working_days=None, start=True):
    """Issue a notice for the findings (by inspector_x) and start its process."""
    from supervision.rectification import services
    from workflows.rectification.flows import start_process

    findings = list(findings)
    notice = services.issue_notice(
        user or world.inspector_x, findings[0].inspection, findings, facts="检查发现下列问题。",
        measures={f.pk: "立即整改" for f in findings}, working_days=working_days, today=today,
    )
    if start:
        start_process(notice)
    return notice


def open_task(notice, node_name, status="NEW"):
    return Task.objects.get(process__rectificationprocess__notice=notice, flow_task_type="HUMAN",
                            status=status, flow_task=_node(node_name))


def _node(name):
    from workflows.rectification.flows import RectificationFlow

    return getattr(RectificationFlow, name)


def do_task(notice, node_name, user, work):
    """Take and do a human task from code: assign, start, run `work()`, complete."""
    task = open_task(notice, node_name)
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    activation = task.flow_task.activation_class(task)
    activation.assign(user)
    activation.start(request)
    work()
    activation.execute()


def answer_and_submit(world, notice, user=None):
    """The operator fills every answer and the plan, attaches a PNG per finding and submits."""
    from supervision.rectification import services

    user = user or world.operator_p
    report = services.draft_report(user, notice)
    for item in report.items.all():
        services.attach_evidence(user, item, SimpleUploadedFile("现场照片.png", PNG, content_type="image/png"))
    plan = {"correction_for_affected": "已疏通", "others_at_risk": "全面排查", "systemic_changes": "建立巡查制度",
            "monitoring": "每日检查", "completion_date": timezone.localdate()}
    answers = {item.notice_item_id: {"measures_taken": "清理杂物", "responsible_person": "李主任",
                                     "completed_on": timezone.localdate()} for item in report.items.all()}
    services.save_report_answers(user, report, plan=plan, answers=answers)
    return services.submit_report(user, notice, report)


def submit_via_task(world, notice):
    do_task(notice, "submit_report", world.operator_p, lambda: answer_and_submit(world, notice))


def recheck_via_task(world, notice, outcome, reasons=""):
    from supervision.rectification import services

    do_task(notice, "recheck", world.inspector_x,
            lambda: services.record_recheck(world.inspector_x, notice, outcome=outcome, reasons=reasons))


def close_via_task(world, notice):
    from supervision.rectification import services

    do_task(notice, "approve_closure", world.head_x, lambda: services.close_rectification(world.head_x, notice))


def ask_extension(world, notice, days=5):
    """The operator asks for more time: a side action, the report task stays open."""
    from supervision.rectification import services

    return services.request_extension(world.operator_p, notice, reason="材料采购需要时间", extra_days=days)


def grant_extension(world, notice, days=None):
    from supervision.rectification import services

    request = notice.extension_requests.get(decided_at__isnull=True)
    with _on_commit_run():
        return services.decide_extension(world.head_x, request, grant=True, extra_days=days)


def _on_commit_run():
    """Run on-commit callbacks (the timer move) inside a test transaction."""
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


# --- the permission suite's world -------------------------------------------------------------


def extend_world(world):
    from viewflow.workflow.timers import fire_due_timers

    from supervision.notifications.models import Notification

    insp = inspection(world)
    long_ago = timezone.localdate() - dt.timedelta(days=60)
    world.rect_waiting = issue(world, [finding(insp, "G", major=True, fire=True)], today=long_ago)
    fire_due_timers()  # its deadline has passed: overdue noted
    world.rect_recheck = issue(world, [finding(insp, "D")])
    submit_via_task(world, world.rect_recheck)
    world.rect_extension = issue(world, [finding(insp, "E")])
    ask_extension(world, world.rect_extension)
    world.rect_closure = issue(world, [finding(insp, "F")])
    submit_via_task(world, world.rect_closure)
    recheck_via_task(world, world.rect_closure, "passed")
    world.rect_closed = issue(world, [finding(insp, "A")])
    submit_via_task(world, world.rect_closed)
    recheck_via_task(world, world.rect_closed, "passed")
    close_via_task(world, world.rect_closed)
    world.rect_escalated = issue(world, [finding(insp, "B")])
    submit_via_task(world, world.rect_escalated)
    recheck_via_task(world, world.rect_escalated, "escalated", reasons="拒不整改")
    world.rect_inspection = insp
    world.rect_evidence = world.rect_recheck.reports.get().items.get().evidence.get()
    world.rect_notification = Notification.objects.filter(recipient=world.operator_p).first()

    def task(notice, node, **filters):
        return Task.objects.filter(process__rectificationprocess__notice=notice, flow_task=_node(node),
                                   **filters).latest("pk")

    world.rect_tasks = {
        "start": task(world.rect_waiting, "start"),
        "submit_report": task(world.rect_waiting, "submit_report", status="NEW"),
        "submit_report__timeout": task(world.rect_recheck, "submit_report__timeout"),
        "note_overdue": task(world.rect_waiting, "note_overdue"),
        "overdue_noted": task(world.rect_waiting, "overdue_noted"),
        "recheck": task(world.rect_recheck, "recheck", status="NEW"),
        "recheck_outcome": task(world.rect_closure, "recheck_outcome"),
        "approve_closure": task(world.rect_closure, "approve_closure", status="NEW"),
        "closed": task(world.rect_closed, "closed"),
        "escalated": task(world.rect_escalated, "escalated"),
    }


# --- the rows ---------------------------------------------------------------------------------


def _everyone_in_reach(default):
    """A notice of P: the team, head and planner of X, the admin, operator P; others 404."""
    return statuses(404, anonymous=302, inspector_x=default, fire_inspector_x=default, head_x=default,
                    planner_x=default, admin=default, operator_p=default)


def _task_url(node, action):
    def build(w):
        t = w.rect_tasks[node]
        suffix = "" if action == "index" else f"{action}/"
        return f"/rectification/{t.process_id}/{node}/{t.pk}/{suffix}"

    return build


def _doers(node):
    return {
        "submit_report": {"operator_p"},
        "recheck": {"inspector_x", "fire_inspector_x"},
        "approve_closure": {"head_x"},
    }[node]


def _node_rows():
    rows = {}
    for node in ("start", "submit_report", "submit_report__timeout", "note_overdue", "overdue_noted",
                 "recheck", "recheck_outcome", "approve_closure",
                 "closed", "escalated"):
        rows[f"rectification:{node}:index"] = (_task_url(node, "index"), _everyone_in_reach(302))
        rows[f"rectification:{node}:detail"] = (_task_url(node, "detail"), _everyone_in_reach(200))
    for node in ("submit_report", "recheck", "approve_closure"):
        # Open, unassigned tasks: only their doers may take them; nobody executes before taking.
        rows[f"rectification:{node}:assign"] = (
            _task_url(node, "assign"), {**_everyone_in_reach(403), **{p: 200 for p in _doers(node)}})
        rows[f"rectification:{node}:unassign"] = (_task_url(node, "unassign"), _everyone_in_reach(403))
        rows[f"rectification:{node}:execute"] = (_task_url(node, "execute"), _everyone_in_reach(403))
    return rows


_desk = statuses(200, anonymous=302)
_officials = statuses(200, anonymous=302, operator_p=403, operator_q=403)
_team = statuses(404, anonymous=302, inspector_x=200, fire_inspector_x=200)

RULES = {
    "public:notices:verify": (lambda w: f"/public/notices/{w.rect_closure.public_token}/", statuses(200)),
    "notifications:index": (lambda w: "/notifications/", _desk),
    "notifications:read": (lambda w: f"/notifications/{w.rect_notification.pk}/read/", statuses(405, anonymous=302)),
    "notifications:read_all": (lambda w: "/notifications/read-all/", statuses(405, anonymous=302)),
    "rectification:index": (lambda w: "/rectification/", statuses(302)),
    "rectification:inbox": (lambda w: "/rectification/inbox/", _desk),
    "rectification:queue": (lambda w: "/rectification/queue/", _desk),
    "rectification:archive": (lambda w: "/rectification/archive/", _desk),
    "rectification:process_list": (lambda w: "/rectification/flows/", _desk),
    "rectification:process_chart": (
        lambda w: f"/rectification/{w.rect_waiting.process.pk}/chart/", _everyone_in_reach(200)),
    "rectification:task_list": (lambda w: "/rectification/tasks/", _desk),
    "rectification:process_detail": (
        lambda w: f"/rectification/{w.rect_waiting.process.pk}/", _everyone_in_reach(200)),
    "rectification:inspections": (
        lambda w: "/rectification/inspections/", {**_officials, "admin": 403}),
    "rectification:inspection_findings": (
        lambda w: f"/rectification/inspections/{w.rect_inspection.pk}/findings/", _team),
    "rectification:issue_notice": (
        lambda w: f"/rectification/inspections/{w.rect_inspection.pk}/notice/", {**_team, "inspector_x": 302,
                                                                                  "fire_inspector_x": 302}),
    "rectification:notices:index": (lambda w: "/rectification/notices/", _desk),
    "rectification:notices:list": (lambda w: "/rectification/notices/", _desk),
    "rectification:notices:export": (lambda w: "/rectification/notices/export/?format=xlsx", _desk),
    "rectification:notices:detail": (
        lambda w: f"/rectification/notices/{w.rect_waiting.pk}/detail/", _everyone_in_reach(200)),
    "rectification:notices:pdf": (
        lambda w: f"/rectification/notices/{w.rect_waiting.pk}/pdf/", _everyone_in_reach(200)),
    "rectification:notices:delivery": (
        lambda w: f"/rectification/notices/{w.rect_waiting.pk}/delivery/",
        {**_everyone_in_reach(403), "inspector_x": 200, "fire_inspector_x": 200}),
    "rectification:notices:extension": (
        lambda w: f"/rectification/notices/{w.rect_extension.pk}/extension/",
        {**_everyone_in_reach(403), "head_x": 200}),
    "rectification:notices:remove_evidence": (
        lambda w: f"/rectification/notices/{w.rect_recheck.pk}/evidence/{w.rect_evidence.pk}/remove/",
        statuses(405, anonymous=302)),
    "rectification:notices:evidence": (
        lambda w: f"/rectification/notices/{w.rect_recheck.pk}/evidence/{w.rect_evidence.pk}/",
        _everyone_in_reach(200)),
    **_node_rows(),
}
