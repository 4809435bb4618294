"""The automatic proposal: a major fire hazard left past its rectification deadline (ground 4).

The rectification timer (rectification.services.mark_overdue) records a BLACKLIST_GROUND event;
in the same transaction a ground-4 case is opened for the head of the issuing department.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from supervision.rectification.models import EventKind, RectificationEvent


@receiver(post_save, sender=RectificationEvent, dispatch_uid="listing-fire-hazard-proposal")
def propose_on_fire_hazard_ground(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.kind != EventKind.BLACKLIST_GROUND:
        return
    from supervision.inspections.models import Finding
    from supervision.listings.services import propose_for_overdue_fire_hazard

    findings = list(Finding.objects.filter(pk__in=instance.data.get("findings", [])).order_by("pk"))
    propose_for_overdue_fire_hazard(instance.notice, findings)
