from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "supervision.filings"
    label = "filings"
    verbose_name = _("Filings")

    def ready(self):
        from supervision.credit.services import register_source_link
        from supervision.filings.verification import verification_record_submitted
        from supervision.inspections.models import Inspection
        from supervision.inspections.services import record_submitted

        # The credit ledger links a broken commitment's event to its page.
        register_source_link("filings.commitmentbreach", "filings:breaches:detail")
        # A submitted filing-verification record: each broken commitment item is recorded.
        record_submitted.connect(verification_record_submitted, sender=Inspection,
                                 dispatch_uid="filings-verification-submitted")
