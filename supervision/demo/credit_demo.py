"""Demo credit histories, so that every grade in the demo city is scored from events.

Each operating institution gets a few past events (findings, rectifications, penalties,
commendations, grading levels) after the credit profile the city plan drew for it; the grades
then come from the ledger and the rule sets like any other (`recompute_all`). Institutions not
operating get no events and stay unrated (no data). Dated back from today, so the demo's
windows are alive whenever it is seeded. Idempotent: an institution with events is left alone.
"""

import datetime as dt
import random

from supervision.core import clock

NOTE = "示范数据：导入的历史信用记录"

# profile -> [(kind, cell, days ago)]; the class is the kind's default (credit.services).
HISTORIES = {
    "A": [
        [("inspection_without_findings", "", 40), ("grading_level", "5", 400)],
        [("inspection_without_findings", "", 70), ("grading_level", "4", 300), ("commendation", "", 120)],
    ],
    "B": [
        [("finding", "D", 60), ("rectified_on_time", "", 45)],
        [("finding", "E", 150), ("rectified_on_time", "", 130), ("inspection_without_findings", "", 20)],
        [("inspection_without_findings", "", 30), ("grading_level", "2", 500)],
    ],
    "C": [
        [("finding", "G", 100), ("rectification_overdue", "", 80), ("rectified_late", "", 60)],
        [("finding", "H", 200), ("recheck_failed", "", 170), ("complaint_verified", "", 90)],
    ],
    "D": [
        [("finding", "J", 120), ("rectification_overdue", "", 100), ("penalty", "", 80)],
        [("finding", "K", 90), ("penalty", "", 60), ("inspection_refused", "", 30)],
    ],
    # Operating but long unchecked: one clean inspection whose window has ended.
    "unrated": [[("inspection_without_findings", "", 200)]],
}


def seed_credit(today: dt.date | None = None) -> int:
    """Create the missing histories and grade everyone; return how many institutions got events."""
    from django.db import transaction

    from supervision.core.models import Department, DepartmentKind
    from supervision.credit import services
    from supervision.credit.models import CreditEvent
    from supervision.demo import city
    from supervision.registry.models import Institution, OperatingStatus

    today = today or clock.today()
    profiles = {spec.credit_code: spec.credit_profile for spec in city.plan_institutions()}
    departments = {d.region_id: d for d in Department.objects.filter(kind=DepartmentKind.CIVIL_AFFAIRS)}
    with_events = set(CreditEvent.objects.values_list("institution_id", flat=True).distinct())
    new = []
    institutions = Institution.objects.filter(
        credit_code__in=profiles, operating_status=OperatingStatus.OPERATING
    ).select_related("region").exclude(pk__in=with_events)
    for institution in institutions:
        department = departments.get(institution.region.parent_id)
        if department is None:
            continue
        rng = random.Random(institution.credit_code)
        for kind, cell, days_ago in rng.choice(HISTORIES[profiles[institution.credit_code]]):
            new.append(CreditEvent(
                institution=institution, department=department, kind=kind, cell=cell,
                breach_class=services.default_class(kind, cell), decided_on=today - dt.timedelta(days=days_ago),
                recorded_by_name="seed_demo", note=NOTE,
            ))
    with transaction.atomic():
        CreditEvent.objects.bulk_create(new, batch_size=1000)
        services.recompute_all(today)
    return len({e.institution_id for e in new})
