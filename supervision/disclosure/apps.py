from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "supervision.disclosure"
    label = "disclosure"

    def ready(self):
        from supervision.disclosure import signals

        signals.connect()
