"""URLs for bench_public.py's gunicorn (_public_site_settings): the project's, plus one trivial view
(the reference the cached institution page is compared with). Not part of the product."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import include, path


@login_not_required
def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial),
    path("", include("supervision.urls")),
]
