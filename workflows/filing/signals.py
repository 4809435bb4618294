"""Where filing processes start and move on, without the domain knowing the flow exists.

- A first submission (services.submit_filing) starts the process; a resubmission after a return
  completes the institution's "complete and resubmit" step, and the office checks again.
- Broken commitment items come with a rectification notice (filings.verification): its
  rectification process starts here.
"""

from supervision.filings.models import CommitmentBreach, Filing, FilingState
from supervision.filings.services import filing_submitted
from supervision.filings.verification import commitment_broken


def on_submitted(sender, filing, resubmitted, **kwargs):
    from workflows.filing.flows import resubmitted as move_on
    from workflows.filing.flows import start_process

    if not Filing.objects.filter(pk=filing.pk, state=FilingState.SUBMITTED).exists():
        return  # decided within the same transaction (the demo's seed): nothing left to check
    if Filing.objects.filter(pk=filing.pk, process__isnull=True).exists():
        start_process(filing)
    elif resubmitted:
        move_on(filing)


def on_commitment_broken(sender, notice, **kwargs):
    from workflows.rectification.flows import start_process

    if notice is not None and not hasattr(notice, "process"):
        start_process(notice)


def connect():
    filing_submitted.connect(on_submitted, sender=Filing, dispatch_uid="filing-submitted")
    commitment_broken.connect(on_commitment_broken, sender=CommitmentBreach, dispatch_uid="filing-commitment-broken")
