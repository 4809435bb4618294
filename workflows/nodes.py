"""Nodes the flows are built from, beyond Viewflow's own.

- `HumanTask(view, rule)`: a step a person takes and does. `rule(user)` is a `Q` on Task naming
  the tasks the user may take; it is the one definition of who may act: the desk's queue is the
  union of the flow's rules (ScopedFlow.queue_q) and `can_assign`/`can_execute` ask the database
  whether the task matches it, so the two cannot drift apart.
- `ForEach`: a split that creates one task per item of a data source (`task.data` = the item).
"""

from django.db.models import Q
from viewflow.utils import is_owner
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.exceptions import FlowRuntimeError
from viewflow.workflow.models import Task
from viewflow.workflow.nodes.split import SplitActivation

NOBODY = Q(pk__in=[])


class HumanTask(flow.View):
    """A human task whose doers follow a domain rule in SQL, not a Django permission.

    Its pages are reached only through the process's reach (workflows/scoped.py checks the process
    and that the task is of this node first); the services check the caller again. No cancel,
    undo or revive from the desk: they rewrite history behind the domain's facts.
    """

    cancel_view_class = None
    undo_view_class = None
    revive_view_class = None

    def __init__(self, view, rule, **kwargs):
        super().__init__(view, **kwargs)
        self._rule = rule

    def takers_q(self, user) -> Q:
        """This node's tasks the user may take and do (status aside), as a `Q` on Task."""
        if user is None or not user.is_authenticated:
            return NOBODY
        return Q(flow_task=self) & self._rule(user)

    def may_act(self, user, task) -> bool:
        return Task.objects.filter(pk=task.pk).filter(self.takers_q(user)).exists()

    def can_assign(self, user, task):
        return task.owner_id is None and self.may_act(user, task)

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and self.may_act(user, task)


class ForEachActivation(SplitActivation):
    """A split that creates one task per item of a branch's ``data_source`` (``task.data`` = item).

    Viewflow's open edition documents ``data_source`` but creates each branch once; this is
    the small part that is missing.
    """

    @Activation.status.super()
    def activate(self):
        for node, case, data_source in self.flow_task._branches:
            if case and not case(self):
                continue
            for data in data_source(self) if data_source else [None]:
                self.next_tasks.append((node, data))
        if not self.next_tasks:
            raise FlowRuntimeError(f"No next task available for {self.flow_task.name}")


class ForEach(flow.Split):
    activation_class = ForEachActivation

    def Next(self, node, case=None, data_source=None):
        self._activate_next.append((node, case, data_source))
        return self
