from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "supervision.rectification"
    label = "rectification"
