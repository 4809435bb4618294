"""Every input has a schema (issue 19): each finding of the probe, as a regression test.

Malformed bodies are one 400 naming the field, never a 500; limits are settings announced to the
tablet; a reused UUID is rejected with its reason; a concurrent retry is a duplicate; desk forms
that create things are safe against double submission.
"""

import datetime as dt
import hashlib
import json
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from supervision.inspections import services
from supervision.inspections.models import Finding, Inspection, Photo, SyncRecord
from tests.test_field_sync_api import full_record, send
from tests.url_rules_inspections import scheduled_inspection

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def inspection(world, client):
    client.force_login(world.inspector_x)
    return scheduled_inspection(world)


def post_json(client, url, body):
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, raw, content_type="application/json")


def assert_invalid(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "invalid" and body["field"] == field and body["message"], body


# --- malformed bodies: one 400 that names the field ---------------------------------------------


def test_a_body_nested_five_thousand_levels_is_a_400_naming_the_body(client, inspection):
    assert_invalid(post_json(client, "/field/api/sync/", "[" * 5000 + "]" * 5000), "body")
    assert_invalid(post_json(client, "/field/api/sync/", '{"records": ' + "[" * 5000 + "]" * 5000 + "}"), "body")


@pytest.mark.parametrize("value", ["abc", "../", [4], {"pk": 4}, 99999999999999999999])
def test_an_inspection_that_is_no_id_is_a_400_naming_it(world, client, inspection, value):
    record = full_record(world, inspection)
    record["inspection"] = value
    assert_invalid(send(client, record), "records[0].inspection")


@pytest.mark.parametrize("answers", [["gb-4.4", "gb-4.5"], [1, 2]])
def test_answers_that_are_not_objects_are_a_400_naming_the_answer(world, client, inspection, answers):
    record = full_record(world, inspection, answers=answers, signatures=[])
    assert_invalid(send(client, record), "records[0].answers[0]")


@pytest.mark.parametrize("where,value,field", [
    ("photos", 5, "records[0].answers[0].photos"),
    ("signatures", 5, "records[0].signatures"),
    ("official", [1], "records[0].signatures[0].official"),
    ("name", ["x"], "records[0].signatures[0].name"),
])
def test_wrong_types_inside_a_record_are_a_400_naming_the_field(world, client, inspection, where, value, field):
    record = full_record(world, inspection)
    if where == "photos":
        record["answers"][0]["photos"] = value
    elif where == "signatures":
        record["signatures"] = value
    else:
        record["signatures"][0][where] = value
    assert_invalid(send(client, record), field)


@pytest.mark.parametrize("day", ["2026-13-45T10:00:00Z", "2026-02-30T10:00:00Z", "yesterday", "0001-01-01T00:00:00Z"])
def test_a_date_that_does_not_exist_is_a_400_and_never_replaced_by_now(world, client, inspection, day):
    assert_invalid(send(client, full_record(world, inspection, started_at=day)), "records[0].started_at")
    inspection.refresh_from_db()
    assert inspection.started_at is None


def test_a_latitude_that_is_not_a_number_is_a_400(world, client, inspection):
    record = full_record(world, inspection)
    record["position"]["latitude"] = "NaN"
    assert_invalid(send(client, record), "records[0].position.latitude")
    raw = json.dumps({"records": [record]}).replace('"NaN"', "NaN")
    assert_invalid(post_json(client, "/field/api/sync/", raw), "records[0].position.latitude")


def test_a_five_million_character_note_is_a_400_naming_the_note(world, client, inspection):
    record = full_record(world, inspection)
    record["answers"][0].update(value="non_compliant", note="x" * 5_000_000, severity="E")
    assert_invalid(send(client, record), "records[0].answers[0].note")
    assert not inspection.answers.exists()


def test_the_note_limit_is_a_setting_announced_to_the_tablet(world, client, inspection, settings):
    settings.FIELD_MAX_NOTE_CHARS = 10
    limits = client.get("/field/api/inspections/").json()["limits"]
    assert limits["note_chars"] == 10 and limits["photos_per_inspection"] and limits["photo_bytes"]
    record = full_record(world, inspection)
    record["answers"][0].update(value="non_compliant", note="十一个字的问题描述太长了", severity="E")
    response = send(client, record)
    assert_invalid(response, "records[0].answers[0].note")
    assert "10" in response.json()["message"]


# --- the photo protocol ---------------------------------------------------------------------------


def begin(client, inspection, **fields):
    body = {"uuid": str(uuid.uuid4()), "inspection": inspection.pk, "item": "gb-4.4", "size": 1000,
            "sha256": "a" * 64, **fields}
    return post_json(client, "/field/api/photos/", body)


@pytest.mark.parametrize("item", [["gb-4.4"], {"code": "gb-4.4"}, 7])
def test_a_photo_item_that_is_not_a_code_is_a_400_naming_it(client, inspection, item):
    assert_invalid(begin(client, inspection, item=item), "item")


def test_a_photo_for_an_unknown_item_is_refused(client, inspection):
    response = begin(client, inspection, item="no-such-item")
    assert response.status_code == 400 and "no-such-item" in response.json()["message"]
    assert not Photo.objects.exists()


def test_open_photo_uploads_on_one_inspection_are_limited(client, inspection, settings):
    settings.FIELD_MAX_OPEN_UPLOADS = 3
    assert [begin(client, inspection, item="").status_code for _n in range(4)] == [200, 200, 200, 400]
    assert Photo.objects.filter(inspection=inspection).count() == 3


def test_photos_per_inspection_are_limited(client, inspection, settings):
    settings.FIELD_MAX_PHOTOS_PER_INSPECTION = 2
    assert [begin(client, inspection, item="").status_code for _n in range(3)] == [200, 200, 400]


def test_a_photo_over_the_size_limit_is_a_400(client, inspection, settings):
    settings.FIELD_MAX_PHOTO_BYTES = 1000
    assert_invalid(begin(client, inspection, size=1001), "size")


def test_a_concurrent_start_of_the_same_photo_upload_finds_the_first(world, client, inspection, monkeypatch):
    photo_uuid = str(uuid.uuid4())
    real = services._require_open

    def other_request_begins_it_meanwhile(insp):
        # The other request's row appears between this one's lookup and its insert.
        Photo.objects.create(client_uuid=photo_uuid, inspection=insp, item_code="gb-4.4", size=1000, sha256="a" * 64,
                             uploaded_by=world.inspector_x.official)
        monkeypatch.setattr(services, "_require_open", real)
        return real(insp)

    monkeypatch.setattr(services, "_require_open", other_request_begins_it_meanwhile)
    response = begin(client, inspection, uuid=photo_uuid)
    assert response.status_code == 200 and response.json()["uuid"] == photo_uuid
    assert Photo.objects.filter(client_uuid=photo_uuid).count() == 1


def test_a_piece_with_an_offset_that_is_no_number_is_a_400(world, client, inspection):
    photo = services.begin_photo(world.inspector_x, inspection, client_uuid=str(uuid.uuid4()), size=10,
                                 sha256="a" * 64)
    for offset in ("abc", "99999999999999999999", "-1", "٣"):
        response = client.post(f"/field/api/photos/{photo.client_uuid}/?offset={offset}", b"x",
                               content_type="application/octet-stream")
        assert response.status_code == 400 and response.json()["field"] == "offset"


# --- identifiers and retries -----------------------------------------------------------------------


def test_a_uuid_reused_on_another_inspection_is_rejected_with_its_reason(world, client, inspection):
    other = scheduled_inspection(world)
    first = full_record(world, inspection)
    assert send(client, first).json()["results"][0]["status"] == "stored"
    reused = full_record(world, other, uuid=first["uuid"])
    result = send(client, reused).json()["results"][0]
    assert result["status"] == "rejected" and "另一次检查" in result["message"]  # "another inspection"
    other.refresh_from_db()
    assert other.status == "scheduled"


def test_a_uuid_reused_for_a_different_record_is_rejected(world, client, inspection):
    first = full_record(world, inspection)
    assert send(client, first).json()["results"][0]["status"] == "stored"
    changed = full_record(world, inspection, uuid=first["uuid"], finished_at="2026-12-01T04:00:00Z")
    assert send(client, changed).json()["results"][0]["status"] == "rejected"
    assert send(client, first).json()["results"][0]["status"] == "duplicate"


def test_a_concurrent_retry_of_the_same_submission_is_a_duplicate(world, client, inspection, monkeypatch):
    record = full_record(world, inspection)
    real = Inspection.objects.select_for_update

    def the_other_retry_commits_while_this_one_waits(*args, **kwargs):
        # This request waited for the lock; meanwhile the first copy of the record was stored.
        monkeypatch.setattr(Inspection.objects, "select_for_update", real)
        Inspection.objects.filter(pk=inspection.pk).update(status="submitted")
        SyncRecord.objects.create(client_uuid=record["uuid"], inspection=inspection,
                                  official=world.inspector_x.official, status="stored")
        return real(*args, **kwargs)

    monkeypatch.setattr(Inspection.objects, "select_for_update", the_other_retry_commits_while_this_one_waits)
    assert send(client, record).json()["results"][0]["status"] == "duplicate"


# --- the desk ----------------------------------------------------------------------------------------


def case_check_form(world, **fields):
    return {"institution": world.inst_p.pk, "team": [world.inspector_x.official.pk, world.head_x.official.pk],
            "reason": "投诉：夜间无人值班", "once": str(uuid.uuid4()), **fields}


def test_a_case_check_posted_three_times_makes_one_inspection_and_one_process(
        world, client, django_capture_on_commit_callbacks):
    from workflows.inspection.models import InspectionProcess

    client.force_login(world.planner_x)
    form = case_check_form(world)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post("/field/case-checks/new/", form).status_code for _n in range(3)]
    assert statuses == [302, 302, 302]
    assert Inspection.objects.filter(kind="case").count() == 1
    assert InspectionProcess.objects.count() == 1


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-11-01"])
def test_a_case_check_dated_outside_a_year_from_today_is_refused(world, client, time_machine, day):
    time_machine.move_to(dt.datetime(2026, 12, 3, 10, tzinfo=SHANGHAI), tick=False)
    client.force_login(world.planner_x)
    response = client.post("/field/case-checks/new/", case_check_form(world, scheduled_for=day))
    assert response.status_code == 200 and "2026-12-03" in response.content.decode()
    assert not Inspection.objects.filter(kind="case").exists()


def test_an_inspection_notice_dated_9999_12_31_is_refused(world):
    from django.core.exceptions import ValidationError

    inspection = scheduled_inspection(world, scheduled_for=None)
    with pytest.raises(ValidationError):
        services.issue_inspection_notice(world.planner_x, inspection, scheduled_for=dt.date(9999, 12, 31),
                                         today=dt.date(2026, 12, 3))
    inspection.refresh_from_db()
    assert not inspection.notice_number


def test_a_desk_finding_posted_twice_is_recorded_once(world, client):
    inspection = scheduled_inspection(world)
    client.force_login(world.inspector_x)
    form = {"item_title": "台账不全", "description": "缺少交接班记录", "severity": "A", "needs_rectification": "on",
            "once": str(uuid.uuid4())}
    url = f"/rectification/inspections/{inspection.pk}/findings/"
    assert [client.post(url, form).status_code for _n in range(2)] == [302, 302]
    assert Finding.objects.filter(inspection=inspection).count() == 1


def test_thirty_evidence_files_on_one_item_stop_at_the_limit(world, settings):
    from supervision.rectification import services as rectification
    from tests.url_rules_rectification import PNG, finding, inspection, issue

    settings.RECTIFICATION_MAX_FILES_PER_ITEM = 10
    notice = issue(world, [finding(inspection(world), "G")])
    item = rectification.draft_report(world.operator_p, notice).items.get()
    results = [rectification.attach_evidence(world.operator_p, item, SimpleUploadedFile(f"p{n}.png", PNG))
               for n in range(30)]
    assert sum(1 for evidence, _message in results if evidence) == 10
    assert item.evidence.count() == 10 and "10" in results[10][1]


@pytest.mark.parametrize("url", ["/inspection/flows/", "/inspection/queue/", "/rectification/notices/",
                                 "/spotcheck/flows/"])
def test_a_page_number_too_large_for_the_database_is_a_404(world, client, url):
    client.force_login(world.head_x)
    assert client.get(url + "?page=99999999999999999999").status_code == 404


def test_a_hashed_record_content_is_what_the_tablet_computes(world):
    """The digest is compact JSON of [item, value, note, severity, needs_rectification, photos], by item."""
    from supervision.inspections.schemas import AnswerIn
    from supervision.inspections.sync import content_sha256

    answers = [AnswerIn(item="b", value="compliant"), AnswerIn(item="a", value="non_compliant", note="无“记录”",
                                                               severity="E")]
    text = '[["a","non_compliant","无“记录”","E",true,[]],["b","compliant","","",true,[]]]'
    assert content_sha256(answers) == hashlib.sha256(text.encode()).hexdigest()
