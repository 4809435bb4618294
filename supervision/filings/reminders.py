"""Reminders before each filing deadline (in-app and email, via supervision.notifications).

- The institution, before its filing deadline (a draft or a returned filing not yet accepted).
- The verification team and the office's planners, before a verification is due.

Each reminder is sent once per deadline (FilingReminder keys), however often this runs: it is a
periodic task (supervision.core.background.PERIODIC), and a moved deadline is a new reminder.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.calendar import add_working_days
from supervision.filings.models import FilingKind, FilingReminder, FilingState, FilingVerification
from supervision.filings.services import checkers_of, filing_link, operators_of
from supervision.inspections.models import InspectionStatus
from supervision.notifications.services import notify


def _once(key: str) -> bool:
    """Claim the reminder ``key``; False if it was sent already."""
    try:
        with transaction.atomic():
            FilingReminder.objects.create(key=key)
    except IntegrityError:
        return False
    return True


def send_deadline_reminders(today=None) -> int:
    """Remind everyone whose deadline falls within FILING_REMINDER_WORKING_DAYS; return how many reminders."""
    from supervision.filings.models import Filing

    today = today or clock.today()
    horizon = add_working_days(today, settings.FILING_REMINDER_WORKING_DAYS).date
    sent = 0
    filings = Filing.objects.filter(kind=FilingKind.INITIAL, state__in=[FilingState.DRAFT, FilingState.RETURNED],
                                    deadline__gte=today, deadline__lte=horizon).select_related("institution")
    for filing in filings:
        if _once(f"filing-deadline:{filing.pk}:{filing.deadline.isoformat()}"):
            notify(operators_of(filing.institution), "filing_deadline",
                   _("File by %(date)s: the filing of %(name)s is not yet submitted.") % {
                       "date": filing.deadline.isoformat(), "name": filing.institution.name}, filing_link(filing))
            sent += 1
    verifications = (FilingVerification.objects.filter(due_on__gte=today, due_on__lte=horizon)
                     .exclude(inspection__status__in=[InspectionStatus.SUBMITTED, InspectionStatus.CANCELLED])
                     .select_related("institution", "inspection__department"))
    users = get_user_model().objects.filter(is_active=True)
    for verification in verifications:
        if _once(f"verification-due:{verification.pk}:{verification.due_on.isoformat()}"):
            team = users.filter(official__inspections=verification.inspection_id)
            notify([*team, *checkers_of(verification.inspection.department)], "verification_due",
                   _("The filing verification of %(name)s is due by %(date)s.") % {
                       "name": verification.institution.name, "date": verification.due_on.isoformat()},
                   reverse("filings:verifications:detail", args=[verification.pk]))
            sent += 1
    return sent
