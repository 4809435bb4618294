"""Where listing processes start and move on, without the domain knowing the flow exists.

- A case opened (services.propose, or the automatic ground-4 proposal from the rectification
  timer) starts its process once the transaction commits.
- The prior notice delivered (read on the account, or recorded as signed for on paper) moves the
  process past `delivery`: the institution's representation task opens with its deadline timer.
- A listing removed (publication over, or credit repaired) ends the process.
"""

from django.db import transaction

from supervision.listings.models import ListingCase
from supervision.listings.services import case_opened, case_removed, prior_notice_delivered


def on_case_opened(sender, case, **kwargs):
    from workflows.listing.flows import start_process

    transaction.on_commit(lambda: start_process(case))


def on_delivered(sender, case, **kwargs):
    from workflows.listing.flows import ListingsFlow, run_handle

    run_handle(case, ListingsFlow.delivery)


def on_removed(sender, case, **kwargs):
    from workflows.listing.flows import ListingsFlow, run_handle

    run_handle(case, ListingsFlow.in_publication)


def connect():
    case_opened.connect(on_case_opened, sender=ListingCase, dispatch_uid="listing-case-opened")
    prior_notice_delivered.connect(on_delivered, sender=ListingCase, dispatch_uid="listing-delivered")
    case_removed.connect(on_removed, sender=ListingCase, dispatch_uid="listing-removed")
