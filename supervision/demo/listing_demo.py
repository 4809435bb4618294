"""A demo listing case in 东湖区: operator02's institution, proposed on ground 7, reviewed and notified,
through its listing process (workflows/listing): the review and the prior notice are its tasks, done
by the people whose tasks they are.

The demo walks on from there: operator02 opens the case (the read receipt starts the
representation period) and states its case or waives it in writing; inspector_donghu1 verifies
the answer; head_donghu decides once the period is over (or at once after a waiver), which
publishes the entry and sends the joint-punishment notices to the district's partner departments.
Idempotent: nothing is added once the institution has a case.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

PROPOSER, REVIEWER, OPERATOR = "inspector_donghu1", "head_donghu", "operator02"
# A small PDF, shaped as the upload check expects (header and end marker).
EVIDENCE = b"%PDF-1.4\n% demo evidence: inspection record extract\ntrailer\n<<>>\n%%EOF\n"


def seed_listing_case() -> int:
    """Create the demo case if it is missing; return how many cases were created."""
    from django.contrib.auth.models import User

    from supervision.listings import services
    from supervision.listings.models import ListingCase
    from supervision.registry.models import InstitutionAccount
    from workflows.listing.flows import ListingsFlow, start_process

    users = {u.username: u for u in User.objects.filter(username__in=[PROPOSER, REVIEWER])}
    account = InstitutionAccount.objects.select_related("institution").filter(user__username=OPERATOR).first()
    if account is None or len(users) != 2:
        return 0  # not the demo city
    institution = account.institution
    if ListingCase.objects.filter(institution=institution).exists():
        return 0
    with transaction.atomic():
        case = services.propose(
            users[PROPOSER], institution, list_kind="blacklist", ground="7",
            facts="检查中拒不提供消防设施维护保养记录，并提交伪造的夜间值班记录。",
            evidence=[SimpleUploadedFile("检查记录摘录.pdf", EVIDENCE, content_type="application/pdf")],
        )
        # The commit starts the process (workflows/listing/signals.py); started here when the seed
        # runs inside an outer transaction (a test), where that commit does not come.
        start_process(case)
        _do(case, ListingsFlow.review, users[REVIEWER],
            lambda: services.review_proposal(users[REVIEWER], case, agree=True, note="证据确实充分，同意提请。"))
        _do(case, ListingsFlow.issue_notice, users[PROPOSER],
            lambda: services.issue_prior_notice(users[PROPOSER], case))
    return 1


def _do(case, node, user, work):
    from workflows.base import do_task
    from workflows.listing.flows import open_tasks

    do_task(open_tasks(case, node).get(), user, work)
