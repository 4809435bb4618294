"""The public verification page the notice's QR code points to: genuine or not, and its status.

No login, and no personal data: no names of people, no phone numbers, nothing of residents.
"""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from supervision.rectification.models import RectificationNotice
from supervision.rectification.viewsets import deadline_history


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def verify_notice(request, token):
    notice = (
        RectificationNotice.objects.with_status().select_related("institution", "department")
        .filter(public_token=token)
        .first()
    )
    if notice is None:
        return render(request, "rectification/public_verify_unknown.html", status=404)
    # The deadline as on the paper, then its moves: a visitor holding the paper sees both.
    return render(request, "rectification/public_verify.html", {
        "notice": notice, "deadline_history": deadline_history(notice)})
