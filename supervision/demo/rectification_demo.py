"""Demo rectification in 东湖区, dated from the day the demo is loaded.

At the institutions of operator01–03, by 东湖区民政局 with the team inspector_donghu1 + fire_donghu1:

* an earlier check whose notice is under way: operator01's is due within 3 working days,
  operator02's passed its deadline (marked overdue by the deadline timer), operator03's is on
  time, weeks ahead. The notices are issued on their day (two to five weeks ago, the clock
  replayed there) and their processes started, so the desk, the operators and the head see
  open tasks with real deadlines;
* a check of three days ago with findings and no notice yet (one a major fire hazard): the demo
  starts with an inspector choosing findings and issuing one (rectification → 记录检查发现).

Every date is counted from `today`, so the demo looks the same whenever it is loaded. Idempotent:
an inspection is found again by institution, department and its first finding's description, so
a second load (the same day or later) creates nothing and moves nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from supervision.core import clock

TEAM = ("inspector_donghu1", "fire_donghu1")
DEPARTMENT = "东湖区民政局"
# The fresh check with findings waiting for a notice: this many days before the demo is loaded.
FRESH_CHECK_DAYS_AGO = 3

# A finding: (item, description, severity, major hazard, fire hazard, legal basis)
Finding = tuple[str, str, str, bool, bool, str]

# operator username -> findings of the fresh check, waiting for a notice
FINDINGS: dict[str, list[Finding]] = {
    "operator01": [
        ("消防设施", "二楼疏散通道堆放杂物，防火门常闭失效，自动喷水灭火系统末端试水压力不足。", "J", True, True,
         "《养老机构重大事故隐患判定标准》第四条；《中华人民共和国消防法》第二十八条"),
        ("九防：跌倒", "卫生间未设扶手，地面无防滑处理。", "E", False, False,
         "GB 38600-2019《养老机构服务安全基本规范》第6.6条"),
    ],
    "operator02": [
        ("食品安全", "食堂留样记录不全，部分餐次未留样。", "D", False, False,
         "《中华人民共和国食品安全法》第五十七条"),
    ],
    "operator03": [
        ("安全管理", "夜间巡查记录缺失，交接班记录不完整。", "B", False, False,
         "GB 38600-2019《养老机构服务安全基本规范》第5.4条"),
    ],
}


@dataclass(frozen=True)
class UnderWay:
    """An earlier check whose notice was issued `issued_days_ago` calendar days before the demo
    day, with a deadline `due_in` working days from the demo day (negative: already passed)."""

    operator: str
    finding: Finding
    issued_days_ago: int
    due_in: int


UNDER_WAY = (  # in the order they were issued, so that their numbers follow the dates
    UnderWay("operator02", ("消防安全", "灭火器压力不足且未按期检验，微型消防站器材不全。", "G", False, True,
                            "《中华人民共和国消防法》第十六条"), issued_days_ago=33, due_in=-6),
    UnderWay("operator01", ("九防：压疮", "两名失能老人翻身记录不连续，未按护理计划执行。", "H", False, False,
                            "GB 38600-2019《养老机构服务安全基本规范》第6.3条"), issued_days_ago=16, due_in=2),
    UnderWay("operator03", ("服务管理", "入住评估未按规定每年复评，部分老人照护等级与实际不符。", "C", False, False,
                            "《养老机构管理办法》第十七条"), issued_days_ago=12, due_in=20),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _demo_inspection(institution, department, team, findings: list[Finding], day: dt.date):
    """(the demo inspection with these findings, created?): found by its first finding's description."""
    from supervision.inspections.models import Finding as FindingModel
    from supervision.inspections.models import Inspection, InspectionStatus
    from supervision.inspections.services import publicity_deadline

    existing = Inspection.objects.filter(
        institution=institution, department=department, findings__description=findings[0][1]
    ).first()
    if existing is not None:
        return existing, False
    publicity = publicity_deadline(day)
    inspection = Inspection.objects.create(
        institution=institution, department=department, kind="daily", scheduled_for=day,
        status=InspectionStatus.SUBMITTED, announced=True, submitted_at=_at(day, 16),
        publicity_deadline=publicity.date, publicity_deadline_provisional=publicity.provisional,
    )
    inspection.team.set(team)
    for item, description, severity, major, fire, basis in findings:
        FindingModel.objects.create(
            inspection=inspection, item_title=item, description=description, severity=severity,
            major_hazard=major, fire_hazard=fire, legal_basis=basis,
        )
    return inspection, True


def _issue_as_of(issuer, inspection, basis: dt.date, due: dt.date):
    """Issue the notice on `basis` (the clock replayed there), with the working days that make
    it due on `due`, and start its process."""
    from supervision.core.calendar import working_days_between
    from supervision.rectification import services
    from supervision.rectification.deadlines import day_range_for
    from workflows.rectification.flows import start_process

    findings = list(inspection.findings.order_by("pk"))
    allowed = day_range_for([f.severity for f in findings])
    days = min(max(working_days_between(basis, due), allowed.minimum), allowed.maximum)
    with clock.replaying(_at(basis, 10)):
        notice = services.issue_notice(
            issuer, inspection, findings, facts="经现场检查，发现下列问题。",
            measures={f.pk: "立即整改，并报送整改情况。" for f in findings}, working_days=days,
        )
        start_process(notice)
    return notice


def seed_inspections(today: dt.date | None = None) -> int:
    """Create what is missing; return how many inspections were created."""
    from viewflow.workflow.timers import fire_due_timers

    from supervision.core.audit import acting_as
    from supervision.core.calendar import add_working_days
    from supervision.core.models import Department
    from supervision.registry.models import InstitutionAccount
    from supervision.staff.models import Official

    today = today or clock.today()
    department = Department.objects.filter(name=DEPARTMENT).first()
    team = list(Official.objects.filter(user__username__in=TEAM).select_related("user"))
    if department is None or len(team) != len(TEAM):
        return 0  # not the demo city
    issuer = next(o.user for o in team if o.user.username == TEAM[0])
    accounts = {
        a.user.username: a.institution
        for a in InstitutionAccount.objects.select_related("user", "institution").filter(
            user__username__in=[*FINDINGS, *(u.operator for u in UNDER_WAY)])
    }
    created = 0
    with transaction.atomic(), acting_as("seed_demo"):
        for spec in UNDER_WAY:
            if spec.operator not in accounts:
                continue
            basis = today - dt.timedelta(days=spec.issued_days_ago)
            if spec.due_in >= 0:
                due = add_working_days(today, spec.due_in).date
            else:
                due = today + dt.timedelta(days=spec.due_in)
            inspection, made = _demo_inspection(accounts[spec.operator], department, team, [spec.finding],
                                                basis - dt.timedelta(days=2))
            if made:
                created += 1
                _issue_as_of(issuer, inspection, basis, due)
        day = today - dt.timedelta(days=FRESH_CHECK_DAYS_AGO)
        for username, findings in FINDINGS.items():
            if username in accounts:
                created += _demo_inspection(accounts[username], department, team, findings, day)[1]
    if created:
        fire_due_timers()  # what the background runner would do: the passed deadline is noted
    return created
