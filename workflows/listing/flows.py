"""Listing (失信联合惩戒对象名单 / 重点关注对象名单): from the proposal to the removal.

A proposal with its ground and evidence (an official's, or opened automatically for a major fire
hazard left past its rectification deadline) → review by a second official, not the proposer (an
automatic proposal by a head) → the prior notice (告知书) issued → its delivery (the institution
reads it on its account, or an official records it signed for on paper) → the representation
period (陈述申辩, 5 working days by default): the institution answers or waives it in writing
through its task, whose timer closes the period the day after the deadline → an answer is
verified (复核), and an answer does not shorten the period: the process waits for its end → the
head's decision (决定书 with the repair notice, 两书同达) or dismissal with reasons → publication and
one joint-punishment notice per partner department, each acknowledged by that department (a timer
chases the unacknowledged the day after their date; the periodic job goes on daily) → in
publication until removed (the maximum period's job, or credit repair) → end.

Each human step calls one service of supervision.listings.services, which checks its caller and
holds the rules; the facts live on the case.
"""

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from supervision.core import clock
from supervision.listings import access, services
from supervision.listings.models import Decision, ListingCase, Representation
from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.base import ScopedFlow
from workflows.listing import views
from workflows.listing.models import ListingProcess
from workflows.nodes import NOBODY, ForEach, HumanTask


def case_of(activation_or_task) -> ListingCase:
    return ListingCase.objects.select_related("institution", "department").get(
        process__pk=activation_or_task.process.pk)


# --- who may take each step: one rule per step, in SQL (workflows/nodes.py) --------------------


def _cases(processes) -> Q:
    return Q(process__in=processes.values("pk"))


def _official(user, role=None):
    actor = actor_for(user)
    if actor.official is None or (role is not None and role not in actor.roles):
        return None
    return actor.official


def official_of_the_proposing_department(user) -> Q:
    """Prior notice and the verification of the answer: the proposing department's officials."""
    official = _official(user)
    return _cases(ListingProcess.objects.filter(case__department=official.department_id)) if official else NOBODY


def second_official_of_the_proposing_department(user) -> Q:
    """The review: an official of the proposing department who did not propose; a proposal opened
    automatically (ground 4 from the rectification timer) is reviewed by a head."""
    official = _official(user)
    if official is None:
        return NOBODY
    processes = ListingProcess.objects.filter(case__department=official.department_id).exclude(
        case__proposed_by=user.pk)
    if Role.HEAD not in actor_for(user).roles:
        processes = processes.filter(case__automatic=False)
    return _cases(processes)


def head_of_the_proposing_department(user) -> Q:
    head = _official(user, Role.HEAD)
    return _cases(ListingProcess.objects.filter(case__department=head.department_id)) if head else NOBODY


def operator_of_the_institution(user) -> Q:
    if not actor_for(user).is_operator:
        return NOBODY
    return _cases(ListingProcess.objects.filter(case__institution__in=institutions_for(user).values("pk")))


def official_of_the_addressed_department(user) -> Q:
    """A joint-punishment notice is acknowledged by an official of the department it is addressed to."""
    official = _official(user)
    return Q(data__department=official.department_id) if official else NOBODY


class ListingsFlow(ScopedFlow):
    """Listing

    A proposal to list, its review, the prior notice and the institution's answer, the decision,
    publication and the partner departments' acknowledgements, until removal.
    """

    process_class = ListingProcess
    desk_actors = ("official", "operator")
    process_title = _("Blacklist and watch list")
    process_description = _("A proposal to list, the prior notice and the answer, the decision, publication and "
                            "joint punishment, until removal.")
    process_summary_template = "{{ process.case.get_list_kind_display }} · {{ process.case.subject_name }}"
    process_result_template = "{{ process.case.get_stage_display }}"

    start = flow.StartHandle(this.start_case).Next(this.review)

    review = (
        HumanTask(views.review, second_official_of_the_proposing_department)
        .Annotation(title=_("Review the proposal"))
        .Next(this.taken_forward)
    )

    taken_forward = (
        flow.If(this.was_taken_forward)
        .Annotation(title=_("Taken forward?"))
        .Then(this.issue_notice)
        .Else(this.not_taken_forward)
    )

    issue_notice = (
        HumanTask(views.issue_notice, official_of_the_proposing_department)
        .Annotation(title=_("Issue the prior notice"))
        .Next(this.delivery)
    )

    delivery = (
        flow.Handle(this.delivered)
        .Annotation(title=_("The prior notice is delivered"))
        .Next(this.representation)
    )

    representation = (
        HumanTask(views.representation, operator_of_the_institution)
        .Annotation(title=_("State your case"))
        .OnTimeout(this.period_ends_at, this.decide, title=_("Representation period over"))
        .Next(this.waived_or_answered)
    )

    waived_or_answered = (
        flow.If(this.was_waived)
        .Annotation(title=_("Waived in writing?"))
        .Then(this.decide)
        .Else(this.review_answer)
    )

    review_answer = (
        HumanTask(views.review_answer, official_of_the_proposing_department)
        .Annotation(title=_("Verify the answer"))
        .Next(this.period_over)
    )

    period_over = (
        flow.If(this.representation_period_over)
        .Annotation(title=_("Representation period over?"))
        .Then(this.decide)
        .Else(this.end_of_period)
    )

    end_of_period = flow.Timer(this.period_ends_at).Annotation(title=_("Until the period ends")).Next(this.decide)

    decide = (
        HumanTask(views.decide, head_of_the_proposing_department)
        .Annotation(title=_("Decide"))
        .Next(this.listed_or_dismissed)
    )

    listed_or_dismissed = (
        flow.If(this.was_listed)
        .Annotation(title=_("Listed?"))
        .Then(this.any_partners)
        .Else(this.dismissed)
    )

    any_partners = (
        flow.If(this.has_partner_notices)
        .Annotation(title=_("Partner departments to notify?"))
        .Then(this.notify_partners)
        .Else(this.still_listed)
    )

    notify_partners = (
        ForEach()
        .Annotation(title=_("One joint-punishment notice per partner department"))
        .Next(this.acknowledge, data_source=this.partner_notices)
    )

    acknowledge = (
        HumanTask(views.acknowledge, official_of_the_addressed_department)
        .Annotation(title=_("Acknowledge the joint-punishment notice"))
        .OnTimeout(this.acknowledgement_overdue_at, this.chase, interrupting=False, title=_("Not acknowledged"))
        .Next(this.all_acknowledged)
    )

    chase = flow.Function(this.chase_partners).Annotation(title=_("Chase")).Next(this.chased)

    all_acknowledged = flow.Join().Annotation(title=_("All acknowledged")).Next(this.still_listed)

    still_listed = (
        flow.If(this.is_still_listed)
        .Annotation(title=_("Still listed?"))
        .Then(this.in_publication)
        .Else(this.removed)
    )

    in_publication = (
        flow.Handle(this.ended)
        .Annotation(title=_("In publication until removed"))
        .Next(this.removed)
    )

    chased = flow.End().Annotation(title=_("Reminder sent"))
    not_taken_forward = flow.End().Annotation(title=_("Not taken forward"))
    dismissed = flow.End().Annotation(title=_("Dismissed"))
    removed = flow.End().Annotation(title=_("Removed"))

    # --- node callbacks: thin, the work is in the services ---------------------------------

    def start_case(self, activation, case):
        activation.process.case = case
        return activation.process

    def was_taken_forward(self, activation) -> bool:
        return bool(case_of(activation).review_agreed)

    def delivered(self, activation):
        return activation.process

    def period_ends_at(self, activation) -> dt.datetime:
        """The first moment after the representation deadline (local midnight)."""
        day_after = case_of(activation).representation_deadline + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day_after, dt.time.min))

    def was_waived(self, activation) -> bool:
        return Representation.objects.filter(case__process__pk=activation.process.pk, waiver=True).exists()

    def representation_period_over(self, activation) -> bool:
        return clock.today() > case_of(activation).representation_deadline

    def was_listed(self, activation) -> bool:
        return case_of(activation).decision == Decision.LIST

    def has_partner_notices(self, activation) -> bool:
        return case_of(activation).partner_notices.exists()

    def partner_notices(self, activation) -> list[dict]:
        notices = case_of(activation).partner_notices.order_by("department__name", "pk")
        return [{"notice": n.pk, "department": n.department_id} for n in notices]

    def acknowledgement_overdue_at(self, activation) -> dt.datetime:
        """The day after the acknowledgement date (the notices of a case share it)."""
        due = min(case_of(activation).partner_notices.values_list("acknowledge_by", flat=True))
        return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))

    def chase_partners(self, activation):
        services.chase_unacknowledged(case=case_of(activation))

    def is_still_listed(self, activation) -> bool:
        return not case_of(activation).removal

    def ended(self, activation):
        return activation.process

    # --- who sees the process ----------------------------------------------------------------

    @staticmethod
    def processes_for(user):
        """Listing processes whose case the user may see (filtered in SQL)."""
        return ListingProcess.objects.filter(case__in=access.cases_for(user).values("pk"))


processes_for = ListingsFlow.processes_for

OPEN = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


def start_process(case) -> ListingProcess:
    """Start the process of a case just opened; a retry returns the process it already has."""
    existing = ListingProcess.objects.filter(case=case).first()
    return existing or ListingsFlow.start.run(case=case)


def open_tasks(case, node, **filters):
    return Task.objects.filter(process__listingprocess__case=case, flow_task=node, status__in=OPEN,
                               **filters).order_by("pk")


def run_handle(case, node) -> None:
    """Move the case's process past a waiting `node` (a Handle), if it waits there."""
    task = open_tasks(case, node).first()
    if task is not None:
        node.run(task)


# The desk's step pages of a case (supervision/listings/views.py) that the process now serves.
STEP_NODES = {
    "review": ListingsFlow.review, "prior_notice": ListingsFlow.issue_notice,
    "answer": ListingsFlow.representation, "answer_review": ListingsFlow.review_answer,
    "decide": ListingsFlow.decide, "acknowledge": ListingsFlow.acknowledge,
}


def step_page(case, step, notice=None) -> str:
    """Where a desk step of the case is done now: its open task's page, or the process page when
    none is open (the step is done, or not yet due); "" for a case without a process."""
    process = ListingProcess.objects.filter(case=case).first()
    if process is None or step not in STEP_NODES:
        return ""
    node = STEP_NODES[step]
    tasks = open_tasks(case, node)
    if notice is not None:
        tasks = tasks.filter(data__notice=notice.pk)
    task = tasks.first()
    if task is None:
        return reverse("listings:process_detail", args=[process.pk])
    return reverse(f"listings:{node.name}:index", args=[process.pk, task.pk])
