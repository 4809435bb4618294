"""Bulk import jobs (批量导入) of institutions and inspectors from CSV or XLSX.

An upload becomes an ImportJob. A dry run reads the file, checks every row and stores
a report of every problem as (row as the spreadsheet shows it, column header as in the
file, value, message). A job without problems can be committed: the rows are checked
again and written in one transaction, so a commit is all-or-nothing, and a conditional
status update makes committing twice harmless.

This module runs jobs. Reading and column mapping are in supervision.core.importing; what
each kind checks and writes is in registry.institution_import and staff.inspector_import.
"""

import datetime
import io
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.audit import acting_as
from supervision.core.importing.columns import headers_signature
from supervision.core.importing.problems import ImportFileError, Problem
from supervision.core.importing.reading import read_table
from supervision.core.models import Region
from supervision.registry.access import can_edit_institutions
from supervision.registry.institution_import import INSTITUTION_COLUMNS, check_institutions, write_institutions
from supervision.registry.models import ColumnMapping, ImportJob, ImportKind, ImportStatus
from supervision.staff.access import actor_for
from supervision.staff.inspector_import import (
    INSPECTOR_COLUMNS,
    check_inspectors,
    may_import_inspectors,
    write_inspectors,
)

logger = logging.getLogger(__name__)

MAX_PROBLEMS = 5000  # a report longer than this is cut, with a note saying how much was left out


# --- who may import ---------------------------------------------------------------------


def may_import(user, kind: str) -> bool:
    """Institutions: whoever keeps the target library. Inspectors: department heads and administrators."""
    if kind == ImportKind.INSTITUTIONS:
        return can_edit_institutions(user)
    return may_import_inspectors(user)


def jurisdiction_for_import(user) -> Region | None:
    """The region an import is checked against; None for administrators (everywhere)."""
    actor = actor_for(user)
    if actor.is_admin:
        return None
    if actor.jurisdiction is None:
        raise PermissionDenied  # never let "no jurisdiction" pass for "everywhere"
    return actor.jurisdiction


# --- running a job ----------------------------------------------------------------------


def _progress_key(job_pk: int) -> str:
    return f"libraries:import-progress:{job_pk}"


def live_progress(job: ImportJob) -> int:
    """Rows processed so far. A commit runs in one transaction, so while it runs the figure
    lives in the cache (the database row is not visible to other connections until the end)."""
    if job.is_active:
        published = cache.get(_progress_key(job.pk))
        if published is not None:
            return published
    return job.processed_rows


def _reporter(job: ImportJob) -> Callable[[int], None]:
    def report(processed: int) -> None:
        job.processed_rows = processed
        cache.set(_progress_key(job.pk), processed, 3600)
        if not transaction.get_connection().in_atomic_block:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)

    return report


def _claim(job_pk: int, expected: str, new: str) -> bool:
    """Move the job on only if it is still where we expect: the guard against running twice."""
    return ImportJob.objects.filter(pk=job_pk, status=expected).update(status=new, processed_rows=0) == 1


def _finish(job: ImportJob, status: str, **fields) -> None:
    cache.delete(_progress_key(job.pk))
    for name, value in fields.items():
        setattr(job, name, value)
    job.status, job.finished = status, clock.now()
    job.save(update_fields=["status", "finished", *fields])


def _report(problems: list[Problem]) -> list[dict]:
    ordered = sorted(problems, key=lambda p: (p.row or 0, p.position))
    report = [p.as_dict() for p in ordered[:MAX_PROBLEMS]]
    if len(ordered) > MAX_PROBLEMS:
        report.append(Problem(None, "", "", _("… and %(count)d more problems not listed.")
                              % {"count": len(ordered) - MAX_PROBLEMS}).as_dict())
    return report


def _check(job: ImportJob, progress: Callable[[int], None]):
    """Read and check the job's file: (problems, records ready to write). Sets job.columns and
    job.notes (what became of each column, the defaults applied) for the dry run to store."""
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        table = read_table(data)
    except ImportFileError as error:
        return error.problems, []
    job.total_rows = len(table.rows)
    job.headers_signature = headers_signature(table.headers)
    if job.mapping is None:
        job.mapping = remembered_mapping(job.kind, job.headers_signature)
    job.save(update_fields=["total_rows", "headers_signature", "mapping"])
    if not table.rows:
        return [Problem(None, "", "", _("The file has headers but no data rows."))], []
    try:
        if job.kind == ImportKind.INSTITUTIONS:
            problems, records, report = check_institutions(table, job.jurisdiction, progress, job.mapping)
            job.columns, job.notes = report["columns"], report["notes"]
            return problems, records
        return check_inspectors(table, job.jurisdiction, job.created_by, progress)
    except ImportFileError as error:
        return error.problems, []


# --- column mapping ---------------------------------------------------------------------


def remembered_mapping(kind: str, signature: str) -> dict | None:
    """The mapping last chosen for a file of this shape, if any."""
    found = ColumnMapping.objects.filter(kind=kind, headers_signature=signature).values_list("mapping", flat=True)
    return next(iter(found), None)


def remap(job_pk: int, user, mapping: dict[str, str]) -> bool:
    """The clerk's choice of field for each header (key "" = ignore): remembered for files of the
    same shape, and the job checked again with it. False if the job is not (or no longer) waiting
    for a decision: being checked, committing or done."""
    job = ImportJob.objects.get(pk=job_pk)
    fields = {c.key for c in COLUMNS[job.kind]}
    mapping = {str(header): (key if key in fields else "") for header, key in mapping.items()}
    with transaction.atomic():
        moved = ImportJob.objects.filter(
            pk=job_pk, status__in=[ImportStatus.VALIDATED, ImportStatus.INVALID]
        ).update(status=ImportStatus.UPLOADED, mapping=mapping, processed_rows=0, errors=[], notes=[])
        if not moved:
            return False
        ColumnMapping.objects.update_or_create(
            kind=job.kind, headers_signature=job.headers_signature,
            defaults={"mapping": mapping, "updated_by": user},
        )
    return True


WRITERS = {ImportKind.INSTITUTIONS: write_institutions, ImportKind.INSPECTORS: write_inspectors}


class _NoLongerValid(Exception):
    def __init__(self, problems):
        super().__init__()
        self.problems = problems


def _load(job_pk: int) -> ImportJob:
    return ImportJob.objects.select_related("created_by", "jurisdiction").get(pk=job_pk)


def check_job(job_pk: int) -> None:
    """The dry run: check every row and store the report; writes nothing else."""
    if not (_claim(job_pk, ImportStatus.UPLOADED, ImportStatus.VALIDATING)
            or _claim(job_pk, ImportStatus.VALIDATING, ImportStatus.VALIDATING)):
        return
    job = _load(job_pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            problems, _records = _check(job, _reporter(job))
        except Exception as error:
            logger.exception("Checking import job %s failed", job_pk)
            failure = _("The check stopped with an error: %(error)s") % {"error": error}
            _finish(job, ImportStatus.FAILED, failure=failure)
            return
        status = ImportStatus.INVALID if problems else ImportStatus.VALIDATED
        _finish(job, status, errors=_report(problems), processed_rows=job.total_rows,
                columns=job.columns, notes=job.notes)


def request_commit(job_pk: int) -> bool:
    """Mark a checked job for committing; False if it is not (or no longer) waiting for that.

    The page calls this before queueing the commit, so a second click queues nothing and the
    page shows "importing" at once.
    """
    return _claim(job_pk, ImportStatus.VALIDATED, ImportStatus.COMMITTING)


def commit_job(job_pk: int) -> None:
    """Check again and write every row in one transaction, together with the job's new status.

    Idempotent: the job row is locked and must still say "committing", so a second call, a
    double click or a redelivered task finds nothing to do once the rows are in. A worker that
    dies midway leaves the job "committing" with nothing written, and a redelivery completes it.
    """
    request_commit(job_pk)  # when called directly rather than from the page
    job = _load(job_pk)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            with acting_as(job.created_by), transaction.atomic():
                locked = ImportJob.objects.select_for_update().only("status").get(pk=job_pk)
                if locked.status != ImportStatus.COMMITTING:
                    return
                problems, records = _check(job, lambda done: None)
                if problems:
                    raise _NoLongerValid(problems)  # something changed since the dry run
                created = WRITERS[job.kind](records, _reporter(job))
                _finish(job, ImportStatus.DONE, created_count=created, processed_rows=created)
        except _NoLongerValid as stale:
            _finish(job, ImportStatus.INVALID, errors=_report(stale.problems), processed_rows=0)
        except IntegrityError:
            logger.warning("Import job %s met a duplicate while writing", job_pk, exc_info=True)
            _finish(job, ImportStatus.FAILED, processed_rows=0, failure=_(
                "Nothing was imported: while writing, a row turned out to duplicate a record that was "
                "added meanwhile (for example by another import). Check the file again and retry."
            ))
        except Exception as error:
            logger.exception("Committing import job %s failed", job_pk)
            _finish(job, ImportStatus.FAILED, processed_rows=0,
                    failure=_("Nothing was imported; the import stopped with an error: %(error)s") % {"error": error})


def fail_stale_jobs(max_age_minutes: int = 60) -> int:
    """Jobs left checking or importing by a worker that died (or a restarted demo server) are
    marked failed, so their page stops waiting and the user knows to upload again. A commit
    writes in one transaction, so a stale commit wrote nothing."""
    cutoff = clock.now() - datetime.timedelta(minutes=max_age_minutes)
    stale = ImportJob.objects.filter(
        status__in=[ImportStatus.VALIDATING, ImportStatus.COMMITTING], created__lt=cutoff
    )
    failed = 0
    for job in stale:
        with translation.override(job.language or settings.LANGUAGE_CODE):
            message = _("The import was interrupted before it finished; nothing was written. "
                        "Please upload the file again.")
        # Conditional, so a job that finished meanwhile keeps its result.
        failed += ImportJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ImportStatus.FAILED, finished=clock.now(), failure=message
        )
    return failed


def run_import_job(job_pk: int, commit: bool = False) -> None:
    """Background entry point (supervision.core.background.enqueue)."""
    if commit:
        commit_job(job_pk)
    else:
        check_job(job_pk)


# --- blank template ---------------------------------------------------------------------

COLUMNS = {ImportKind.INSTITUTIONS: INSTITUTION_COLUMNS, ImportKind.INSPECTORS: INSPECTOR_COLUMNS}


def blank_template(kind: str) -> bytes:
    """An XLSX with the Chinese headers on the first sheet and notes on the second."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = COLUMNS[kind]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(ImportKind(kind).label)[:31]
    sheet.append([c.headers[0] for c in columns])
    for cell, column in zip(sheet[1], columns, strict=True):
        cell.font = Font(bold=column.required)
        sheet.column_dimensions[cell.column_letter].width = max(12, 3 * len(column.headers[0]))
    notes = workbook.create_sheet(_("Notes")[:31])
    notes.append([_("Column"), _("Required"), _("Also accepted as header"), _("Accepted values")])
    for column in columns:
        notes.append([column.headers[0], _("yes") if column.required else _("no"),
                      ", ".join(column.headers[1:]), "、".join(column.values)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
