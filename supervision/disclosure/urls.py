"""The public site (公开): no login, only public facts. Each area mounts its pages here."""

from django.urls import include, path

from supervision.disclosure import views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("institutions/", views.search, name="search"),
    path("institutions/<int:pk>/", views.institution, name="institution"),
    path("compare/", views.compare, name="compare"),
    path("methodology/", views.methodology, name="methodology"),
    path("display/", views.display, name="display"),
    path("data/", views.data_index, name="data"),
    path("data/<slug:code>.json", views.data_json, name="data_json"),
    path("data/<slug:code>.csv", views.data_csv, name="data_csv"),
    path("spot-checks/", include("supervision.sampling.public_urls")),
    path("notices/", include("supervision.rectification.public_urls")),
    path("commitments/", include("supervision.filings.public_urls")),
    path("listings/", include("supervision.listings.public_urls")),
    path("concerns/", include("supervision.concerns.public_urls")),
]
