from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListingsConfig(AppConfig):
    name = "supervision.listings"
    verbose_name = _("Blacklist and watch list")

    def ready(self):
        from supervision.credit.services import register_source_link
        from supervision.listings import signals  # noqa: F401  (the automatic proposal)

        register_source_link("listings.listingcase", "listings:cases:detail")
