"""The public site (公开): no login, only public facts. Each area mounts its pages here."""

from django.urls import include, path

app_name = "public"

urlpatterns = [
    path("spot-checks/", include("supervision.sampling.public_urls")),
    path("notices/", include("supervision.rectification.public_urls")),
    path("commitments/", include("supervision.filings.public_urls")),
    path("listings/", include("supervision.listings.public_urls")),
]
