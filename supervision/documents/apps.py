from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "supervision.documents"
    label = "documents"
