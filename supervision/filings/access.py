"""Who may see and act on filings: one helper per question, filtered in SQL.

- Operators: the filings of their own institution.
- Civil-affairs officials: filings lodged with an office of their line at or below their level
  (the office's region lies within their jurisdiction). A district office does not see a filing
  lodged with the city (a non-profit registered at the city), though the premises are in the
  district: the city office checks it, the city supervises it.
- Officials of other departments: none. Administrators: all.
- Acting on a filing (the completeness check, 受理): planners of the filing office itself, who also
  schedule the verification it leads to. Heads see and supervise.
- The filing section is civil affairs' (and the operators'): officials of other departments are
  refused it.
"""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from supervision.core.models import Department, DepartmentKind
from supervision.filings.models import Filing, FilingVerification
from supervision.inspections.models import Inspection
from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for
from supervision.staff.models import Role

MAX_DB_ID = 2**63 - 1


def db_id(value) -> int:
    text = str(value)
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DB_ID:
        raise Http404
    return int(text)


def offices_for(user):
    """Civil-affairs offices whose filings the user sees (None: all)."""
    actor = actor_for(user)
    if actor.is_admin:
        return None
    if not (actor.is_official and actor.in_civil_affairs and actor.jurisdiction is not None):
        return Department.objects.none()
    return Department.objects.filter(kind=DepartmentKind.CIVIL_AFFAIRS,
                                     region__path__startswith=actor.jurisdiction.path)


def filing_q(user, prefix: str = "") -> Q | None:
    """A Q restricting filings (reached through ``prefix``) to the user's reach; None: everything."""
    actor = actor_for(user)
    if actor.is_admin:
        return None
    if actor.is_operator:
        return Q(**{f"{prefix}institution__in": institutions_for(user).values("pk")})
    offices = offices_for(user)
    if offices is None:
        return None
    # An unsubmitted draft has no office yet: officials see it only once it is lodged.
    return Q(**{f"{prefix}office__in": offices.values("pk")})


def filings_for(user, queryset=None):
    queryset = Filing.objects.all() if queryset is None else queryset
    q = filing_q(user)
    if q is None:
        return queryset
    actor = actor_for(user)
    if not (actor.is_operator or actor.is_official):
        return queryset.none()
    queryset = queryset.filter(q)
    if not actor.is_operator:
        queryset = queryset.exclude(state="draft")
    return queryset


def get_filing_for_user(user, pk) -> Filing:
    return get_object_or_404(filings_for(user).select_related("institution", "office", "region"), pk=db_id(pk))


def is_operator_of(user, institution) -> bool:
    actor = actor_for(user)
    return actor.is_operator and institutions_for(user).filter(pk=institution.pk).exists()


def may_check(user, filing) -> bool:
    """The completeness check (受理): a planner of the office the filing was lodged with."""
    actor = actor_for(user)
    return (actor.official is not None and filing.office_id is not None
            and actor.official.department_id == filing.office_id and Role.PLANNER in actor.roles)


def is_filing_official(user) -> bool:
    actor = actor_for(user)
    return actor.is_admin or (actor.is_official and actor.in_civil_affairs)


def verifications_for(user, queryset=None):
    """Verifications in reach: civil-affairs officials over the institution, or on the inspection's team."""
    queryset = FilingVerification.objects.all() if queryset is None else queryset
    actor = actor_for(user)
    if actor.is_admin:
        return queryset
    if not actor.is_official or actor.jurisdiction is None:
        return queryset.none()
    team = Inspection.team.through.objects.filter(official=actor.official).values("inspection_id")
    q = Q(inspection__in=team)
    if actor.in_civil_affairs:
        q |= Q(institution__region__path__startswith=actor.jurisdiction.path)
    return queryset.filter(q)
