"""Demo inspections with findings in 东湖区, so the rectification loop can be walked in the demo.

Three submitted inspections at the institutions of operator01–03, by 东湖区民政局 with the team
inspector_donghu1 + fire_donghu1; one has a major fire hazard. No notice is issued: the demo
starts with an inspector choosing findings and issuing one (rectification → 记录检查发现).
Idempotent: an inspection is found again by institution, department, kind and date.
"""

import datetime as dt

from django.db import transaction

DEMO_DATE = dt.date(2026, 11, 16)
TEAM = ("inspector_donghu1", "fire_donghu1")
DEPARTMENT = "东湖区民政局"

# operator username -> findings (item, description, severity, major hazard, fire hazard, legal basis)
FINDINGS = {
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


def seed_inspections() -> int:
    """Create what is missing; return how many inspections were created."""
    from supervision.core.audit import acting_as
    from supervision.core.models import Department
    from supervision.inspections.models import Finding, Inspection
    from supervision.registry.models import InstitutionAccount
    from supervision.staff.models import Official

    department = Department.objects.filter(name=DEPARTMENT).first()
    team = list(Official.objects.filter(user__username__in=TEAM))
    if department is None or len(team) != len(TEAM):
        return 0  # not the demo city
    created = 0
    with transaction.atomic(), acting_as("seed_demo"):
        for username, findings in FINDINGS.items():
            account = InstitutionAccount.objects.select_related("institution").filter(user__username=username).first()
            if account is None:
                continue
            inspection, made = Inspection.objects.get_or_create(
                institution=account.institution, department=department, kind="daily", scheduled_for=DEMO_DATE,
                defaults={"status": "submitted", "announced": True},
            )
            if not made:
                continue
            created += 1
            inspection.team.set(team)
            for item, description, severity, major, fire, basis in findings:
                Finding.objects.create(
                    inspection=inspection, item_title=item, description=description, severity=severity,
                    major_hazard=major, fire_hazard=fire, legal_basis=basis,
                )
    return created
