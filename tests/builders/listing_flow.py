"""Builders for listing processes: a case walked through the flow's tasks from code (workflows.base.do_task).

The flow tests drive the task URLs themselves; these are for the worlds other tests stand on.
"""

import datetime as dt

import time_machine
from viewflow.workflow.models import Task
from viewflow.workflow.timers import fire_due_timers

from supervision.listings import services
from tests.builders.listings import photo, propose
from tests.clocks import local
from workflows.base import do_task
from workflows.listing.flows import ListingsFlow, open_tasks, start_process


def node_task(case, node_name, **filters) -> Task:
    """The case's latest task of a node (open or not)."""
    return Task.objects.filter(process__listingprocess__case=case, flow_task=getattr(ListingsFlow, node_name),
                               **filters).latest("pk")


def do(case, node_name, user, work=None, **filters):
    task = open_tasks(case, getattr(ListingsFlow, node_name), **filters).first()
    assert task is not None, f"no open {node_name} task"
    do_task(task, user, work)
    case.refresh_from_db()
    return case


def opened(world, **kwargs):
    """A proposal by inspector_x with its process started (what the commit does outside a test)."""
    case = propose(world, **kwargs)
    start_process(case)
    return case


def reviewed(world, case, agree=True, user=None):
    user = user or world.head_x
    return do(case, "review", user, lambda: services.review_proposal(user, case, agree=agree,
                                                                      note="证据充分" if agree else "证据不足"))


def notified(world, case):
    """Prior notice issued by inspector_x, read by operator P on its account (the delivery)."""
    do(case, "issue_notice", world.inspector_x, lambda: services.issue_prior_notice(world.inspector_x, case))
    services.record_read(world.operator_p, case)
    case.refresh_from_db()
    return case


def represented(world, case, waiver=False):
    statement = "我院放弃陈述申辩。" if waiver else "我院已于次日补齐记录，请求不予列入。"
    return do(case, "representation", world.operator_p, lambda: services.submit_representation(
        world.operator_p, case, statement=statement, waiver=waiver, files=[photo("说明.png")]))


def answer_reviewed(world, case):
    return do(case, "review_answer", world.inspector_x, lambda: services.review_answer(
        world.inspector_x, case, founded=False, review="经核实，申辩理由不成立。"))


def after_the_period(case):
    """The day after the representation deadline, with the due timers fired."""
    day = case.representation_deadline + dt.timedelta(days=1)
    with time_machine.travel(local(day), tick=False):
        fire_due_timers()
    case.refresh_from_db()
    return day


def decided(world, case, decision="list", day=None):
    def work():
        services.decide(world.head_x, case, decision=decision, reasons="依法处理。", today=day)

    if day is None:
        return do(case, "decide", world.head_x, work)
    with time_machine.travel(local(day), tick=False):
        return do(case, "decide", world.head_x, work)


def acknowledged(case, user, department):
    notice = case.partner_notices.get(department=department)
    return do(case, "acknowledge", user, lambda: services.acknowledge(user, notice), data__notice=notice.pk)
