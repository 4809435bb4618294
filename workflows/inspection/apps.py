from django.apps import AppConfig


class InspectionFlowConfig(AppConfig):
    name = "workflows.inspection"
    label = "inspection_flow"

    def ready(self):
        from workflows.inspection import signals

        signals.connect()
