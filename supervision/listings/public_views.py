"""The public list (no login): entries in publication on the two lists, from the cases' facts.

Only what publication means to show: the subject (institution name and credit code; a listed
person's name and role at the institution), the list, the ground, the decision's number and date,
and the end of publication. Nothing of the procedure before the decision, no ID numbers.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from supervision.core import clock
from supervision.core.pagination import LookaheadPaginator
from supervision.listings.models import ListingCase, ListKind


def published_entries(on=None, list_kind=None):
    """Entries in publication on `on`: decided to list, not yet at the end of publication, not repaired."""
    entries = ListingCase.objects.listed_on(on or clock.today()).select_related("institution", "department")
    if list_kind in ListKind.values:
        entries = entries.filter(list_kind=list_kind)
    return entries.order_by("-listed_on", "-pk")


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def listing_list(request):
    list_kind = request.GET.get("list", "")
    page = LookaheadPaginator(published_entries(list_kind=list_kind), 50).get_page(request.GET.get("page"))
    return render(request, "listings/public_list.html", {
        "page": page, "list_kind": list_kind if list_kind in ListKind.values else "", "kinds": ListKind.choices})
