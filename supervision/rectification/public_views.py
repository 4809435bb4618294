"""The public verification page the notice's QR code points to: genuine or not, and its status.

No login, and no personal data: no names of people, no phone numbers, nothing of residents.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from supervision.rectification.models import RectificationNotice


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def verify_notice(request, token):
    notice = (
        RectificationNotice.objects.select_related("institution", "department")
        .prefetch_related("reports", "rechecks")
        .filter(public_token=token)
        .first()
    )
    if notice is None:
        return render(request, "rectification/public_verify_unknown.html", status=404)
    return render(request, "rectification/public_verify.html", {"notice": notice})
