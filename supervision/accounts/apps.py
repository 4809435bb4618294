from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Logging in: the lockout, the second factor, the idle timeout (issue 19). No models of its own:
    the devices are django-otp's, the failed attempts django-axes'."""

    name = "supervision.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from supervision.accounts import checks  # noqa: F401  (registers the deploy checks)
