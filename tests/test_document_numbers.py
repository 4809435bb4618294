"""Document numbers (文号): per department, type and year; gapless; never shared under concurrency."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from supervision.core.models import Department, DocumentCounter, DocumentType
from supervision.core.numbering import IssuedNumber, next_document_number


@pytest.fixture
def rectification(db):
    return DocumentType.objects.create(code="rectification", name="责令整改通知书", abbr="整改")


def issue(department, code="rectification", year=2026) -> IssuedNumber:
    with transaction.atomic():
        return next_document_number(department, code, year)


def test_numbers_follow_on_and_read_like_an_official_document_number(world, rectification):
    issued = [issue(world.civil_city) for _ in range(17)]
    assert [i.n for i in issued] == list(range(1, 18))
    assert issued[-1] == IssuedNumber(text="示民整改〔2026〕17号", n=17, year=2026)
    assert issued[0].text == "示民整改〔2026〕1号"


def test_each_department_type_and_year_has_its_own_series(world, rectification):
    DocumentType.objects.create(code="penalty", name="行政处罚决定书", abbr="罚")
    assert issue(world.civil_x).text == "东民整改〔2026〕1号"
    assert issue(world.civil_x).text == "东民整改〔2026〕2号"
    assert issue(world.civil_y).text == "西民整改〔2026〕1号"
    assert issue(world.civil_x, "penalty").text == "东民罚〔2026〕1号"
    assert issue(world.civil_x, year=2027).text == "东民整改〔2027〕1号"
    assert issue(world.civil_x).n == 3
    assert DocumentCounter.objects.count() == 4


def test_the_year_defaults_to_this_year(world, rectification):
    with transaction.atomic():
        issued = next_document_number(world.civil_x, "rectification")
    assert issued.year == timezone.localdate().year and issued.n == 1


def test_a_rolled_back_document_gives_its_number_back(world, rectification):
    assert issue(world.civil_x).n == 1
    with pytest.raises(RuntimeError, match="saving the notice failed"), transaction.atomic():
        assert next_document_number(world.civil_x, "rectification", 2026).n == 2
        raise RuntimeError("saving the notice failed")
    assert issue(world.civil_x).n == 2


def test_numbering_outside_a_transaction_is_refused(world, rectification, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", False)  # as in autocommit
        with pytest.raises(RuntimeError, match="inside transaction.atomic"):
            next_document_number(world.civil_x, "rectification", 2026)
    assert not DocumentCounter.objects.exists()


def test_the_format_is_configurable_per_document_type(world):
    DocumentType.objects.create(
        code="inspection-record", name="检查记录", abbr="检", number_format="{dept}{abbr}字〔{year}〕第{n:03d}号"
    )
    assert issue(world.civil_city, "inspection-record").text == "示民检字〔2026〕第001号"


@pytest.mark.parametrize("number_format", ["{dept}{abbr}〔{year}〕{num}号", "{dept}〔{year}〕{n号", "{dept}〔{year}〕号"])
def test_a_broken_format_is_refused(db, number_format):
    doc_type = DocumentType(code="x", name="x", abbr="x", number_format=number_format)
    with pytest.raises(ValidationError) as raised:
        doc_type.full_clean()
    assert "number_format" in raised.value.message_dict


def test_an_unknown_document_type_is_an_error(world):
    with pytest.raises(DocumentType.DoesNotExist):
        issue(world.civil_x, "no-such-type")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_issuers_never_share_a_number_on_postgresql():
    """Two threads, each with its own connection, issue 20 numbers in lockstep from a series that
    does not exist yet (so the first round also races to create the counter row)."""
    from tests.factories import build_world

    department = build_world().civil_city
    DocumentType.objects.create(code="rectification", name="责令整改通知书", abbr="整改")
    threads, rounds = 2, 20
    barrier = threading.Barrier(threads)
    issued: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issuer():
        try:
            mine = Department.objects.get(pk=department.pk)
            for _ in range(rounds):
                barrier.wait(timeout=30)
                with transaction.atomic():
                    n = next_document_number(mine, "rectification", 2026).n
                    # Hold the lock a moment, as saving the document would.
                    DocumentCounter.objects.filter(department=mine).exists()
                with lock:
                    issued.append(n)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            barrier.abort()
        finally:
            connection.close()

    workers = [threading.Thread(target=issuer) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    assert sorted(issued) == list(range(1, threads * rounds + 1))
    assert DocumentCounter.objects.get(department=department, year=2026).last_number == threads * rounds
