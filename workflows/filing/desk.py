"""Desk applications of filing: the institution's portal and the bureau's lists (supervision.filings)."""

from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from supervision.filings.urls import urlpatterns as portal_urlpatterns
from supervision.filings.viewsets import BreachViewset, FilingViewset, UnfiledViewset, VerificationViewset

APPLICATIONS: list = [
    Application(
        title=_("Filings"), icon="assignment", app_name="filings",
        urlpatterns=portal_urlpatterns,
        viewsets=[FilingViewset(app_name="filings"), VerificationViewset(app_name="verifications"),
                  BreachViewset(app_name="breaches"), UnfiledViewset(app_name="unfiled")],
    ),
]
