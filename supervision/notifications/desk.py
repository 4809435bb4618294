"""The notifications page as a small desk application (included by workflows/rectification/desk.py)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from viewflow.urls import Application

from supervision.notifications import views


class NotificationsApplication(Application):
    title = _("Notifications")
    icon = "notifications"
    app_name = "notifications"
    menu_template_name = "notifications/menu.html"

    def has_view_permission(self, user, obj=None):
        return user.is_authenticated

    @property
    def index_path(self):
        return path("", views.notification_list, name="index")

    urlpatterns = [
        path("<int:pk>/read/", views.mark_read, name="read"),
        path("read-all/", views.mark_all_read, name="read_all"),
    ]
