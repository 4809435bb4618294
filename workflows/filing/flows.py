"""Filing (备案): submitted → the office checks completeness → accepted with a receipt, or returned
for completion (补正) → the institution completes and resubmits → checked again.

Initial, change and closure filings run the same way. The process starts when the institution
first submits (services.submit_filing sends `filing_submitted`; signals.py); the institution
works on its own portal pages, and its resubmission moves the process past `completion`. The
office's check is the one human task here: accepting issues the numbered receipt, updates the
registry (a closure ends the operating status) and schedules the verification inspection, all in
supervision.filings.services.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow

from supervision.filings import access
from supervision.filings.models import Filing, FilingState
from supervision.staff.access import actor_for
from supervision.staff.models import Role
from workflows.base import ScopedFlow
from workflows.filing import views
from workflows.filing.models import FilingProcess
from workflows.nodes import NOBODY, HumanTask


def filing_of(activation_or_task) -> Filing:
    return Filing.objects.select_related("institution", "office").get(process__pk=activation_or_task.process.pk)


def planner_of_the_filing_office(user) -> Q:
    """The completeness check (受理): planners of the office the filing was lodged with."""
    actor = actor_for(user)
    if actor.official is None or Role.PLANNER not in actor.roles:
        return NOBODY
    return Q(process__filingprocess__filing__office=actor.official.department_id)


class FilingsFlow(ScopedFlow):
    """Filing

    A filing with its written commitment: the office's completeness check, the receipt or a return.
    """

    process_class = FilingProcess
    desk_actors = ("official", "operator")
    process_title = _("Filing")
    process_description = _("A filing with its written commitment: the completeness check, the receipt or a return.")
    process_summary_template = "{{ process.filing.get_kind_display }} · {{ process.filing.institution.name }}"
    process_result_template = "{{ process.filing.get_state_display }}"

    start = flow.StartHandle(this.start_filing).Next(this.check)

    check = (
        HumanTask(views.check, planner_of_the_filing_office)
        .Annotation(title=_("Check the filing for completeness"))
        .Next(this.outcome)
    )

    outcome = (
        flow.If(this.was_accepted)
        .Annotation(title=_("Complete?"))
        .Then(this.accepted)
        .Else(this.completion)
    )

    completion = (
        flow.Handle(this.completed)
        .Annotation(title=_("The institution completes and resubmits"))
        .Next(this.check)
    )

    accepted = flow.End().Annotation(title=_("Accepted"))

    def start_filing(self, activation, filing):
        activation.process.filing = filing
        return activation.process

    def was_accepted(self, activation) -> bool:
        return filing_of(activation).state == FilingState.ACCEPTED

    def completed(self, activation):
        return activation.process

    def has_view_permission(self, user, obj=None):
        # The filing section is civil affairs' and the operators': other departments are refused it.
        if user is None or not user.is_authenticated:
            return False
        if not (access.is_filing_official(user) or actor_for(user).is_operator):
            return False
        return super().has_view_permission(user, obj)

    @staticmethod
    def processes_for(user):
        """Filing processes whose filing the user may see (filtered in SQL)."""
        return FilingProcess.objects.filter(filing__in=access.filings_for(user).values("pk"))


processes_for = FilingsFlow.processes_for


def start_process(filing) -> FilingProcess:
    return FilingsFlow.start.run(filing=filing)


def resubmitted(filing) -> None:
    """Move the process past `completion` (the institution resubmitted after a return)."""
    from viewflow.workflow.models import Task

    task = Task.objects.filter(process__filingprocess__filing=filing, flow_task=FilingsFlow.completion,
                               status="NEW").first()
    if task is not None:
        FilingsFlow.completion.run(task)


def check_task_url(filing) -> str:
    """The open check task's page (the desk's detail page links to it)."""
    from django.urls import reverse
    from viewflow.workflow.models import Task

    task = Task.objects.filter(process__filingprocess__filing=filing, flow_task=FilingsFlow.check).exclude(
        status__in=["DONE", "CANCELED"]).order_by("-pk").first()
    if task is None:
        return ""
    return reverse("filings:check:index", args=[task.process_id, task.pk])
