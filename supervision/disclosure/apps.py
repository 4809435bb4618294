from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "supervision.disclosure"
    label = "disclosure"
