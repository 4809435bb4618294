"""The spot-check process row: which plan it is about (the plan and its draws hold the facts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from supervision.sampling.models import SpotCheckPlan


class SpotCheckProcess(Process):
    """A concrete subclass, so process and task lists filter by jurisdiction in SQL through the plan."""

    plan = models.OneToOneField(
        SpotCheckPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("spot-check process")
        verbose_name_plural = _("spot-check processes")

    def __str__(self):
        return str(self.plan)
