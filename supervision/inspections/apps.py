from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "supervision.inspections"
    label = "inspections"
    verbose_name = _("Inspections")

    def ready(self):
        from supervision.core import audit
        from supervision.inspections.models import Finding, Inspection

        audit.track(Inspection)
        audit.track(Finding)

        from supervision.inspections import signals

        signals.connect()
