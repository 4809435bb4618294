"""The filing process row: which filing it is about (the filing holds the facts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from supervision.filings.models import Filing


class FilingProcess(Process):
    """A concrete subclass, so process and task lists filter by jurisdiction in SQL through the filing."""

    filing = models.OneToOneField(Filing, verbose_name=_("filing"), on_delete=models.PROTECT, related_name="process")

    class Meta:
        verbose_name = _("filing process")
        verbose_name_plural = _("filing processes")

    def __str__(self):
        return str(self.filing)
