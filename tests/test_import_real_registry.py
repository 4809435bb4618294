"""A real open-data registry: English headers, no credit codes, phones as written, Excel's numbers,
a supervising district other than the location, unknown columns. One dry run lists every problem
once; the corrected file commits with nothing lost."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import Workbook

from supervision.core.models import Region, RegionLevel
from supervision.registry import imports
from supervision.registry.models import ColumnMapping, ImportJob, ImportKind, ImportStatus, Institution, Ownership

HEADERS = ["name", "district", "street", "address", "type", "legal_person", "phone", "beds", "lng", "lat",
           "since", "zipcode", "supervising_district", "uscc", "remark"]


def registry_row(n, **overrides):
    values = {
        "name": f"开放数据养老院{n}", "district": "东湖区", "street": "湖滨街道", "address": f"开放路{n}号",
        "type": "养老机构", "legal_person": "张三", "phone": "13800000000", "beds": 50, "lng": 114.3, "lat": 30.5,
        "since": "2015-06-01", "zipcode": "430000", "supervising_district": "", "uscc": None, "remark": "备注",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def jiangwan(world):
    return Region.objects.create(code="990102002", name="江湾镇", level=RegionLevel.STREET, parent=world.district_y)


def dry_run(user, data, name="open-data.xlsx"):
    job = ImportJob.objects.create(
        kind=ImportKind.INSTITUTIONS, file=ContentFile(data, name=name), original_name=name, created_by=user,
        jurisdiction=imports.jurisdiction_for_import(user), language="en",
    )
    imports.run_import_job(job.pk, False)
    job.refresh_from_db()
    return job


def commit(job):
    imports.run_import_job(job.pk, True)
    job.refresh_from_db()
    return job


def problems(job):
    return [(p["row"], p["column"], p["message"]) for p in job.errors]


def test_one_dry_run_lists_every_problem_of_a_real_registry_once(world, jiangwan):
    rows = [
        registry_row(1, phone="（021）6543 2100转8001、138-0000-0000"),                      # row 2: fine
        registry_row(2, uscc=9.13101e17, phone="abc", beds=-1, since="2015-13-45"),          # row 3: four problems
        registry_row(3, district="西山区", street="江湾镇街道"),                               # row 4: a near name
        registry_row(4, zipcode="43000", lat=None),                                          # row 5: two problems
    ]
    job = dry_run(world.admin, workbook(rows))
    assert job.status == ImportStatus.INVALID
    found = problems(job)
    assert len(found) == len(set(found)) == 7, found
    by_cell = {(row, column): message for row, column, message in found}
    assert "dropped its last digits" in by_cell[(3, "uscc")] and "check character" not in by_cell[(3, "uscc")]
    assert "“abc” is not a telephone number" in by_cell[(3, "phone")]
    assert by_cell[(3, "beds")] == "Cannot be negative."
    assert "not a date" in by_cell[(3, "since")]
    assert "did you mean “江湾镇”" in by_cell[(4, "street")]
    assert "six digits" in by_cell[(5, "zipcode")]
    assert "both latitude and longitude" in by_cell[(5, "lat")]
    assert not Region.objects.filter(name="江湾镇街道").exists()  # never created by an import


def test_the_corrected_registry_commits_with_nothing_lost(world, jiangwan):
    rows = [
        registry_row(1, phone="（021）6543 2100转8001、138-0000-0000"),
        registry_row(2, phone="(021)65432100, 021-65432101 * 12", name="颐康养老服务有限公司"),
        registry_row(3, district="西山区", street="江湾镇", supervising_district="东湖区", beds=80.0),
        registry_row(4, uscc=913101000000000000, phone="65432100 / 13900000000"),  # a code typed as a number
    ]
    rows[3][HEADERS.index("uscc")] = None  # no code at all for this one either
    job = dry_run(world.head_x, workbook(rows))
    assert job.status == ImportStatus.VALIDATED, job.errors
    assert any("remark" in note for note in job.notes)  # the unknown column is said, not dropped silently
    assert any("4 rows have no credit code" in note for note in job.notes)
    assert any("3 rows do not say whether they are for profit" in note for note in job.notes)
    assert any("name contains 有限公司" in note and "Rows: 3." in note for note in job.notes)
    assert any("4 rows do not give the ownership" in note for note in job.notes)
    job = commit(job)
    assert job.status == ImportStatus.DONE and job.created_count == 4

    first = Institution.objects.get(name="开放数据养老院1")
    assert first.contact_phone == "（021）6543 2100转8001、138-0000-0000"  # shown as entered
    assert first.phone_numbers == "021-65432100-8001, 13800000000"  # stored normalised
    assert (str(first.longitude), str(first.latitude), first.founded_on.isoformat(), first.postcode) == (
        "114.300000", "30.500000", "2015-06-01", "430000")
    assert first.credit_code == "" and first.credit_code_pending_reason and first.ownership == Ownership.UNRECORDED
    company = Institution.objects.get(name="颐康养老服务有限公司")
    assert company.for_profit and company.phone_numbers == "021-65432100, 021-65432101-12"
    across = Institution.objects.get(name="开放数据养老院3")
    assert (across.region, across.supervising_district, across.beds) == (jiangwan, world.district_x, 80)


def test_a_supervising_district_outside_the_jurisdiction_is_refused_and_a_location_outside_is_not(world, jiangwan):
    rows = [
        registry_row(1, district="西山区", street="江湾镇", supervising_district="东湖区"),
        registry_row(2, district="东湖区", street="湖滨街道", supervising_district="西山区"),
    ]
    job = dry_run(world.head_x, workbook(rows))
    assert [(row, column) for row, column, _m in problems(job)] == [(3, "supervising_district")]
    assert "outside your jurisdiction" in job.errors[0]["message"]


def test_an_ignored_column_is_reported_in_the_dry_run(world):
    job = dry_run(world.head_x, workbook([registry_row(1)]))
    ignored = [c for c in job.columns if c["key"] is None]
    assert [(c["header"], c["how"]) for c in ignored] == [("remark", "unknown")]
    assert {c["header"]: c["key"] for c in job.columns}["phone"] == "contact_phone"


def test_the_clerk_maps_a_column_and_the_mapping_is_remembered_for_the_next_file_of_that_shape(client, world):
    client.force_login(world.head_x)
    job = dry_run(world.head_x, workbook([registry_row(1)]))
    position = next(c["position"] for c in job.columns if c["header"] == "remark")
    page = client.get(reverse("libraries:import_job", args=[job.pk])).content.decode()
    assert f'name="column-{position}"' in page
    response = client.post(reverse("libraries:import_job_columns", args=[job.pk]), {f"column-{position}": "contact_person"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED, job.errors  # checked again at once (eager background work)
    assert {c["header"]: (c["key"], c["how"]) for c in job.columns}["remark"] == ("contact_person", "mapped")
    assert ColumnMapping.objects.filter(kind="institutions", headers_signature=job.headers_signature).exists()

    later = dry_run(world.head_x, workbook([registry_row(2, remark="王经理")]))
    assert {c["header"]: c["key"] for c in later.columns}["remark"] == "contact_person"
    commit(later)
    assert Institution.objects.get(name="开放数据养老院2").contact_person == "王经理"


def test_remapping_a_job_being_committed_does_nothing(world):
    job = dry_run(world.head_x, workbook([registry_row(1)]))
    assert imports.request_commit(job.pk)
    assert not imports.remap(job.pk, world.head_x, {"remark": "contact_person"})


def test_a_cell_over_128_kib_is_reported_with_its_row_and_column(world):
    import csv

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADERS[:12])
    writer.writerow([str(v) for v in registry_row(1)[:12]])
    huge = registry_row(2)[:12]
    huge[HEADERS.index("address")] = "长" * 140_000
    writer.writerow([str(v) for v in huge])
    job = dry_run(world.admin, text.getvalue().encode("utf-8"), name="big.csv")
    assert job.status == ImportStatus.INVALID, job.failure
    assert [(p["row"], p["column"]) for p in job.errors] == [(3, "address")]
    assert "140000 characters" in job.errors[0]["message"] and len(job.errors[0]["value"]) < 300


def test_a_missing_required_column_does_not_hide_the_problems_of_the_rows(world):
    headers = [h for h in HEADERS if h != "legal_person"]
    row = [v for h, v in zip(HEADERS, registry_row(1, phone="12345"), strict=True) if h != "legal_person"]
    job = dry_run(world.admin, workbook([row], headers=headers))
    assert [(p["row"], p["column"]) for p in job.errors] == [(1, "法定代表人"), (2, "phone")]
