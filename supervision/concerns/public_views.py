"""The public's pages: send a concern about an institution, and follow it by its tracking code.

No login. Neither page is cached (the form carries its tokens; a status changes). The status page
shows the institution, the dates and the status: never the text, the contact or the photos.
"""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from supervision.core.ratelimit import client_address, rate_limit
from supervision.concerns import services
from supervision.concerns.forms import ConcernForm, TrackForm, shown_stamp
from supervision.concerns.models import Concern
from supervision.disclosure import facts


def _institution(value):
    if not str(value or "").isdigit() or len(str(value)) > 12:
        return None
    return facts.institutions().filter(pk=int(value)).first()


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def new_concern(request):
    source = request.POST if request.method == "POST" else request.GET
    institution = _institution(source.get("institution"))
    if institution is None:
        status = 404 if source.get("institution") else (400 if request.method == "POST" else 200)
        return render(request, "concerns/choose_institution.html", status=status)
    if request.method == "GET":
        form = ConcernForm(initial={"institution": institution.pk})
        return render(request, "concerns/new.html", {"form": form, "institution": institution})
    form = ConcernForm(request.POST, request.FILES)
    status, problem = 400, ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            concern, _created = services.submit_concern(
                institution=institution, text=data["text"], contact=data["contact"], photos=data["photos"],
                form_token=data["once"], address=client_address(request) or "")
        except services.CapReached as reached:
            status, problem = 429, str(reached)
        except ValidationError as invalid:
            problem = " ".join(invalid.messages)
        else:
            return redirect(reverse("public:concerns:track") + "?" + urlencode({"code": concern.tracking_code,
                                                                                  "sent": 1}))
    if form.expired:  # a fresh stamp, the rest as typed
        form.data = form.data.copy()
        form.data["shown"] = shown_stamp()
    return render(request, "concerns/new.html", {
        "form": form, "institution": institution, "problem": problem,
        "photos_dropped": bool(request.FILES)}, status=status)


@rate_limit("concern_track")  # tracking codes are not to be guessed by trying
@never_cache
@login_not_required
@require_GET
def track(request):
    form = TrackForm(request.GET if "code" in request.GET else None)
    if not form.is_bound:
        return render(request, "concerns/track.html", {"form": form})
    if not form.is_valid():
        return render(request, "concerns/track.html", {"form": form}, status=400)
    code = services.normal_tracking_code(form.cleaned_data["code"])
    concern = Concern.objects.filter(tracking_code=code).select_related("institution").first()
    if concern is None:
        return render(request, "concerns/track.html", {"form": form, "unknown": True}, status=404)
    return render(request, "concerns/track.html", {
        "form": form, "concern": concern, "sent": request.GET.get("sent") == "1"})


