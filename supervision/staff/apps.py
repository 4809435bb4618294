from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "supervision.staff"
    label = "staff"
    verbose_name = _("Officials and inspectors")

    def ready(self):
        from supervision.core import audit
        from supervision.staff.models import ConflictOfInterest, Official, Specialty

        audit.track(Official)
        audit.track(ConflictOfInterest)
        audit.track(Specialty)
