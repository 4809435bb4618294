"""A person's open steps of a process, for the domain pages that show an object with a process.

The notice page of an operator offers "submit the report" without a detour through the queue:
each open human task the user holds (execute it) or may take (take it and go on). Only Viewflow's
generic task API is used here: domain apps never import the project's flows.
"""

from viewflow.workflow.status import STATUS


def my_open_tasks(user, process) -> list[dict]:
    """[{"task", "title", "url", "take"}] — `take` means POST to `url` (assign, then continue)."""
    if process is None or user is None or not user.is_authenticated:
        return []
    found = []
    open_tasks = process.task_set.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED], flow_task_type="HUMAN")
    for task in open_tasks.order_by("pk"):
        node = task.flow_task
        if task.owner_id == user.pk and node.can_execute(user, task):
            found.append({"task": task, "title": node.task_title or node.name,
                          "url": node.reverse("execute", args=[process.pk, task.pk]), "take": False})
        elif task.owner_id is None and node.can_assign(user, task):
            found.append({"task": task, "title": node.task_title or node.name,
                          "url": node.reverse("assign", args=[process.pk, task.pk]), "take": True})
    return found
