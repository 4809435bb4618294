"""Template context shared by every page."""

from supervision.core import calendar


def calendar_warnings(request):
    """`calendar_warnings`: holiday schedules still to enter, for administrators only.

    Enable with "supervision.core.context_processors.calendar_warnings" in
    TEMPLATES[0]["OPTIONS"]["context_processors"].
    """
    user = getattr(request, "user", None)
    if user is None or not calendar.is_calendar_administrator(user):
        return {}
    return {"calendar_warnings": calendar.calendar_warnings()}
