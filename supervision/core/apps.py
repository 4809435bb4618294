from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "supervision.core"
    label = "core"
    verbose_name = _("Regions and departments")

    def ready(self):
        from supervision.core import audit
        from supervision.core.models import CalendarDay, Department, DocumentType, HolidayYear, Region

        from django.contrib.auth import get_user_model

        # Accounts and their roles (groups) decide every permission: changes to them are audited.
        audit.track(get_user_model(), exclude=("password", "last_login"))
        audit.track(Region)
        audit.track(Department)
        audit.track(HolidayYear)
        audit.track(CalendarDay)
        audit.track(DocumentType)
