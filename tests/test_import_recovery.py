"""An import whose worker died is retried or failed cleanly, never left waiting forever."""

import datetime

from django.utils import timezone

from supervision.registry import imports
from supervision.registry.models import ImportJob, ImportStatus
from tests.test_import_institutions import csv_bytes, make_job, row


def test_a_dry_run_interrupted_midway_runs_again_when_redelivered(world):
    job = make_job(world.admin, csv_bytes([row(71)]), "机构.csv")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.VALIDATING)
    imports.run_import_job(job.pk, False)
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED


def test_jobs_left_running_for_an_hour_are_failed_with_a_clear_message(world):
    stuck = make_job(world.admin, csv_bytes([row(72)]), "机构.csv")
    recent = make_job(world.admin, csv_bytes([row(73)]), "机构.csv")
    ImportJob.objects.filter(pk__in=[stuck.pk, recent.pk]).update(status=ImportStatus.COMMITTING, language="zh-hans")
    ImportJob.objects.filter(pk=stuck.pk).update(created=timezone.now() - datetime.timedelta(hours=2))
    assert imports.fail_stale_jobs() == 1
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ImportStatus.FAILED and "上传" in stuck.failure  # in the uploader's language
    assert recent.status == ImportStatus.COMMITTING
