"""The credit ledger: appended by the services that record the facts, never edited, scoped.

A finding, a re-check that fails, an overdue or late rectification each append their event in
the same transaction, linked to its source; the institution is re-scored at once.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from supervision.credit import services
from supervision.credit.models import CreditEvent, CreditEventKind, CreditStanding
from supervision.rectification import services as rectification
from tests.url_rules_rectification import answer_and_submit, finding, inspection, issue

pytestmark = pytest.mark.django_db
K = CreditEventKind
DAY = dt.date(2026, 11, 23)


@pytest.fixture
def on_day(time_machine):
    import zoneinfo

    time_machine.move_to(dt.datetime(2026, 11, 23, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")), tick=False)


def _event(world, kind=K.COMMENDATION, **kwargs):
    return services.record_event(world.inspector_x, institution=world.inst_p, kind=kind, decided_on=DAY, **kwargs)


def test_an_official_records_an_event_for_an_institution_in_the_jurisdiction(world, on_day):
    event = _event(world, note="市级表彰")
    assert (event.department, event.recorded_by, event.breach_class) == (world.civil_x, world.inspector_x, "general")
    standing = CreditStanding.objects.get(institution=world.inst_p, code="default")
    assert (standing.score, standing.grade) == (85, "B")
    world.inst_p.refresh_from_db()
    assert world.inst_p.credit_class == "B"


def test_an_event_for_an_institution_outside_the_jurisdiction_is_refused(world, on_day):
    with pytest.raises(PermissionDenied):
        services.record_event(world.inspector_x, institution=world.inst_q, kind=K.COMMENDATION, decided_on=DAY)
    with pytest.raises(PermissionDenied):
        services.record_event(world.operator_p, institution=world.inst_p, kind=K.COMMENDATION, decided_on=DAY)
    assert not CreditEvent.objects.exists()


def test_an_event_in_the_future_or_without_its_cell_is_refused_with_the_field(world, on_day):
    with pytest.raises(ValidationError) as future:
        services.record_event(world.inspector_x, institution=world.inst_p, kind=K.PENALTY,
                              decided_on=DAY + dt.timedelta(days=1))
    assert "decided_on" in future.value.message_dict
    with pytest.raises(ValidationError) as no_cell:
        _event(world, kind=K.FINDING)
    assert "cell" in no_cell.value.message_dict


def test_a_retry_with_the_same_source_never_records_the_fact_twice(world, on_day):
    source = inspection(world)
    first = _event(world, kind=K.INSPECTION_REFUSED, source=source)
    again = _event(world, kind=K.INSPECTION_REFUSED, source=source)
    assert first.pk == again.pk
    assert CreditEvent.objects.count() == 1


def test_the_ledger_refuses_edits_and_deletes_in_django(world, on_day):
    event = _event(world)
    event.note = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CreditEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(TypeError):
        CreditEvent.objects.all().delete()


@pytest.mark.postgres
def test_the_database_refuses_edits_and_deletes_of_the_ledger(world, on_day):
    event = _event(world)
    for sql in ("UPDATE credit_creditevent SET note = 'x' WHERE id = %s", "DELETE FROM credit_creditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


def test_a_correction_is_a_new_event_that_reverses_the_old_one(world, on_day):
    event = _event(world, kind=K.PENALTY)
    assert CreditStanding.objects.get(institution=world.inst_p, code="default").score == 70
    correction = services.reverse_event(world.inspector_x, event, decided_on=DAY, note="决定撤销")
    assert correction.reverses == event and CreditEvent.objects.count() == 2
    assert CreditStanding.objects.get(institution=world.inst_p, code="default").score == 80
    with pytest.raises(ValidationError):
        services.reverse_event(world.inspector_x, event, decided_on=DAY, note="again")
    with pytest.raises(ValidationError):
        services.reverse_event(world.inspector_x, event, decided_on=DAY, note=" ")


def test_each_finding_of_a_submitted_record_is_an_event_by_its_cell(world, on_day):
    from supervision.inspections import services as inspections

    insp = inspection(world)
    insp.status = "in_progress"
    insp.save()
    finding(insp, "J", title="消防通道堵塞")
    finding(insp, "D", title="台账缺失")
    from unittest import mock

    with mock.patch.object(inspections, "missing_signatures", return_value=[]), \
            mock.patch.object(inspections, "unanswered_items", return_value=[]), \
            mock.patch.object(inspections, "ensure_checklist"):
        inspections.submit_record(world.inspector_x, insp)
    events = CreditEvent.objects.filter(kind=K.FINDING).order_by("cell")
    assert [(e.cell, e.breach_class, e.source.inspection_id) for e in events] == [
        ("D", "general", insp.pk), ("J", "serious", insp.pk)]
    assert CreditStanding.objects.get(institution=world.inst_p, code="default").score == 80 - 1 - 8


def _notice(world):
    return issue(world, [finding(inspection(world), "G")], today=DAY, start=False)


def test_a_late_rectification_moves_the_score_by_the_rule_sets_points_with_a_link_to_the_notice(world, on_day):
    notice = _notice(world)
    assert rectification.mark_overdue(notice, today=notice.deadline + dt.timedelta(days=1))
    answer_and_submit(world, notice)
    rectification.record_recheck(world.inspector_x, notice, outcome="passed")
    rectification.close_rectification(world.head_x, notice)
    kinds = list(CreditEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds == [K.RECTIFICATION_OVERDUE, K.RECTIFIED_LATE]
    late = CreditEvent.objects.get(kind=K.RECTIFIED_LATE)
    rule_set, result = services.assess(world.inst_p.pk, on=notice.deadline + dt.timedelta(days=1))
    line = next(line for line in result.lines if line.event_id == late.pk)
    assert line.points == rule_set.as_rules().points_for(K.RECTIFIED_LATE, "") == -2
    assert services.source_link(late) == f"/rectification/notices/{notice.pk}/detail/"
    assert result.score == result.total() == 80 - 5 - 2


def test_a_rectification_closed_on_time_and_a_failed_recheck_are_recorded(world, on_day):
    notice = _notice(world)
    answer_and_submit(world, notice)
    rectification.record_recheck(world.inspector_x, notice, outcome="failed", reasons="未整改到位", today=DAY)
    answer_and_submit(world, notice)
    rectification.record_recheck(world.inspector_x, notice, outcome="passed")
    rectification.close_rectification(world.head_x, notice)
    assert list(CreditEvent.objects.order_by("pk").values_list("kind", flat=True)) == [
        K.RECHECK_FAILED, K.RECTIFIED_ON_TIME]
