"""Demo field work: inspections scheduled for today in 东湖区, so the field app (/field/) shows something.

inspector_donghu1 (with inspector_donghu2) has an announced daily check and an unannounced case check
today at two 东湖区 institutions other than those of the rectification demo and free of another open
inspection of the department (the sampling demo's draw schedules some). Idempotent: an inspection is
found again by department, kind and team while it is still open; a finished one is left alone and a
new one is scheduled for the day the demo runs.
"""

from django.db import transaction

from supervision.core import clock

TEAM = ("inspector_donghu1", "inspector_donghu2")
DEPARTMENT = "东湖区民政局"
KINDS = (("daily", True), ("case", False))


def seed_field_inspections() -> int:
    """Create what is missing; return how many inspections were created."""
    from supervision.core.audit import acting_as
    from supervision.core.models import Department
    from supervision.inspections import services
    from supervision.inspections.models import Inspection, InspectionStatus
    from supervision.registry.models import Institution
    from supervision.staff.models import Official

    department = Department.objects.filter(name=DEPARTMENT).first()
    team = list(Official.objects.filter(user__username__in=TEAM))
    if department is None or len(team) != len(TEAM):
        return 0  # not the demo city
    district = Institution.objects.filter(region__path__startswith=department.region.path, accounts__isnull=True)
    open_statuses = [InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS]
    today = clock.today()
    created = 0
    with transaction.atomic(), acting_as("seed_demo"):
        for kind, announced in KINDS:
            # Ours again: an open inspection of this kind by this team (the draw of the sampling demo may
            # have scheduled others of the department in the same district, with another team).
            ours = Inspection.objects.filter(
                institution__in=district, department=department, kind=kind, status__in=open_statuses,
                team=team[0],
            ).order_by("pk").first()
            if ours is not None:
                if ours.status == InspectionStatus.SCHEDULED and ours.scheduled_for != today:
                    Inspection.objects.filter(pk=ours.pk).update(scheduled_for=today)
                continue
            busy = Inspection.objects.filter(department=department, status__in=open_statuses).values("institution")
            institution = district.exclude(pk__in=busy).order_by("pk").first()
            if institution is None:
                continue
            inspection = Inspection.objects.create(institution=institution, department=department, kind=kind,
                                                   announced=announced, scheduled_for=today)
            inspection.team.set(team)
            services.ensure_checklist(inspection)
            services.inspection_scheduled.send(sender=Inspection, inspection=inspection)  # starts its process
            created += 1
    return created
