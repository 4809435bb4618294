"""Server-side changes that make the field app's pending records stale (answered as conflicts)."""

from supervision.inspections.models import Inspection, TeamChange


def team_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if reverse or action not in {"post_add", "post_remove", "pre_clear", "post_clear"}:
        return
    if action == "pre_clear":
        instance._cleared_team = list(instance.team.values_list("pk", flat=True))
        return
    if action == "post_clear":
        pk_set = set(getattr(instance, "_cleared_team", []))
        action = "post_remove"
    if action == "post_remove" and pk_set:
        TeamChange.objects.bulk_create([TeamChange(inspection=instance, official_id=pk) for pk in pk_set])
    if instance.started_at is not None or action == "post_remove":
        from supervision.inspections.services import bump_revision

        bump_revision(instance.pk)


def connect():
    from django.db.models.signals import m2m_changed

    m2m_changed.connect(team_changed, sender=Inspection.team.through, dispatch_uid="inspection-team-changed")
