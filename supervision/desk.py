"""The desk site (Viewflow Material): registries now, workflow apps as they arrive."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from viewflow.urls import Application, Site

from supervision.credit.urls import index as credit_index
from supervision.dashboard.urls import urlpatterns as dashboard_urlpatterns
from supervision.dashboard.views import may_open_dashboard
from supervision.credit.urls import urlpatterns as credit_urlpatterns
from supervision.concerns.views import concerns_application
from supervision.core.desk import AuditViewset, DepartmentViewset, RegionViewset, _is_admin
from supervision.registry.urls import import_urlpatterns
from supervision.registry.viewsets import InstitutionViewset
from supervision.staff.viewsets import ConflictViewset, OfficialViewset

from workflows.rectification.desk import APPLICATIONS as RECTIFICATION_APPS
from workflows.inspection.desk import APPLICATIONS as INSPECTION_APPS
from workflows.spot_check.desk import APPLICATIONS as SPOT_CHECK_APPS
from workflows.filing.desk import APPLICATIONS as FILING_APPS
from workflows.listing.desk import APPLICATIONS as LISTING_APPS

class LibrariesApplication(Application):
    """The libraries open on the institution list (not on the first URL, which is an import page)."""

    @property
    def index_path(self):
        return path("", RedirectView.as_view(url="institutions/"), name="index")


class CreditApplication(Application):
    """Credit opens on the grade distribution; the pages check who may see what themselves."""

    @property
    def index_path(self):
        return path("", credit_index, name="index")


site = Site(
    title=_("Elderly-care supervision"),
    viewsets=[
        Application(
            title=_("Dashboard"),
            icon="insights",
            app_name="dashboard",
            permission=may_open_dashboard,
            urlpatterns=dashboard_urlpatterns,
        ),
        *SPOT_CHECK_APPS,
        *RECTIFICATION_APPS,
        *INSPECTION_APPS,
        CreditApplication(
            title=_("Credit"),
            icon="verified",
            app_name="credit",
            urlpatterns=credit_urlpatterns,
        ),
        *FILING_APPS,
        *LISTING_APPS,
        concerns_application(),
        LibrariesApplication(
            title=_("Libraries"),
            icon="folder_shared",
            app_name="libraries",
            urlpatterns=import_urlpatterns,
            viewsets=[
                InstitutionViewset(app_name="institutions"),
                OfficialViewset(app_name="officials"),
                ConflictViewset(app_name="conflicts"),
            ],
        ),
        Application(
            title=_("Administration"),
            icon="admin_panel_settings",
            app_name="administration",
            permission=_is_admin,
            viewsets=[
                RegionViewset(app_name="regions"),
                DepartmentViewset(app_name="departments"),
                AuditViewset(app_name="audit"),
            ],
        ),
    ],
)
