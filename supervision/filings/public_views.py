"""The public commitment page (no login): an institution's written commitment, public from acceptance.

Only public facts: the institution's name, credit code, filing office and receipt number, the
commitment items with their date, version and status (kept, or broken with the finding that broke
it). No names of people, no phone numbers, nothing of residents.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from supervision.core.pagination import LookaheadPaginator
from supervision.filings.commitments import public_commitment
from supervision.filings.models import Filing, FilingKind, FilingState
from supervision.registry.models import Institution

PER_PAGE = 50


def _in_force():
    """Accepted initial or change filings that are the latest accepted of their institution."""
    from django.db.models import OuterRef, Subquery

    latest = (Filing.objects.filter(institution=OuterRef("institution"), state=FilingState.ACCEPTED)
              .order_by("-accepted_at", "-pk").values("pk")[:1])
    return (Filing.objects.filter(state=FilingState.ACCEPTED, kind__in=[FilingKind.INITIAL, FilingKind.CHANGE])
            .filter(pk=Subquery(latest)))


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def commitment_list(request):
    filings = _in_force().select_related("institution", "office").order_by("-accepted_at", "-pk")
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        filings = filings.filter(institution__name__icontains=query)
    page = LookaheadPaginator(filings, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "filings/public_list.html", {"page": page, "q": query})


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def institution_commitment(request, credit_code):
    institution = Institution.objects.filter(credit_code=credit_code.upper()[:18]).first()
    commitment = public_commitment(institution) if institution is not None else None
    if commitment is None:
        return render(request, "filings/public_unknown.html", status=404)
    return render(request, "filings/public_commitment.html", {"institution": institution, "commitment": commitment})
