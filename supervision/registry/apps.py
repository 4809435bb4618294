from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "supervision.registry"
    label = "registry"
    verbose_name = _("Target library")

    def ready(self):
        from supervision.core import audit
        from supervision.registry import signals
        from supervision.registry.models import Institution, InstitutionAccount

        from guardian.models import UserObjectPermission

        signals.connect()
        audit.track(UserObjectPermission)  # operators' access to their institution
        audit.track(Institution, exclude=("updated",))
        audit.track(InstitutionAccount)
