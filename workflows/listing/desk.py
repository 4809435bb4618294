"""The desk application of the lists (supervision/desk.py): the listing process pages, the cases,
the proposal and institution pages and the partner departments' notices, all under /listings/.

Every list is filtered in SQL by the case's reach (supervision.listings.access), and every page
addressed by a process or task number first checks that the process is within reach (workflows.scoped).
"""


from supervision.listings.views import CaseViewset, listing_urlpatterns
from workflows.listing.flows import ListingsFlow
from workflows.scoped import ScopedFlowAppViewset


class ListingAppViewset(ScopedFlowAppViewset):
    summary_related = ("listingprocess__case__institution",)

    opens_on = "listings:cases:index"


APPLICATIONS: list = [
    ListingAppViewset(
        ListingsFlow,
        icon="gpp_bad",
        viewsets=[CaseViewset(app_name="cases")],
        urlpatterns=listing_urlpatterns(),
    ),
]
