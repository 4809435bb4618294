"""Importing inspectors: accounts, roles and specialties from a sheet, for a head's own line of departments."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile

from supervision.core.models import AuditEntry
from supervision.registry import imports
from supervision.registry.models import ImportJob, ImportKind, ImportStatus
from supervision.staff import inspector_import
from supervision.staff.models import Official

HEADERS = ["姓名", "所属部门", "所在区/街道", "执法证号", "证件有效期", "专长", "联系电话", "用户名", "角色"]


def person(name, department="东湖区民政局", region="", certificate="", valid="", specialties="", phone="",
           username="", roles=""):
    return [name, department, region, certificate, valid, specialties, phone, username, roles]


def csv_bytes(rows, headers=HEADERS):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def dry_run(user, rows, headers=HEADERS):
    job = ImportJob.objects.create(
        kind=ImportKind.INSPECTORS, file=ContentFile(csv_bytes(rows, headers), name="人员.csv"),
        original_name="人员.csv", created_by=user, jurisdiction=imports.jurisdiction_for_import(user), language="en",
    )
    imports.run_import_job(job.pk, False)
    job.refresh_from_db()
    return job


def commit(job):
    imports.run_import_job(job.pk, True)
    job.refresh_from_db()
    return job


def messages(job):
    return {(p["row"], p["column"]): p["message"] for p in job.errors}


def test_a_head_imports_inspectors_with_accounts_roles_and_specialties(world):
    rows = [
        person("周一", region="湖滨街道", certificate="DH-001", valid="2027/12/31", specialties="消防、food",
               phone="13800000001"),
        person("吴二", certificate="DH-002", username="wuer", roles="检查人员、计划人员"),
    ]
    job = commit(dry_run(world.head_x, rows))

    assert job.status == ImportStatus.DONE, job.errors
    zhou = Official.objects.get(certificate_number="DH-001")
    assert (zhou.user.username, zhou.department, zhou.region) == ("DH-001", world.civil_x, world.street_x1)
    assert zhou.certificate_valid_until == datetime.date(2027, 12, 31)
    assert sorted(zhou.specialties.values_list("code", flat=True)) == ["fire", "food"]
    assert not zhou.user.has_usable_password()  # an administrator sets it
    assert zhou.roles == {"inspector"} and zhou.can_inspect()
    wu = Official.objects.get(user__username="wuer")
    assert wu.region == world.district_x and wu.roles == {"inspector", "planner"}
    audited = AuditEntry.objects.filter(model="staff.Official", action="create", actor=world.head_x)
    assert audited.count() == 2


def test_every_problem_of_an_inspectors_file_is_reported_and_nothing_is_written(world):
    rows = [
        person("甲", department="北海区民政局", certificate="E-1"),             # 2: unknown department
        person("乙", department="东湖区消防救援大队", certificate="E-2"),       # 3: another kind of department
        person("丙", department="西山区民政局", certificate="E-3"),             # 4: outside the jurisdiction
        person("丁", certificate="CERT-X-1"),                                   # 5: certificate already held
        person("戊", certificate="E-5"),                                        # 6
        person("己", certificate="E-5"),                                        # 7: same certificate as row 6
        person("庚", certificate="E-7", username="inspector_y"),                # 8: username taken
        person("辛", certificate="E-8", specialties="消防、烹饪"),              # 9: unknown specialty
        person("壬", certificate="E-9", valid="明年"),                          # 10: not a date
        person("癸", certificate="E-10", roles="管理员"),                       # 11: a head cannot grant it
        person("子"),                                                           # 12: an inspector needs a certificate
        person("丑", certificate="E-12", region="松林街道"),                    # 13: outside the department
    ]
    before = User.objects.count()
    job = dry_run(world.head_x, rows)

    found = messages(job)
    assert job.status == ImportStatus.INVALID
    assert found[(2, "所属部门")] == "There is no department called “北海区民政局”."
    assert "cannot import inspectors into “东湖区消防救援大队”" in found[(3, "所属部门")]
    assert "cannot import inspectors into “西山区民政局”" in found[(4, "所属部门")]
    assert found[(5, "执法证号")] == "This certificate number is already in the inspector library."
    assert found[(7, "执法证号")] == "The same certificate number as row 6."
    assert found[(8, "用户名")] == "The username “inspector_y” is already taken."
    assert "烹饪" in found[(9, "专长")]
    assert "not a date" in found[(10, "证件有效期")]
    assert found[(11, "角色")] == "Only an administrator can give the administrator role."
    assert found[(12, "执法证号")] == "An inspector needs an enforcement certificate number."
    assert found[(13, "所在区/街道")] == "“松林街道” lies outside the jurisdiction of 东湖区民政局."
    assert (6, "执法证号") not in found
    assert commit(job).status == ImportStatus.INVALID
    assert User.objects.count() == before


def test_a_missing_name_column_is_named(world):
    job = dry_run(world.head_x, [person("甲", certificate="E-1")[1:]], headers=HEADERS[1:])
    assert job.errors[0]["message"].startswith("The required column “姓名” is missing")


def test_an_administrator_imports_into_any_department_and_may_grant_any_role(world):
    rows = [
        person("管一", department="西山区民政局", region="西山区/松林街道", certificate="XS-1"),
        person("管二", department="示范市民政局", username="city_admin", roles="管理员"),
    ]
    job = commit(dry_run(world.admin, rows))
    assert job.status == ImportStatus.DONE, job.errors
    assert Official.objects.get(certificate_number="XS-1").region == world.street_y1
    assert Official.objects.get(user__username="city_admin").roles == {"administrator"}


def test_district_and_street_may_come_in_separate_columns(world):
    headers = ["姓名", "所属部门", "所在区", "街道", "执法证号"]
    job = commit(dry_run(world.head_x, [["周三", "东湖区民政局", "东湖区", "柳岸街道", "DH-003"]], headers=headers))
    assert job.status == ImportStatus.DONE, job.errors
    assert Official.objects.get(certificate_number="DH-003").region == world.street_x2


def test_committing_inspectors_twice_creates_them_once(world):
    job = commit(dry_run(world.head_x, [person("郑四", certificate="DH-004")]))
    commit(job)
    assert Official.objects.filter(certificate_number="DH-004").count() == 1


def test_an_inspectors_commit_that_breaks_midway_leaves_no_account_behind(world, monkeypatch):
    rows = [person(f"王{i}", certificate=f"DH-10{i}") for i in range(3)]
    job = dry_run(world.head_x, rows)
    before = (User.objects.count(), Official.objects.count())
    monkeypatch.setattr(inspector_import, "BATCH_SIZE", 1)
    real_record_created = inspector_import.record_created

    def record_then_take_a_username(batch):
        real_record_created(batch)
        User.objects.get_or_create(username="DH-102")  # someone takes row 4's username meanwhile

    monkeypatch.setattr(inspector_import, "record_created", record_then_take_a_username)
    job = commit(job)
    assert job.status == ImportStatus.FAILED
    assert (User.objects.count(), Official.objects.count()) == before
