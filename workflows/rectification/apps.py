from django.apps import AppConfig


class RectificationFlowConfig(AppConfig):
    name = "workflows.rectification"
    label = "rectification_flow"

    def ready(self):
        from supervision.rectification.models import RectificationNotice
        from supervision.rectification.services import deadline_changed
        from workflows.rectification.signals import move_deadline_timer

        deadline_changed.connect(move_deadline_timer, sender=RectificationNotice, dispatch_uid="rectification-timer")
