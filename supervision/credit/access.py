"""Who may see which credit records: scoped in SQL through the registry's jurisdiction."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from supervision.registry.access import get_institution_for_user, institutions_for
from supervision.staff.access import actor_for

from .models import CreditGrade, CreditStanding, PenaltyRecord

MAX_DB_ID = 2**63 - 1


def require_desk(user):
    """Credit lists are for officials and administrators; institutions see only their own page."""
    actor = actor_for(user)
    if not (actor.is_admin or actor.is_official):
        raise PermissionDenied


def require_admin(user):
    if not actor_for(user).is_admin:
        raise PermissionDenied


def institution_for_credit_page(user, pk):
    """The institution whose credit page the user may open (officials in jurisdiction, its operators)."""
    return get_institution_for_user(user, pk)


def standings_for(user, code):
    return CreditStanding.objects.filter(code=code, institution__in=institutions_for(user))


def grade_changes_for(user, code):
    return CreditGrade.objects.filter(code=code, institution__in=institutions_for(user))


def penalties_for(user):
    require_desk(user)
    return PenaltyRecord.objects.filter(institution__in=institutions_for(user))


def get_penalty_for_user(user, pk) -> PenaltyRecord:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_DB_ID:
        raise Http404
    return get_object_or_404(penalties_for(user).select_related("institution", "department", "notice"), pk=pk)
