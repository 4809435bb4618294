from django.apps import AppConfig


class RectificationFlowConfig(AppConfig):
    name = "workflows.rectification"
    label = "rectification_flow"
