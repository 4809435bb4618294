from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data only: the fictional city that `make demo` loads. Nothing imports this app."""

    name = "supervision.demo"
    label = "demo"
