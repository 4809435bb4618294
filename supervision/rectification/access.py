"""Who may see and act on rectification notices: one helper per question, filtered in SQL.

- Administrators: everything.
- Heads and planners: notices issued by their department, or by a department of the same kind
  within their jurisdiction (the issuing line, not only the place).
- Inspectors: notices of inspections whose team they were on (an inspector outside the team
  gets 404, even in the same district).
- Operators: the notices addressed to their own institution.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from supervision.core.models import Department
from supervision.inspections.models import Inspection
from supervision.registry.access import institutions_for
from supervision.rectification.models import RectificationNotice
from supervision.staff.access import actor_for
from supervision.staff.models import Role


# The largest primary key the database holds (bigint): a larger number in a URL is simply absent.
MAX_DB_ID = 2**63 - 1


def db_id(value) -> int:
    """A primary key from a URL or form, or 404: digits only, within the database's bigint."""
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DB_ID:
        raise Http404
    return int(text)


def _official_q(actor, prefix: str = "") -> Q:
    """Notices (or rows reached through `prefix`) visible to an official.

    Team members see their inspections' notices. Heads and planners see what their own line
    issued: notices of their department, or of a department of the same kind whose region lies
    within their jurisdiction (a city civil-affairs head sees the districts' civil-affairs
    notices; a fire brigade does not see civil-affairs notices unless on the team).
    """
    # Each condition on the notice's own columns, against a small subquery PostgreSQL hashes once:
    # joining the team, department and region per notice was measured 70 ms over 33,000 notices.
    team = Inspection.team.through.objects.filter(official=actor.official).values("inspection_id")
    q = Q(**{f"{prefix}inspection__in": team})
    if actor.roles & {Role.HEAD, Role.PLANNER} and actor.jurisdiction is not None:
        line = Department.objects.filter(kind=actor.official.department.kind,
                                         region__path__startswith=actor.jurisdiction.path).values("pk")
        q |= Q(**{f"{prefix}department__in": line})
    return q


def notice_q(user, prefix: str = "") -> Q | None:
    """A Q restricting notices (reached through `prefix`, e.g. "notice__") to what `user` may see.

    None means everything (administrators).
    """
    actor = actor_for(user)
    if actor.is_admin:
        return None
    if actor.is_official:
        return _official_q(actor, prefix)
    if actor.is_operator:
        return Q(**{f"{prefix}institution__in": institutions_for(user).values("pk")})
    return Q(pk__in=[])


def notices_for(user, queryset=None):
    queryset = RectificationNotice.objects.all() if queryset is None else queryset
    q = notice_q(user)
    if q is None:
        return queryset
    return queryset.filter(q)  # no multi-valued join: no row repeats, no DISTINCT


def get_notice_for_user(user, pk) -> RectificationNotice:
    """The notice, or 404 if it does not exist or lies outside what the user may see."""
    pk = db_id(pk)
    return get_object_or_404(
        notices_for(user).select_related("institution", "department", "inspection"), pk=pk
    )


# --- who may act ---------------------------------------------------------------------------


def is_team_member(user, inspection: Inspection) -> bool:
    actor = actor_for(user)
    return actor.official is not None and inspection.team.filter(pk=actor.official.pk).exists()


def team_inspections_for(user):
    """Inspections the user inspected (team member): where findings may be recorded."""
    actor = actor_for(user)
    if actor.official is None:
        return Inspection.objects.none()
    return Inspection.objects.filter(team=actor.official)


def is_operator_of(user, notice: RectificationNotice) -> bool:
    actor = actor_for(user)
    return actor.is_operator and institutions_for(user).filter(pk=notice.institution_id).exists()


def is_head_for(user, notice: RectificationNotice) -> bool:
    """The heads of the issuing department decide on extensions and approve closure."""
    actor = actor_for(user)
    return (
        actor.official is not None
        and Role.HEAD in actor.roles
        and actor.official.department_id == notice.department_id
    )


def may_recheck(user, notice: RectificationNotice) -> bool:
    return is_team_member(user, notice.inspection)
