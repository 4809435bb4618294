"""The base of every flow of the desk: locked, scoped to the user's reach, its queue from its rules.

A flow declares `processes_for(user)` (its processes the user may see, a queryset filtered in SQL)
and `desk_actors` (which kinds of user open its desk application at all); its human steps are
`workflows.nodes.HumanTask`s carrying their rule. From these come, once for every flow: the view
and manage permissions, the queue (`queue_q`), and with `workflows.scoped.ScopedFlowAppViewset`
the pages scoped to the reach, each task URL serving only tasks of its own node.

Starting one process from another: the domain never knows a flow exists, so a flow's module offers
`start_process(obj)` (its StartHandle run from code) and the process that follows connects to the
step that should start it with `when_finished(node, receiver, uid)` (see workflows/inspection/signals.py).
"""

from django.db.models import Q
from viewflow.workflow import flow, lock
from viewflow.workflow.signals import task_finished

from supervision.staff.access import actor_for
from workflows.nodes import NOBODY, HumanTask


class ScopedFlow(flow.Flow):
    # Parallel branches meet in joins, and a timer may fire while a person submits: every
    # activation of a process takes its row lock first (SELECT … FOR UPDATE).
    lock_impl = lock.select_for_update_lock
    # Who opens the flow's desk application: "official" and/or "operator" (administrators always).
    desk_actors: tuple = ("official",)

    @staticmethod
    def processes_for(user):
        raise NotImplementedError

    def human_tasks(self):
        return [node for node in self.nodes() if isinstance(node, HumanTask)]

    def queue_q(self, user) -> Q:
        """Open tasks the user may take, as a `Q` on Task: the union of the human tasks' rules."""
        q = NOBODY
        for node in self.human_tasks():
            q |= node.takers_q(user)
        return q

    def has_view_permission(self, user, obj=None):
        if user is None or not user.is_authenticated:
            return False
        actor = actor_for(user)
        if not (actor.is_admin or any(getattr(actor, f"is_{kind}") for kind in self.desk_actors)):
            return False
        return obj is None or self.processes_for(user).filter(pk=obj.pk).exists()

    def has_manage_permission(self, user, obj=None):
        return user is not None and user.is_authenticated and actor_for(user).is_admin


def when_finished(node, receiver, dispatch_uid):
    """Call `receiver(process, task)` each time a task of `node` finishes (to start what follows)."""

    def on_task_finished(sender, process, task, **kwargs):
        if task.flow_task == node:
            receiver(process, task)

    task_finished.connect(on_task_finished, sender=node.flow_class, dispatch_uid=dispatch_uid, weak=False)


def do_task(task, user, work=None):
    """Take and finish a human task from code as `user`, doing `work()` between (the demo and the
    tests' builders walk a process this way; people do it through the task pages)."""
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = user
    activation = task.flow_task.activation_class(task)
    if task.owner_id is None:
        activation.assign(user)
    activation.start(request)
    if work is not None:
        work()
    activation.execute()
