"""The rectification process row: which notice it is about (the notice holds the facts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Process

from supervision.rectification.models import RectificationNotice


class RectificationProcess(Process):
    """A concrete subclass, so process and task lists filter by jurisdiction in SQL through the notice."""

    notice = models.OneToOneField(
        RectificationNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="process"
    )

    class Meta:
        verbose_name = _("rectification process")
        verbose_name_plural = _("rectification processes")

    def __str__(self):
        return str(self.notice)
