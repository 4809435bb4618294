"""An administrator's two-factor reset as an action on the users' list (beside reset_two_factor)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.accounts import two_factor


@admin.action(description=gettext_lazy("Reset two-factor authentication (the user enrols again)"))
def reset_two_factor(modeladmin, request, queryset):
    for user in queryset:
        two_factor.reset(user)
    modeladmin.message_user(request, _("Two-factor authentication reset for %(count)d user(s).")
                            % {"count": len(queryset)}, messages.SUCCESS)


_user_admin = admin.site._registry.get(get_user_model())
if _user_admin is not None:
    _user_admin.actions = [*(_user_admin.actions or []), reset_two_factor]
