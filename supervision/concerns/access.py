"""Who sees and decides concerns on the desk: one helper per question, filtered in SQL.

Civil-affairs officials see the concerns about institutions supervised within their jurisdiction
(the same rule as the registry: registry.models.supervised_q); administrators all. Planners and
heads decide them and open the case check; an inspector reads.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from supervision.concerns.models import Concern
from supervision.registry.models import supervised_q
from supervision.staff.access import actor_for
from supervision.staff.models import Role


def may_open_inbox(user) -> bool:
    actor = actor_for(user)
    return actor.is_admin or (actor.is_official and actor.in_civil_affairs)


def concerns_for(user):
    actor = actor_for(user)
    rows = Concern.objects.select_related("institution__region__parent", "department")
    if actor.is_admin:
        return rows
    if not may_open_inbox(user) or actor.jurisdiction is None:
        return rows.none()
    return rows.filter(supervised_q(actor.jurisdiction.path, "institution__"))


def get_concern_for_user(user, pk) -> Concern:
    """The concern, or 404 when it does not exist or lies outside the user's jurisdiction."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(concerns_for(user), pk=pk)


def may_decide(user, concern) -> bool:
    actor = actor_for(user)
    if actor.is_admin:
        return True
    return (actor.in_civil_affairs and bool(actor.roles & {Role.PLANNER, Role.HEAD})
            and concerns_for(user).filter(pk=concern.pk).exists())
