"""Importing institutions from CSV/XLSX: the dry run reports every problem precisely; commit is all or nothing."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError
from openpyxl import Workbook

from supervision.core.models import AuditEntry
from supervision.registry import imports, institution_import
from supervision.registry.models import ImportJob, ImportKind, ImportStatus, Institution, InstitutionKind, Ownership
from tests.factories import credit_code

HEADERS = [
    "统一社会信用代码", "机构名称", "所在区", "街道", "地址",
    "床位数", "举办性质", "机构类型", "营利性质", "法定代表人",
]


def row(serial, name=None, district="东湖区", street="湖滨街道", beds="60", code=None, address=None, kind="养老机构"):
    """A data row in HEADERS order; by default valid and unique to ``serial``."""
    return [
        code or credit_code("990101", 900000 + serial), name or f"导入养老院{serial}", district, street,
        address or f"湖滨路{serial}号", beds, "民建民营", kind, "非营利", "李四",
    ]


def csv_bytes(rows, headers=HEADERS, encoding="utf-8-sig"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def make_job(user, data, name="机构.csv"):
    return ImportJob.objects.create(
        kind=ImportKind.INSTITUTIONS, file=ContentFile(data, name=name), original_name=name, created_by=user,
        jurisdiction=imports.jurisdiction_for_import(user), language="en",
    )


def dry_run(user, data, name="机构.csv"):
    job = make_job(user, data, name)
    imports.run_import_job(job.pk, False)
    job.refresh_from_db()
    return job


def commit(job):
    imports.run_import_job(job.pk, True)
    job.refresh_from_db()
    return job


def problems_by_row(job):
    return {(p["row"], p["column"]): p for p in job.errors}


def test_a_gb18030_csv_is_checked_then_imported(world):
    job = dry_run(world.admin, csv_bytes([row(1), row(2, street="柳岸街道", beds="120.0")], encoding="gb18030"))
    assert job.status == ImportStatus.VALIDATED, job.errors
    assert (job.total_rows, job.processed_rows) == (2, 2)
    assert not Institution.objects.filter(name__startswith="导入养老院").exists()  # a dry run writes nothing

    job = commit(job)

    assert job.status == ImportStatus.DONE and job.created_count == 2
    second = Institution.objects.get(name="导入养老院2")
    assert (second.region, second.beds, second.kind, second.ownership, second.for_profit) == (
        world.street_x2, 120, InstitutionKind.RESIDENTIAL, Ownership.PRIVATE, False)


def test_an_xlsx_workbook_with_numeric_cells_is_imported(world):
    rows = [row(3, beds=45), row(4, beds=80.0)]
    job = commit(dry_run(world.admin, xlsx_bytes(rows), name="机构.xlsx"))
    assert job.status == ImportStatus.DONE, job.errors
    assert sorted(Institution.objects.filter(name__startswith="导入养老院").values_list("beds", flat=True)) == [45, 80]


def test_a_malformed_file_reports_each_problem_precisely_and_imports_nothing(world):
    good = row(10)
    bad_code = row(11)
    bad_code[0] = bad_code[0][:-1] + ("1" if bad_code[0][-1] != "1" else "2")
    rows = [
        good,                                     # row 2
        bad_code,                                 # row 3
        row(12, district="北海区"),                # row 4: no such district
        row(13, beds="-5"),                       # row 5
        row(14, beds="12.5"),                     # row 6
        row(15, street="松林街道"),                # row 7: a street of the other district
        row(16, kind="养生会所"),                 # row 8
        good,                                     # row 9: repeats row 2 entirely
        row(17, name="导入养老院10", address=good[4]),  # row 10: same name and address as row 2
    ]
    job = dry_run(world.admin, csv_bytes(rows))

    assert job.status == ImportStatus.INVALID
    found = problems_by_row(job)
    assert "check character" in found[(3, "统一社会信用代码")]["message"]
    assert found[(4, "所在区")]["value"] == "北海区"
    assert "no district or county called" in found[(4, "所在区")]["message"]
    assert found[(5, "床位数")]["message"] == "Cannot be negative."
    assert "whole number" in found[(6, "床位数")]["message"]
    assert "no street or township called “松林街道” in 东湖区" in found[(7, "街道")]["message"]
    assert "养老机构" in found[(8, "机构类型")]["message"]  # the accepted values are listed
    assert found[(9, "统一社会信用代码")]["message"] == "The same credit code as row 2."
    assert found[(9, "机构名称")]["message"] == "The same name and address as row 2."
    assert found[(10, "机构名称")]["message"] == "The same name and address as row 2."
    assert all(p["row"] != 2 for p in job.errors)
    assert commit(job).status == ImportStatus.INVALID  # an invalid job cannot be committed
    assert not Institution.objects.filter(name__startswith="导入养老院").exists()


def test_rows_already_in_the_library_name_the_existing_record(world):
    existing = world.inst_p
    rows = [row(20, code=existing.credit_code), row(21, name=existing.name, address=existing.address)]
    job = dry_run(world.admin, csv_bytes(rows))
    found = problems_by_row(job)
    assert existing.name in found[(2, "统一社会信用代码")]["message"]
    assert existing.credit_code in found[(3, "机构名称")]["message"]


def test_a_head_is_told_a_row_of_another_district_is_outside_the_jurisdiction(world):
    rows = [row(30), row(31, district="西山区", street="松林街道"), row(32, district="南湖区")]
    job = dry_run(world.head_x, csv_bytes(rows))
    found = problems_by_row(job)
    assert found[(3, "所在区")]["message"] == "“西山区” is outside your jurisdiction (东湖区)."
    assert "no district or county called" in found[(4, "所在区")]["message"]
    assert (2, "所在区") not in found


def test_a_duplicate_of_an_institution_outside_the_jurisdiction_does_not_reveal_it(world):
    job = dry_run(world.head_x, csv_bytes([row(33, code=world.inst_q.credit_code)]))
    message = problems_by_row(job)[(2, "统一社会信用代码")]["message"]
    assert "outside your jurisdiction" in message and world.inst_q.name not in message


def test_english_headers_with_spaces_and_full_width_spaces_are_understood(world):
    headers = ["Credit Code", "\u3000name ", "district", "street", "address", "beds（张）", "ownership", "kind",
               "for_profit", "legal_representative"]
    job = dry_run(world.admin, csv_bytes([row(40)], headers=headers))
    assert job.status == ImportStatus.VALIDATED, job.errors


def test_a_missing_required_column_is_named(world):
    headers = [h for h in HEADERS if h != "机构名称"]
    job = dry_run(world.admin, csv_bytes([row(41)[:1] + row(41)[2:]], headers=headers))
    assert job.status == ImportStatus.INVALID
    assert job.errors == [{"row": 1, "column": "机构名称", "value": "",
                           "message": "The required column “机构名称” is missing (also accepted: 名称, name)."}]


@pytest.mark.parametrize("data", [
    "统一社会信用代码,机构名称\n".encode("utf-16"),
    bytes(range(256)) * 4,
], ids=["utf-16", "random-bytes"])
def test_a_file_in_an_unknown_encoding_is_rejected_naming_the_encodings_tried(world, data):
    job = dry_run(world.admin, data)
    assert job.status == ImportStatus.INVALID
    assert len(job.errors) == 1 and job.errors[0]["row"] is None
    assert "UTF-8, GB18030" in job.errors[0]["message"]


def test_a_utf16_file_without_bom_is_rejected(world):
    job = dry_run(world.admin, ",".join(HEADERS).encode("utf-16-le"))
    assert job.status == ImportStatus.INVALID and "UTF-8, GB18030" in job.errors[0]["message"]


def test_a_text_whose_header_matches_no_column_says_so(world):
    job = dry_run(world.admin, b"foo,bar\n1,2\n")
    assert "none of the expected column headers" in job.errors[0]["message"]
    assert "UTF-8, GB18030" in job.errors[0]["message"]


def test_an_old_xls_workbook_is_rejected_by_its_content(world):
    job = dry_run(world.admin, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), name="机构.csv")
    assert ".xls" in job.errors[0]["message"]


def test_commit_is_all_or_nothing_when_the_database_refuses_a_row_midway(world, monkeypatch):
    rows = [row(50 + i) for i in range(5)]
    job = dry_run(world.admin, csv_bytes(rows))
    assert job.status == ImportStatus.VALIDATED
    before = Institution.objects.count()
    monkeypatch.setattr(institution_import, "BATCH_SIZE", 2)
    real_record_created = institution_import.record_created

    def record_then_conflict(batch):
        # After the first batch, someone registers row 5's code: the next INSERT breaks a constraint.
        real_record_created(batch)
        if not Institution.objects.filter(credit_code=rows[3][0]).exists():
            Institution.objects.create(
                credit_code=rows[3][0], name="抢先登记院", kind=InstitutionKind.RESIDENTIAL,
                ownership=Ownership.PRIVATE, address="别处1号", region=world.street_x1, legal_representative="王五",
            )

    monkeypatch.setattr(institution_import, "record_created", record_then_conflict)
    job = commit(job)

    assert job.status == ImportStatus.FAILED
    assert "Nothing was imported" in job.failure
    assert Institution.objects.count() == before
    assert not AuditEntry.objects.filter(object_repr__startswith="导入养老院").exists()


def test_commit_rechecks_and_refuses_rows_that_became_duplicates(world):
    rows = [row(60), row(61)]
    job = dry_run(world.admin, csv_bytes(rows))
    Institution.objects.create(
        credit_code=rows[1][0], name="后来者", kind=InstitutionKind.RESIDENTIAL, ownership=Ownership.PRIVATE,
        address="别处2号", region=world.street_x1, legal_representative="王五",
    )
    job = commit(job)
    assert job.status == ImportStatus.INVALID
    assert "already in the library" in problems_by_row(job)[(3, "统一社会信用代码")]["message"]
    assert not Institution.objects.filter(name__startswith="导入养老院").exists()


def test_committing_twice_creates_nothing_the_second_time(world):
    job = commit(dry_run(world.admin, csv_bytes([row(70), row(71)])))
    assert job.status == ImportStatus.DONE
    job = commit(job)
    assert job.status == ImportStatus.DONE and job.created_count == 2
    assert Institution.objects.filter(name__startswith="导入养老院").count() == 2


def test_a_redelivered_commit_after_success_does_nothing(world):
    job = commit(dry_run(world.admin, csv_bytes([row(72)])))
    ImportJob.objects.filter(pk=job.pk).update(created_count=99)  # to see whether anything is redone
    commit(job)
    job.refresh_from_db()
    assert job.created_count == 99 and Institution.objects.filter(name="导入养老院72").count() == 1


def test_a_commit_whose_worker_died_is_completed_when_the_task_is_delivered_again(world):
    job = dry_run(world.admin, csv_bytes([row(73)]))
    assert imports.request_commit(job.pk)  # queued, then the worker vanished before writing
    assert not imports.request_commit(job.pk)  # a second click queues nothing
    job = commit(job)
    assert job.status == ImportStatus.DONE and Institution.objects.filter(name="导入养老院73").exists()


def test_each_imported_institution_is_audited_as_created_by_the_importer(world):
    commit(dry_run(world.head_x, csv_bytes([row(80), row(81)])))
    imported = Institution.objects.filter(name__startswith="导入养老院")
    entries = AuditEntry.objects.filter(model="registry.Institution", object_pk__in=[str(i.pk) for i in imported])
    assert entries.count() == 2
    assert {(e.action, e.actor_id) for e in entries} == {("create", world.head_x.pk)}
    assert entries.first().after["region"] == world.street_x1.pk


def test_optional_columns_are_parsed(world):
    headers = HEADERS + ["建筑面积", "经度", "纬度", "备案状态", "运营状态", "联系人", "联系电话"]
    values = row(90) + ["1,234.56", "114.3", "30.5", "已备案", "筹建中", "赵六", "13800000000"]
    job = commit(dry_run(world.admin, csv_bytes([values], headers=headers)))
    assert job.status == ImportStatus.DONE, job.errors
    inst = Institution.objects.get(name="导入养老院90")
    assert (str(inst.floor_area), str(inst.longitude), inst.filing_status, inst.operating_status) == (
        "1234.6", "114.300000", "filed", "preparing")


def test_a_lone_latitude_is_reported(world):
    headers = HEADERS + ["纬度"]
    job = dry_run(world.admin, csv_bytes([row(91) + ["30.5"]], headers=headers))
    assert "both latitude and longitude" in job.errors[0]["message"]


def test_a_database_error_on_commit_is_reported_not_raised(world, monkeypatch):
    job = dry_run(world.admin, csv_bytes([row(92)]))

    def refuse(records, progress):
        raise OperationalError("disk says no")

    monkeypatch.setitem(imports.WRITERS, ImportKind.INSTITUTIONS, refuse)
    job = commit(job)
    assert job.status == ImportStatus.FAILED and "disk says no" in job.failure


def test_a_duplicate_added_meanwhile_is_explained_and_nothing_is_written(world, monkeypatch):
    job = dry_run(world.admin, csv_bytes([row(93)]))

    def collide(records, progress):
        imports.write_institutions(records, progress)
        raise IntegrityError("UNIQUE constraint failed: registry_institution.credit_code")

    monkeypatch.setitem(imports.WRITERS, ImportKind.INSTITUTIONS, collide)
    job = commit(job)
    assert job.status == ImportStatus.FAILED
    assert "duplicate" in job.failure and "UNIQUE" not in job.failure
    assert job.created_count == 0 and not Institution.objects.filter(name="导入养老院93").exists()
