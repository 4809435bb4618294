from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "supervision.concerns"
    verbose_name = "Concerns from the public"
