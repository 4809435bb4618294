"""Which institutions a user may see or change: one helper per question, filtered in SQL."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from guardian.shortcuts import get_objects_for_user

from supervision.registry.models import Institution, supervised_q
from supervision.staff.access import actor_for
from supervision.staff.models import Role

VIEW_PERM = "registry.view_institution"


def institutions_for(user, queryset=None):
    """Institutions visible to ``user``: those supervised within the jurisdiction for officials
    (supervised_q: a supervising district, else the street), their own for operators."""
    queryset = Institution.objects.all() if queryset is None else queryset
    actor = actor_for(user)
    if actor.is_admin:
        return queryset
    if actor.is_official:
        if actor.jurisdiction is None:
            return queryset.none()
        return queryset.filter(supervised_q(actor.jurisdiction.path))
    if actor.is_operator:
        return get_objects_for_user(
            user, VIEW_PERM, klass=queryset, accept_global_perms=False, with_superuser=False
        )
    return queryset.none()


def can_edit_institutions(user) -> bool:
    """Civil-affairs planners and heads keep the target library; administrators too."""
    actor = actor_for(user)
    return actor.is_admin or (actor.in_civil_affairs and bool(actor.roles & {Role.PLANNER, Role.HEAD}))


def can_edit_institution(user, institution) -> bool:
    actor = actor_for(user)
    return can_edit_institutions(user) and actor.covers_region(institution.supervising_region)


def get_institution_for_user(user, pk) -> Institution:
    """The institution, or 404 if it does not exist or lies outside what the user may see."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    return get_object_or_404(institutions_for(user).select_related("region__parent"), pk=pk)
