from django.apps import AppConfig


class ListingFlowConfig(AppConfig):
    name = "workflows.listing"
    label = "listing_flow"

    def ready(self):
        from supervision.listings.views import register_step_page
        from workflows.listing import signals
        from workflows.listing.flows import step_page

        signals.connect()
        register_step_page(step_page)
