"""Who may see and act on listing cases: one helper per question, filtered in SQL.

Seeing a case:
- administrators: everything;
- officials of the proposing line: the proposing department, or a department of the same kind
  whose region lies within their jurisdiction (a city civil-affairs head sees the districts'
  cases), for institutions within their jurisdiction;
- partner departments: the cases whose joint-punishment notice was addressed to their
  department (from publication on);
- operators: their own institution's cases, once the prior notice was issued (the proposal and
  its review are the department's internal deliberation until then).
Others get 404.

Acting (谁监管、谁列入、谁惩戒、谁负责): only officials of the proposing department; the decisions
(listing, dismissal, repair) only its heads.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from supervision.core.models import Department
from supervision.listings.models import ListingCase, PartnerNotice
from supervision.rectification.access import db_id
from supervision.registry.access import institutions_for
from supervision.staff.access import actor_for
from supervision.staff.models import Role


def case_q(user) -> Q | None:
    """A Q restricting cases to what `user` may see; None means everything (administrators)."""
    actor = actor_for(user)
    if actor.is_admin:
        return None
    if actor.is_official and actor.jurisdiction is not None:
        line = Department.objects.filter(kind=actor.official.department.kind,
                                         region__path__startswith=actor.jurisdiction.path).values("pk")
        own_line = Q(department__in=line, institution__region__path__startswith=actor.jurisdiction.path)
        addressed = Q(pk__in=PartnerNotice.objects.filter(department=actor.official.department_id).values("case"))
        return own_line | addressed
    if actor.is_operator:
        return Q(institution__in=institutions_for(user).values("pk"), prior_notice_issued_at__isnull=False)
    return Q(pk__in=[])


def cases_for(user, queryset=None):
    queryset = ListingCase.objects.all() if queryset is None else queryset
    q = case_q(user)
    return queryset if q is None else queryset.filter(q)


def get_case_for_user(user, pk) -> ListingCase:
    """The case, or 404 if it does not exist or lies outside what the user may see."""
    return get_object_or_404(
        cases_for(user).with_stage().select_related("institution__region__parent", "department"), pk=db_id(pk)
    )


def partner_notices_for(user):
    """Joint-punishment notices addressed to the user's department (administrators: all)."""
    actor = actor_for(user)
    notices = PartnerNotice.objects.all()
    if actor.is_admin:
        return notices
    if actor.is_official:
        return notices.filter(department=actor.official.department_id)
    return notices.none()


# --- who may act ---------------------------------------------------------------------------


def may_propose(user, institution) -> bool:
    """Civil-affairs officials whose jurisdiction covers the institution."""
    actor = actor_for(user)
    return actor.is_official and actor.in_civil_affairs and actor.covers_region(institution.region)


def is_official_of(user, case) -> bool:
    """An official of the proposing department (who reviews, notifies, verifies answers)."""
    actor = actor_for(user)
    return actor.is_official and actor.official.department_id == case.department_id


def may_review(user, case) -> bool:
    """A second official of the proposing department: not the one who proposed."""
    return is_official_of(user, case) and case.proposed_by_id != user.pk


def is_head_of(user, case) -> bool:
    """A head of the proposing department (who decides)."""
    return is_official_of(user, case) and Role.HEAD in actor_for(user).roles


def is_operator_of(user, case) -> bool:
    actor = actor_for(user)
    return actor.is_operator and institutions_for(user).filter(pk=case.institution_id).exists()


def may_acknowledge(user, notice: PartnerNotice) -> bool:
    actor = actor_for(user)
    return actor.is_official and actor.official.department_id == notice.department_id
