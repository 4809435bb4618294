"""The listing process row: which listing case it is about (the case holds the facts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from supervision.listings.models import ListingCase


class ListingProcess(Process):
    """A concrete subclass, so process and task lists filter by the case's reach in SQL."""

    case = models.OneToOneField(ListingCase, verbose_name=_("listing case"), on_delete=models.PROTECT,
                                related_name="process")

    class Meta:
        verbose_name = _("listing process")
        verbose_name_plural = _("listing processes")

    def __str__(self):
        return str(self.case)
