from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logging in: the lockout, the second factor, the idle timeout (issue 19). No models of its own:
    the devices are django-otp's, the failed attempts django-axes'."""

    name = "supervision.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from supervision.accounts import checks  # noqa: F401  (registers the deploy checks)
        from supervision.accounts.two_factor import remember_requirement

        user_logged_in.connect(remember_requirement, dispatch_uid="accounts.remember_requirement")
