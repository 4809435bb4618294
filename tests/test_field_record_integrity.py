"""The field record as an official document (issues 12 and 13): the case check's reason kept,
signatures bound to the content, a teammate's confirmation by their own password, Beijing times,
no stale notes, a stable app-shell version, and photo pieces kept in the shared storage."""

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from supervision.inspections import services
from supervision.inspections.models import Inspection, Signature, SyncRecord
from tests.test_field_sync_api import full_record, send
from tests.url_rules_inspections import scheduled_inspection

pytestmark = pytest.mark.django_db


def _pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode()


@pytest.fixture
def inspection(world, client):
    client.force_login(world.inspector_x)
    return scheduled_inspection(world)


# --- issue 12: the case check's reason --------------------------------------------------------------


def test_the_case_check_reason_is_kept_and_shown_on_the_desk_page_and_the_record_pdf(
        world, client, django_capture_on_commit_callbacks):
    client.force_login(world.planner_x)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/field/case-checks/new/", {
            "institution": world.inst_p.pk, "team": [world.inspector_x.official.pk, world.head_x.official.pk],
            "reason": "12345热线投诉：夜间无人值班", "once": str(uuid.uuid4())})
    inspection = Inspection.objects.get(kind="case")
    assert inspection.case_reason == "12345热线投诉：夜间无人值班"
    client.force_login(world.head_x)
    assert "12345热线投诉：夜间无人值班" in client.get(f"/inspection/{inspection.process.pk}/").content.decode()
    assert "12345热线投诉" in _pdf_text(client.get(f"/field/inspections/{inspection.pk}/record.pdf").content)


def test_a_case_check_without_its_reason_is_refused_by_the_service(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.schedule_inspection(world.planner_x, institution=world.inst_p, kind="case",
                                     team=[world.inspector_x.official, world.fire_inspector_x.official])


# --- issue 12: a stable service-worker version ------------------------------------------------------

_SW_VERSION = """
import django, os, re
os.environ["DJANGO_SETTINGS_MODULE"] = "supervision.settings"
django.setup()
from django.test import Client
body = Client().get("/field/sw.js").content.decode()
print(re.search(r'SHELL_VERSION = "([^"]+)"', body).group(1))
"""


def test_the_service_worker_version_is_the_same_in_every_interpreter():
    def version(seed):
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "DEBUG": "1"}
        return subprocess.run([sys.executable, "-c", _SW_VERSION], env=env, capture_output=True, check=True,
                              cwd=django_settings.BASE_DIR, text=True).stdout.strip()

    assert version(1) == version(2)


def test_the_service_worker_version_follows_the_app_shell_files(client, monkeypatch, tmp_path):
    from supervision.inspections import field_views

    first = client.get("/field/sw.js").content.decode().splitlines()[0]
    (tmp_path / "field").mkdir()
    for name in ("sw.js", "app.js", "field.css"):
        source = Path(field_views.FIELD_STATIC / name).read_bytes()
        (tmp_path / "field" / name).write_bytes(source + (b"\n// changed" if name == "app.js" else b""))
    monkeypatch.setattr(field_views, "FIELD_STATIC", tmp_path / "field")
    assert client.get("/field/sw.js").content.decode().splitlines()[0] != first


# --- issue 12: photo pieces through the storage API --------------------------------------------------


def test_photo_pieces_go_through_the_shared_storage_not_the_local_disk(world, inspection, settings, tmp_path):
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    data = os.urandom(3000)
    photo = services.begin_photo(world.inspector_x, inspection, client_uuid=str(uuid.uuid4()), size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), item_code="gb-4.4")
    services.append_chunk(world.inspector_x, photo, offset=0, data=data[:1000])
    _dirs, pieces = default_storage.listdir(f"partial-uploads/{photo.client_uuid}")
    assert len(pieces) == 1
    photo = services.append_chunk(world.inspector_x, photo, offset=1000, data=data[1000:])
    assert photo.complete and photo.file.read() == data
    assert default_storage.listdir(f"partial-uploads/{photo.client_uuid}")[1] == []
    assert list(tmp_path.rglob("*")) == []  # nothing on this server's disk


# --- issue 13 item 2: signatures bind the record ------------------------------------------------------


def test_a_record_changed_after_signing_is_refused_and_names_the_signer(world, client, inspection):
    record = full_record(world, inspection)
    signed_on = [dict(a) for a in record["answers"]]
    from tests.test_field_sync_api import content_sha256

    for signature in record["signatures"]:
        signature["content_sha256"] = content_sha256(signed_on)
    # The text was shortened after the signatures (a sync rejection, then an edit): they no longer bind it.
    number = next(a for a in record["answers"] if a["value"] == "30")
    number["value"] = "3"
    result = send(client, record).json()["results"][0]
    assert result["status"] == "rejected" and world.inspector_x.official.name in result["message"]
    assert not Signature.objects.filter(inspection=inspection).exists()
    assert not SyncRecord.objects.exists()


def test_each_stored_signature_keeps_the_hash_of_what_it_signed(world, client, inspection):
    from tests.test_field_sync_api import content_sha256

    record = full_record(world, inspection)
    assert send(client, record).json()["results"][0]["status"] == "stored"
    digests = set(Signature.objects.filter(inspection=inspection).values_list("content_sha256", flat=True))
    assert digests == {content_sha256(record["answers"])}


@pytest.mark.parametrize("credential", [None, "", "wrong-password"])
def test_a_teammate_confirming_without_drawing_needs_their_own_password(world, client, inspection, credential):
    record = full_record(world, inspection)
    teammate = record["signatures"][1]
    assert teammate["official"] == world.fire_inspector_x.official.pk and teammate["method"] == "confirmed"
    if credential is None:
        del teammate["credential"]
    else:
        teammate["credential"] = credential
    result = send(client, record).json()["results"][0]
    assert result["status"] == "rejected" and world.fire_inspector_x.official.name in result["message"]
    assert not Signature.objects.filter(inspection=inspection).exists()


def test_a_teammate_confirmation_with_their_password_is_recorded_as_such(world, client, inspection):
    assert send(client, full_record(world, inspection)).json()["results"][0]["status"] == "stored"
    teammate = Signature.objects.get(inspection=inspection, official=world.fire_inspector_x.official)
    me = Signature.objects.get(inspection=inspection, official=world.inspector_x.official)
    assert teammate.confirmed_with_credentials and not me.confirmed_with_credentials
    text = _pdf_text(client.get(f"/field/inspections/{inspection.pk}/record.pdf").content)
    assert "密码" in text


def test_the_signed_in_inspector_confirms_without_a_password(world, client, inspection):
    record = full_record(world, inspection)
    record["signatures"][0].update(method="confirmed", image=None)
    assert send(client, record).json()["results"][0]["status"] == "stored"


# --- issue 13 items 5 and 6: the record PDF --------------------------------------------------------------


def test_the_record_pdf_prints_times_in_beijing_time(world, client, inspection):
    # 2026-12-03 17:30 UTC is 2026-12-04 01:30 in Beijing: the date the institution knows.
    record = full_record(world, inspection, started_at="2026-12-03T17:30:00Z", finished_at="2026-12-03T18:45:00Z")
    for signature in record["signatures"]:
        signature["at"] = "2026-12-03T18:40:00Z"
    assert send(client, record).json()["results"][0]["status"] == "stored"
    text = _pdf_text(client.get(f"/field/inspections/{inspection.pk}/record.pdf").content)
    assert "2026-12-04 01:30" in text and "2026-12-04 02:40" in text
    assert "2026-12-03 17:30" not in text


def test_an_item_switched_back_to_compliant_loses_its_old_note(world, inspection, client):
    services.record_answers(world.inspector_x, inspection, [
        {"item": "gb-4.4", "value": "non_compliant", "note": "夜间交接班记录缺失", "severity": "E"}])
    services.record_answers(world.inspector_x, inspection, [
        {"item": "gb-4.4", "value": "compliant", "note": "夜间交接班记录缺失", "severity": "E"}])
    answer = inspection.answers.get(item_code="gb-4.4")
    assert (answer.value, answer.note, answer.severity) == ("compliant", "", "")
    assert "夜间交接班记录缺失" not in _pdf_text(client.get(f"/field/inspections/{inspection.pk}/record.pdf").content)


def test_a_note_over_the_limit_is_refused_by_the_service_too(world, inspection, settings):
    from django.core.exceptions import ValidationError

    settings.FIELD_MAX_NOTE_CHARS = 5
    with pytest.raises(ValidationError):
        services.record_answers(world.inspector_x, inspection, [
            {"item": "gb-4.4", "value": "non_compliant", "note": "夜间交接班记录缺失", "severity": "E"}])


def test_the_bootstrap_json_announces_every_limit(world, client, inspection):
    limits = client.get("/field/api/inspections/").json()["limits"]
    assert set(limits) >= {"note_chars", "value_chars", "name_chars", "photos_per_inspection", "photos_per_item",
                           "photo_bytes"}
    assert json.dumps(limits)  # plain numbers the tablet reads


def test_the_record_kept_on_the_server_is_the_one_signed(world, client, inspection):
    record = full_record(world, inspection)
    assert send(client, record).json()["results"][0]["status"] == "stored"
    inspection.refresh_from_db()
    assert inspection.started_at == dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC)
