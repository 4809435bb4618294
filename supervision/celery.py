"""Celery application for production (REDIS_URL set). Without Redis the same task
functions run in-process; see supervision.core.background."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")

app = Celery("supervision")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _periodic(sender, **kwargs):
    from supervision.core.background import PERIODIC

    for name, (seconds, task_path) in PERIODIC.items():
        sender.add_periodic_task(seconds, sender.signature("supervision.core.tasks.run_periodic", args=[task_path]), name=name)
