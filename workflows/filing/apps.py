from django.apps import AppConfig


class FilingFlowConfig(AppConfig):
    name = "workflows.filing"
    label = "filing_flow"

    def ready(self):
        from workflows.filing import signals

        signals.connect()
