"""`notify(users, kind, text, link)`: an in-app notification each, and an email to those with one.

Mail goes through Django's mail (the console backend by default, SMTP when EMAIL_HOST is set).
A mail failure never undoes the work that caused it: it is logged and the in-app row stays.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction

from supervision.notifications.models import Notification, NotificationKind

logger = logging.getLogger(__name__)


def _absolute(link: str) -> str:
    """The link as an address that works from a mail client: the configured SITE_URL, not a request's host."""
    base = settings.SITE_URL.rstrip("/")
    return f"{base}{link}" if base and link.startswith("/") else link


def notify(users: Iterable, kind: str, text: str, link: str = "") -> list[Notification]:
    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    rows = Notification.objects.bulk_create(
        [Notification(recipient=u, kind=kind, text=text[:500], link=link[:300]) for u in recipients.values()]
    )
    subject = subject_for(kind, text)
    messages = [
        (subject, f"{text}\n\n{_absolute(link)}".strip(), settings.DEFAULT_FROM_EMAIL, [u.email])
        for u in recipients.values()
        if u.email
    ]
    if messages:
        # After commit: no mail about work that was rolled back.
        transaction.on_commit(lambda: _send(messages))
    return rows


def subject_for(kind: str, text: str) -> str:
    """A fixed subject per kind; else the text's first line. Never a line break: one would make
    Django refuse the header and lose the whole batch."""
    if kind in NotificationKind.values:
        return str(NotificationKind(kind).label)
    first_line = " ".join((text.strip().splitlines() or [""])[0].split())
    return first_line[:120]


def _send(messages) -> None:
    try:
        send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("Could not send %d notification mail(s)", len(messages))


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
