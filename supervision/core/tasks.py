"""Celery entry points; the work itself lives in the domain apps' plain functions."""

from celery import shared_task

from supervision.core.background import run_now


@shared_task(name="supervision.core.tasks.run_task", acks_late=True)
def run_task(path: str, args: list):
    return run_now(path, *args)


@shared_task(name="supervision.core.tasks.run_periodic")
def run_periodic(path: str):
    return run_now(path)
