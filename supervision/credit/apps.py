from django.apps import AppConfig


class CreditConfig(AppConfig):
    name = "supervision.credit"
    label = "credit"
    verbose_name = "credit"
