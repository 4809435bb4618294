"""Public pages (no login) of filings, mounted under /public/commitments/ by supervision.disclosure.urls."""

from django.urls import path

from supervision.filings import public_views

app_name = "commitments"

urlpatterns = [
    path("", public_views.commitment_list, name="list"),
    path("<str:credit_code>/", public_views.institution_commitment, name="institution"),
]
