"""The institution's filing pages, mounted in the desk's filing application as filings:portal:…."""

from django.urls import include, path

from supervision.filings import portal

portal_patterns = [
    path("", portal.index, name="index"),
    path("start/<slug:kind>/", portal.start, name="start"),
    path("<int:pk>/", portal.filing_page, name="filing"),
    path("<int:pk>/receipt/", portal.receipt, name="receipt"),
]

urlpatterns = [path("portal/", include((portal_patterns, "portal")))]
