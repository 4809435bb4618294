"""Rectification (整改): from the notice to a closed case.

The notice is issued (numbered PDF with a QR code) → the institution's operator submits a
report with evidence → the inspection team re-checks → passed: the head approves closure; failed: back to the institution with a
new deadline, or escalated to enforcement. A timer on the institution's task fires the day
after the deadline: it marks the notice overdue, tells the head and the institution, and for a
major fire hazard flags blacklist ground 4 to the head. The institution may still answer late.

Asking for more time (延期申请) is a side action, not a step: the report task stays open and its
deadline timer keeps running while the head decides on the notice's extension page; a grant
moves the timer (signals.py).

Each node calls a service of supervision.rectification; the facts live there.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from supervision.inspections.models import Inspection
from supervision.rectification import access, services
from supervision.rectification.models import RecheckOutcome, RectificationNotice
from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.base import ScopedFlow
from workflows.nodes import NOBODY, HumanTask
from workflows.rectification import views
from workflows.rectification.models import RectificationProcess


def notice_of(activation_or_task) -> RectificationNotice:
    process = activation_or_task.process
    return RectificationNotice.objects.select_related("inspection", "institution", "department").get(
        process__pk=process.pk
    )


# --- who may take each step: one rule per step, in SQL (workflows/nodes.py) --------------------

_NOTICE = "process__rectificationprocess__notice__"


def operator_of_the_institution(user) -> Q:
    if not actor_for(user).is_operator:
        return NOBODY
    return Q(**{f"{_NOTICE}institution__in": institutions_for(user).values("pk")})


def inspection_team(user) -> Q:
    # A subquery, not a join over the team: OR-ed with the other steps' rules in the queue, a join
    # would list a task once per team member (the head's closure three times).
    official = actor_for(user).official
    if official is None:
        return NOBODY
    return Q(**{f"{_NOTICE}inspection__in": Inspection.objects.filter(team=official).values("pk")})


def head_of_the_issuing_department(user) -> Q:
    actor = actor_for(user)
    if actor.official is None or Role.HEAD not in actor.roles:
        return NOBODY
    return Q(**{f"{_NOTICE}department": actor.official.department_id})


class RectificationFlow(ScopedFlow):
    """Rectification

    A rectification notice, the institution's report, the re-check and the closure.
    """

    process_class = RectificationProcess
    desk_actors = ("official", "operator")
    process_title = _("Rectification")
    process_description = _("A rectification notice, the institution's report, the re-check and the closure.")
    process_summary_template = "{{ process.notice.number }} · {{ process.notice.institution.name }}"
    process_result_template = "{{ process.notice.number }} · {{ process.notice.get_status_display }}"

    start = flow.StartHandle(this.start_rectification).Next(this.submit_report)

    submit_report = (
        HumanTask(views.submit_report, operator_of_the_institution)
        .Annotation(title=_("Submit the rectification report"))
        .OnTimeout(this.deadline_passes_at, this.note_overdue, interrupting=False, title=_("Deadline passed"))
        .Next(this.recheck)
    )

    recheck = (
        HumanTask(views.recheck, inspection_team)
        .Annotation(title=_("Re-check the rectification"))
        .Next(this.recheck_outcome)
    )

    recheck_outcome = (
        flow.Switch()
        .Annotation(title=_("Re-check outcome"))
        .Case(this.approve_closure, this.recheck_passed)
        .Case(this.escalated, this.recheck_escalated)
        .Default(this.submit_report)
    )

    approve_closure = (
        HumanTask(views.approve_closure, head_of_the_issuing_department)
        .Annotation(title=_("Approve the closure"))
        .Next(this.closed)
    )

    note_overdue = flow.Function(this.mark_overdue).Annotation(title=_("Mark overdue")).Next(this.overdue_noted)

    overdue_noted = flow.End().Annotation(title=_("Overdue noted"))
    escalated = flow.End().Annotation(title=_("Escalated"))
    closed = flow.End().Annotation(title=_("Closed"))

    # --- node callbacks: thin, the work is in the services ---------------------------------

    def start_rectification(self, activation, notice):
        activation.process.notice = notice
        return activation.process

    def deadline_passes_at(self, activation) -> dt.datetime:
        return self.deadline_passes_at_for(notice_of(activation))

    def deadline_passes_at_for(self, notice) -> dt.datetime:
        """The first moment after the deadline day (local midnight)."""
        day_after = notice.deadline + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day_after, dt.time.min))

    def mark_overdue(self, activation):
        services.mark_overdue(notice_of(activation))

    def _last_outcome(self, activation):
        last = notice_of(activation).rechecks.order_by("-pk").first()
        return last.outcome if last else None

    def recheck_passed(self, activation) -> bool:
        return self._last_outcome(activation) == RecheckOutcome.PASSED

    def recheck_escalated(self, activation) -> bool:
        return self._last_outcome(activation) == RecheckOutcome.ESCALATED

    # --- who sees the process ----------------------------------------------------------------

    @staticmethod
    def processes_for(user):
        """Rectification processes whose notice the user may see (filtered in SQL)."""
        return RectificationProcess.objects.filter(notice__in=access.notices_for(user).values("pk"))


processes_for = RectificationFlow.processes_for


def start_process(notice) -> RectificationProcess:
    """Start the process for a notice just issued (by issue_notice)."""
    return RectificationFlow.start.run(notice=notice)
