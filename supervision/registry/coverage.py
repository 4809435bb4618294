"""The once-a-year on-site rule (每年至少开展一次现场检查): an operating institution not visited on
site for more than 12 months is overdue for a visit. One definition, used by the institution list's
filter and by the heads' dashboard."""

import calendar
import datetime as dt

from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from supervision.core import clock

ON_SITE_INTERVAL_MONTHS = 12


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` earlier, or the month's last day (29 Feb a year back is 28 Feb)."""
    year, month0 = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def on_site_cutoff(today: dt.date | None = None) -> dt.datetime:
    """The moment before which the last on-site visit no longer counts (local midnight)."""
    day = months_before(today or clock.today(), ON_SITE_INTERVAL_MONTHS)
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def visited_q(today: dt.date | None = None) -> Q:
    """Institutions visited on site since the cutoff: an inspection finished on site, or its record
    submitted (records entered at the desk carry only the submission)."""
    inspection = apps.get_model("inspections", "Inspection")  # inspections depend on the registry
    cutoff = on_site_cutoff(today)
    visits = inspection.objects.filter(Q(finished_at__gte=cutoff) | Q(finished_at__isnull=True, submitted_at__gte=cutoff))
    return Q(pk__in=visits.values("institution_id"))
