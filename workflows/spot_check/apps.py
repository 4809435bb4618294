from django.apps import AppConfig


class SpotCheckFlowConfig(AppConfig):
    name = "workflows.spot_check"
    label = "spot_check_flow"
