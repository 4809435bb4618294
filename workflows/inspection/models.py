"""The inspection process row: which inspection it is about (the inspection holds the facts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from supervision.inspections.models import Inspection


class InspectionProcess(Process):
    inspection = models.OneToOneField(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("inspection process")
        verbose_name_plural = _("inspection processes")

    def __str__(self):
        return str(self.inspection)
