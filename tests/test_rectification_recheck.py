"""The re-check: a failure goes back to the institution with a new deadline; an escalation ends
the process; only the inspection team re-checks, and only a submitted report."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.rectification import services
from supervision.rectification.models import EventKind
from tests.url_rules_rectification import finding, inspection, issue, open_task, recheck_via_task, submit_via_task

pytestmark = pytest.mark.django_db


def test_a_failed_recheck_returns_the_task_to_the_institution_with_a_new_deadline(world):
    notice = issue(world, [finding(inspection(world), "G")])
    submit_via_task(world, notice)
    recheck_via_task(world, notice, "failed", reasons="仍有杂物")
    notice.refresh_from_db()
    recheck = notice.rechecks.get()
    assert recheck.new_deadline == notice.deadline
    assert open_task(notice, "submit_report")
    assert notice.events.filter(kind=EventKind.RECHECK_FAILED).exists()


def test_a_failure_needs_reasons_and_a_deadline_within_the_rule(world):
    notice = issue(world, [finding(inspection(world), "G")])
    submit_via_task(world, notice)
    with pytest.raises(ValidationError):
        services.record_recheck(world.inspector_x, notice, outcome="failed", reasons="")
    with pytest.raises(ValidationError):
        services.record_recheck(world.inspector_x, notice, outcome="failed", reasons="x", working_days=99)


def test_an_escalation_ends_the_process_and_the_notice(world):
    notice = issue(world, [finding(inspection(world), "G")])
    submit_via_task(world, notice)
    recheck_via_task(world, notice, "escalated", reasons="拒不整改")
    notice.refresh_from_db()
    assert notice.status == "escalated"
    assert notice.process.status == "DONE"


def test_nothing_to_recheck_before_a_report(world):
    notice = issue(world, [finding(inspection(world), "G")], today=dt.date(2026, 11, 23))
    with pytest.raises(ValidationError):
        services.record_recheck(world.inspector_x, notice, outcome="passed")
    with pytest.raises(PermissionDenied):
        services.record_recheck(world.head_x, notice, outcome="passed")


def test_an_unknown_recheck_method_is_refused(world):
    notice = issue(world, [finding(inspection(world), "G")])
    submit_via_task(world, notice)
    with pytest.raises(ValidationError):
        services.record_recheck(world.inspector_x, notice, outcome="passed", method="by_telepathy")
    assert not notice.rechecks.exists()
