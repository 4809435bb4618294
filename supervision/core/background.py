"""Background work: Celery in production, in-process in the embedded default.

``enqueue("supervision.registry.imports.run_import_job", job.pk)`` runs the function
through Celery when REDIS_URL is set, otherwise in a daemon thread of this process
(so a page can poll its progress), or at once when BACKGROUND_SYNC is on (tests).

Periodic work (timers, nightly recomputes) is declared once in PERIODIC; Celery beat
schedules it in production and ``manage.py run_background`` (started by ``make demo``)
runs it in the embedded default.
"""

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# name -> (interval in seconds, dotted path of a function taking no arguments)
PERIODIC: dict[str, tuple[int, str]] = {
    "workflow-timers": (30, "supervision.core.background.fire_workflow_timers"),
    "stale-import-jobs": (600, "supervision.registry.imports.fail_stale_jobs"),
    "rectification-provisional-deadlines": (3600, "supervision.rectification.services.refresh_provisional_deadlines"),
    "credit-full-recompute": (86400, "supervision.credit.services.recompute_all"),
    "filing-deadline-reminders": (3600, "supervision.filings.reminders.send_deadline_reminders"),
    "listing-publication-ends": (3600, "supervision.listings.services.end_expired_listings"),
    "listing-partner-reminders": (3600, "supervision.listings.services.chase_unacknowledged"),
}


def fire_workflow_timers() -> int:
    from viewflow.workflow.timers import fire_due_timers

    return fire_due_timers()


def run_now(path: str, *args):
    """Run a task function in this thread, with a fresh database connection state."""
    close_old_connections()
    try:
        return import_string(path)(*args)
    finally:
        close_old_connections()


def _run_in_thread(path, args):
    try:
        run_now(path, *args)
    except Exception:
        logger.exception("Background task %s%r failed", path, args)
    finally:
        connection.close()


def enqueue(path: str, *args) -> None:
    if getattr(settings, "BACKGROUND_SYNC", False):
        import_string(path)(*args)
    elif settings.BACKGROUND_INPROCESS:
        threading.Thread(target=_run_in_thread, args=(path, args), daemon=True, name=path).start()
    else:
        from supervision.core.tasks import run_task

        run_task.delay(path, list(args))


def run_periodic_forever(stop: threading.Event | None = None, tick: float = 5.0) -> None:
    """The embedded runner: call each periodic function when its interval has passed."""
    last_run: dict[str, float] = {}
    stop = stop or threading.Event()
    while not stop.is_set():
        now = time.monotonic()
        for name, (interval, path) in PERIODIC.items():
            if now - last_run.get(name, -interval) >= interval:
                last_run[name] = now
                try:
                    run_now(path)
                except Exception:
                    logger.exception("Periodic task %s failed", name)
        stop.wait(tick)
