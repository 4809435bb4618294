"""The import pages: who may upload, whose jobs one sees, the report, the commit button, progress polling."""

import csv
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from supervision.registry import imports
from supervision.registry.models import ImportJob, ImportStatus, Institution
from tests.factories import credit_code



@pytest.fixture(autouse=True)
def english(client, settings):
    """These tests read the English messages: choose English the way a user does."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
HEADERS = "统一社会信用代码,机构名称,所在区,街道,地址,床位数,举办性质,机构类型,法定代表人"


def institutions_csv(*lines):
    return "\n".join([HEADERS, *lines]).encode("utf-8-sig")


def line(serial, district="东湖区", street="湖滨街道"):
    code = credit_code("990101", 800000 + serial)
    return f"{code},页面导入院{serial},{district},{street},湖滨路{serial}号,30,公建民营,养老机构,李四"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, user, data, url_name="libraries:import_institutions", name="机构.csv"):
    client.force_login(user)
    handle = io.BytesIO(data)
    handle.name = name
    return client.post(reverse(url_name), {"file": handle})


def job_of(user):
    return ImportJob.objects.filter(created_by=user).latest("pk")


def test_anonymous_visitors_are_sent_to_the_login_page(client, world):
    job = ImportJob.objects.create(
        kind="institutions", file="imports/x.csv", original_name="x.csv", created_by=world.admin
    )
    for url in [
        reverse("libraries:import_institutions"), reverse("libraries:import_inspectors"),
        reverse("libraries:import_template", args=["institutions"]), reverse("libraries:import_job", args=[job.pk]),
        reverse("libraries:import_job_progress", args=[job.pk]), reverse("libraries:import_job_errors", args=[job.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


@pytest.mark.parametrize("persona", ["inspector_x", "operator_p", "fire_inspector_x"])
def test_inspectors_and_operators_cannot_import(client, world, persona):
    user = getattr(world, persona)
    client.force_login(user)
    for url_name in ("libraries:import_institutions", "libraries:import_inspectors"):
        assert client.get(reverse(url_name)).status_code == 403
    assert client.get(reverse("libraries:import_template", args=["institutions"])).status_code == 403
    assert upload(client, user, institutions_csv(line(1))).status_code == 403
    assert not ImportJob.objects.exists()


def test_only_heads_and_administrators_may_import_inspectors(client, world):
    for user, status in [(world.planner_x, 403), (world.head_x, 200), (world.admin, 200)]:
        client.force_login(user)
        assert client.get(reverse("libraries:import_inspectors")).status_code == status


def test_a_head_uploads_and_a_row_of_another_district_is_outside_the_jurisdiction(client, world):
    response = upload(client, world.head_x, institutions_csv(line(1), line(2, "西山区", "松林街道")))

    job = job_of(world.head_x)
    assert response.status_code == 302 and response["Location"] == reverse("libraries:import_job", args=[job.pk])
    assert job.status == ImportStatus.INVALID and job.jurisdiction == world.district_x
    assert job.errors == [{"row": 3, "column": "所在区", "value": "西山区",
                           "message": "“西山区” is outside your jurisdiction (东湖区)."}]
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "outside your jurisdiction" in page.text and "import-errors" in page.text
    assert reverse("libraries:import_job_commit", args=[job.pk]) not in page.text
    assert not Institution.objects.filter(name__startswith="页面导入院").exists()


def test_a_clean_upload_is_committed_from_the_job_page(client, world):
    upload(client, world.planner_x, institutions_csv(line(3), line(4)))
    job = job_of(world.planner_x)
    page = client.get(reverse("libraries:import_job", args=[job.pk]))
    commit_url = reverse("libraries:import_job_commit", args=[job.pk])
    assert commit_url in page.text

    response = client.post(commit_url)

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 2
    assert Institution.objects.filter(name__startswith="页面导入院").count() == 2
    client.post(commit_url)  # a second click changes nothing
    assert Institution.objects.filter(name__startswith="页面导入院").count() == 2
    page = client.get(reverse("libraries:import_job", args=[job.pk]))
    assert "2 records were created." in page.text and commit_url not in page.text


def test_a_failed_commit_shows_why_on_the_job_page(client, world):
    upload(client, world.planner_x, institutions_csv(line(14)))
    job = job_of(world.planner_x)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, failure="Nothing was imported; disk full")
    page = client.get(reverse("libraries:import_job", args=[job.pk]))
    assert "Nothing was imported; disk full" in page.text and 'data-active="false"' in page.text


def test_another_users_job_is_not_found(client, world):
    upload(client, world.head_x, institutions_csv(line(5)))
    job = job_of(world.head_x)
    client.force_login(world.planner_x)
    for name in ("import_job", "import_job_progress", "import_job_errors"):
        assert client.get(reverse(f"libraries:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("libraries:import_job_commit", args=[job.pk])).status_code == 404
    assert not Institution.objects.filter(name__startswith="页面导入院").exists()


def test_an_administrator_may_look_at_any_job_but_not_commit_it(client, world):
    upload(client, world.head_x, institutions_csv(line(6)))
    job = job_of(world.head_x)
    client.force_login(world.admin)
    assert client.get(reverse("libraries:import_job", args=[job.pk])).status_code == 200
    assert client.post(reverse("libraries:import_job_commit", args=[job.pk])).status_code == 403
    job.refresh_from_db()
    assert job.status == ImportStatus.VALIDATED


def test_the_progress_endpoint_reports_the_job_as_json(client, world):
    upload(client, world.head_x, institutions_csv(line(7), line(8)))
    job = job_of(world.head_x)
    data = client.get(reverse("libraries:import_job_progress", args=[job.pk])).json()
    assert data == {"status": "validated", "status_label": "Checked, ready to import", "active": False,
                    "total": 2, "processed": 2, "percent": 100, "error_count": 0, "created": 0}


def test_progress_of_a_running_commit_comes_from_the_live_figure(client, world):
    upload(client, world.head_x, institutions_csv(line(9), line(10)))
    job = job_of(world.head_x)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.COMMITTING, processed_rows=0)
    cache.set(imports._progress_key(job.pk), 1)
    try:
        data = client.get(reverse("libraries:import_job_progress", args=[job.pk])).json()
    finally:
        cache.delete(imports._progress_key(job.pk))
    assert (data["active"], data["processed"], data["percent"]) == (True, 1, 50)
    page = client.get(reverse("libraries:import_job", args=[job.pk]))
    assert 'data-active="true"' in page.text and "<progress" in page.text


def test_the_error_report_downloads_as_csv(client, world):
    formula_row = "=1+1,x,东湖区,湖滨街道,地址,3,公建民营,养老机构,李四"
    upload(client, world.head_x, institutions_csv(line(11, "西山区", "松林街道"), formula_row))
    job = job_of(world.head_x)
    response = client.get(reverse("libraries:import_job_errors", args=[job.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Row", "Column", "Value", "Problem"]
    assert rows[1][:3] == ["2", "所在区", "西山区"]
    assert ["3", "统一社会信用代码", "'=1+1"] in [r[:3] for r in rows]  # never a live formula


def test_the_blank_templates_carry_the_chinese_headers(client, world):
    client.force_login(world.admin)
    expected = {"institutions": ["统一社会信用代码", "机构名称"], "inspectors": ["姓名", "所属部门"]}
    for kind, first_headers in expected.items():
        response = client.get(reverse("libraries:import_template", args=[kind]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
        assert [c.value for c in next(sheet.iter_rows(max_row=1))][:2] == first_headers
    assert client.get(reverse("libraries:import_template", args=["rockets"])).status_code == 404


def test_a_blank_template_filled_in_is_accepted(client, world):
    client.force_login(world.admin)
    response = client.get(reverse("libraries:import_template", args=["institutions"]))
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    headers = [c.value for c in sheet[1]]
    values = {
        "统一社会信用代码": credit_code("990101", 800099), "机构名称": "模板院", "所在区": "东湖区", "街道": "湖滨街道",
        "地址": "模板路1号", "机构类型": "养老机构", "举办性质": "公建公营", "法定代表人": "钱七",
    }
    sheet.append([values.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(client, world.admin, buffer.getvalue(), name="模板.xlsx")
    assert job_of(world.admin).status == ImportStatus.VALIDATED, job_of(world.admin).errors


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(client, world, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = upload(client, world.head_x, institutions_csv(line(12), line(13)))
    assert response.status_code == 200
    assert "the largest file accepted is 100" in response.text
    assert not ImportJob.objects.exists()


def test_a_head_uploads_inspectors_through_the_page(client, world):
    data = "姓名,所属部门,执法证号\n陈五,东湖区民政局,DH-900\n".encode()
    upload(client, world.head_x, data, url_name="libraries:import_inspectors", name="人员.csv")
    job = job_of(world.head_x)
    assert job.kind == "inspectors" and job.status == ImportStatus.VALIDATED, job.errors
    client.post(reverse("libraries:import_job_commit", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.created_count == 1
