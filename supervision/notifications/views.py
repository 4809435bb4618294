"""The user's notifications in the desk: a list, and marking them read."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supervision.core import clock
from supervision.notifications.models import Notification


@require_GET
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user)
    if request.GET.get("unread"):
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {
        "title": _("Notifications"),
        "page": page,
        "only_unread": bool(request.GET.get("unread")),
        "unread": Notification.objects.filter(recipient=request.user, read_at__isnull=True).count(),
    })


@require_POST
def mark_read(request, pk):
    """Mark one notification read and follow its link (only the recipient's own)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        notification.read_at = clock.now()
        notification.save(update_fields=["read_at"])
    link = notification.link
    if request.POST.get("follow") and link and url_has_allowed_host_and_scheme(link, {request.get_host()}):
        return redirect(link)
    return redirect("notifications:index")


@require_POST
def mark_all_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=clock.now())
    return redirect("notifications:index")
