"""The desk's inbox of concerns from the public: the supervising department's list, each concern's
page (text, contact, photos, its case check) and the decision (查实 / 未查实).

Every page looks the concern up through access.get_concern_for_user (404 outside the
jurisdiction); deciding is for planners and heads (403 otherwise).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from viewflow.urls import Application

from supervision.concerns import access, services
from supervision.concerns.models import ConcernStatus
from supervision.core.pagination import LookaheadPaginator


class DecisionForm(forms.Form):
    verified = forms.TypedChoiceField(label=gettext_lazy("Decision"), coerce=lambda v: v == "yes", choices=[
        ("yes", gettext_lazy("Verified (查实): writes a credit event")), ("no", gettext_lazy("Not verified"))],
        widget=forms.RadioSelect)
    note = forms.CharField(label=gettext_lazy("Grounds"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


@require_GET
def inbox(request):
    _refuse_outsiders(request.user)
    rows = access.concerns_for(request.user)
    status = request.GET.get("status")
    if status in ConcernStatus.values:
        rows = rows.filter(status=status)
    page = LookaheadPaginator(rows.order_by("-received_at", "-pk"), 25).get_page(request.GET.get("page"))
    return render(request, "concerns/inbox.html", {
        "title": _("Concerns from the public"), "page": page, "statuses": ConcernStatus.choices, "status": status})


def _refuse_outsiders(user):
    if not access.may_open_inbox(user):
        raise PermissionDenied


def detail(request, pk):
    _refuse_outsiders(request.user)
    concern = access.get_concern_for_user(request.user, pk)
    may_decide = access.may_decide(request.user, concern)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide(request.user, concern, verified=form.cleaned_data["verified"],
                                note=form.cleaned_data["note"])
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                messages.success(request, _("The decision was recorded."))
                return redirect("concerns:detail", pk=concern.pk)
    return render(request, "concerns/detail.html", {
        "title": _("Concern %(code)s") % {"code": concern.tracking_code}, "concern": concern, "form": form,
        "may_decide": may_decide and not concern.decided,
        "may_open_case_check": may_decide and not concern.decided and concern.inspection_id is None,
        "photos": concern.photos.all()})


@require_GET
def photo(request, pk, photo_pk):
    _refuse_outsiders(request.user)
    concern = access.get_concern_for_user(request.user, pk)
    picture = get_object_or_404(concern.photos, pk=photo_pk)
    return FileResponse(picture.file.open("rb"), content_type=picture.content_type)


class ConcernsApplication(Application):
    """The inbox opens on the list; the pages check who may see what themselves."""

    @property
    def index_path(self):
        return path("", inbox, name="index")


def concerns_application() -> Application:
    return ConcernsApplication(
        title=gettext_lazy("Concerns from the public"), icon="campaign", app_name="concerns",
        permission=access.may_open_inbox,
        urlpatterns=[
            path("<int:pk>/", detail, name="detail"),
            path("<int:pk>/photos/<int:photo_pk>/", photo, name="photo"),
        ],
    )
