from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "supervision.notifications"
    label = "notifications"
