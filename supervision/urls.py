from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog, set_language

from supervision.core.ratelimit import rate_limit
from supervision.core.roles import is_administrator
from supervision.desk import site

def _admin_site_permission(request):
    """The Django admin is for administrators only, whatever is_staff says."""
    return request.user.is_staff and is_administrator(request.user)


admin.site.has_permission = _admin_site_permission
admin.site.site_header = _("Elderly-care supervision: administration")
admin.site.site_title = _("Elderly-care supervision")

urlpatterns = [
    path("accounts/login/", rate_limit("login", methods=("POST",))(login_not_required(auth_views.LoginView.as_view())),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("supervision.accounts.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("jsi18n/", login_not_required(JavaScriptCatalog.as_view()), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("public/", include("supervision.disclosure.urls")),
    path("field/", include("supervision.inspections.urls")),
    path("", include("supervision.registry.urls")),
    path("", site.urls),
]
