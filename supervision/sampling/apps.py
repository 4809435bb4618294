from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SamplingConfig(AppConfig):
    name = "supervision.sampling"
    label = "sampling"
    verbose_name = _("Double-random spot checks")
