"""The sync API: idempotent on the client's UUID, validated and answered per record; photos in pieces."""

import hashlib
import json
import uuid

import pytest

from supervision.inspections.models import Answer, Inspection, Photo, SyncRecord
from tests.test_inspection_services import PNG
from tests.url_rules_inspections import scheduled_inspection


def full_record(world, inspection, **overrides):
    answers = []
    for _section, item in inspection.checklist.items():
        if item["answer"] == "compliance":
            answers.append({"item": item["code"], "value": "compliant"})
        elif item["answer"] == "number":
            answers.append({"item": item["code"], "value": "30"})
    record = {
        "uuid": str(uuid.uuid4()), "inspection": inspection.pk, "revision": inspection.revision,
        "started_at": "2026-12-01T01:00:00Z", "finished_at": "2026-12-01T03:00:00Z",
        "position": {"latitude": 30.5123456, "longitude": 114.3, "accuracy": 12.5, "at": "2026-12-01T01:05:00Z"},
        "answers": answers,
        "signatures": [
            {"role": "inspector", "official": world.inspector_x.official.pk, "name": "", "method": "drawn",
             "image": PNG, "at": "2026-12-01T03:00:00Z"},
            {"role": "inspector", "official": world.fire_inspector_x.official.pk, "name": "", "method": "confirmed",
             "at": "2026-12-01T03:00:00Z", "credential": "pw-" + world.fire_inspector_x.username},
            {"role": "representative", "name": "王院长", "method": "refused", "at": "2026-12-01T03:01:00Z"},
        ],
        "submit": True,
    }
    record.update(overrides)
    return record


def content_sha256(answers):
    """The digest each signer's mark binds (the field app computes the same one when they sign)."""
    rows = sorted([a["item"], a.get("value", ""), a.get("note", ""), a.get("severity", ""),
                   a.get("needs_rectification", True), list(a.get("photos", []))] for a in answers)
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def signed(record):
    """The record with every signature bound to its answers as they are now (unless a test set one)."""
    try:
        digest = content_sha256(record["answers"])
        for signature in record.get("signatures", []):
            signature.setdefault("content_sha256", digest)
    except (TypeError, KeyError, AttributeError):
        pass  # a hostile record is sent as it is
    return record


def send(client, *records):
    records = [signed(r) if isinstance(r, dict) and isinstance(r.get("answers"), list) else r for r in records]
    response = client.post("/field/api/sync/", json.dumps({"records": records}), content_type="application/json")
    return response


@pytest.fixture
def inspection(world, client):
    client.force_login(world.inspector_x)
    return scheduled_inspection(world)


def test_the_same_record_twice_is_stored_once(world, client, inspection):
    record = full_record(world, inspection)
    first = send(client, record).json()["results"][0]
    again = send(client, record).json()["results"][0]
    assert (first["status"], again["status"]) == ("stored", "duplicate")
    assert SyncRecord.objects.filter(inspection=inspection).count() == 1
    inspection.refresh_from_db()
    assert inspection.status == "submitted"
    assert inspection.answers.count() == len(record["answers"])
    assert inspection.signatures.count() == 3
    assert float(inspection.position_accuracy_m) == 12.5


def test_each_record_is_answered_on_its_own(world, client, inspection):
    other = scheduled_inspection(world)
    bad = full_record(world, inspection)
    bad["answers"][0]["value"] = "maybe"
    good = full_record(world, other)
    results = send(client, bad, good).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "stored"]
    assert "“" in results[0]["message"]
    inspection.refresh_from_db()
    assert inspection.status == "scheduled" and not Answer.objects.filter(inspection=inspection).exists()


def test_a_rejected_record_may_be_sent_again_once_fixed(world, client, inspection):
    record = full_record(world, inspection)
    record["signatures"] = record["signatures"][:1]
    assert send(client, record).json()["results"][0]["status"] == "rejected"
    assert send(client, full_record(world, inspection, uuid=record["uuid"])).json()["results"][0]["status"] == "stored"


def test_a_reassigned_inspection_is_a_conflict(world, client, inspection):
    record = full_record(world, inspection)
    inspection.team.remove(world.inspector_x.official)
    result = send(client, record).json()["results"][0]
    assert result["status"] == "conflict"
    assert not SyncRecord.objects.exists()


def test_a_cancelled_inspection_is_a_conflict(world, client, inspection):
    record = full_record(world, inspection)
    Inspection.objects.filter(pk=inspection.pk).update(status="cancelled")
    assert send(client, record).json()["results"][0]["status"] == "conflict"


def test_an_inspection_changed_meanwhile_is_a_conflict(world, client, inspection):
    record = full_record(world, inspection, revision=inspection.revision - 1 if inspection.revision > 1 else 99)
    assert send(client, record).json()["results"][0]["status"] == "conflict"


def test_a_second_device_submitting_later_gets_a_conflict(world, client, inspection):
    assert send(client, full_record(world, inspection)).json()["results"][0]["status"] == "stored"
    assert send(client, full_record(world, inspection)).json()["results"][0]["status"] == "conflict"


def test_a_photo_uploads_in_pieces_and_resumes(world, client, inspection):
    data = bytes(range(256)) * 1000  # 256 kB
    photo_uuid = str(uuid.uuid4())
    begin = {"uuid": photo_uuid, "inspection": inspection.pk, "item": "gb-4.4", "size": len(data),
             "sha256": hashlib.sha256(data).hexdigest()}
    assert client.post("/field/api/photos/", json.dumps(begin), content_type="application/json").json()["received"] == 0
    url = f"/field/api/photos/{photo_uuid}/"
    assert client.post(url + "?offset=0", data[:100_000], content_type="application/octet-stream").json()["received"] == 100_000
    # The connection broke; the tablet asks where to resume, and a repeated piece is harmless.
    assert client.get(url).json()["received"] == 100_000
    assert client.post(url + "?offset=0", data[:100_000], content_type="application/octet-stream").json()["received"] == 100_000
    gap = client.post(url + "?offset=200000", data[200_000:], content_type="application/octet-stream")
    assert gap.status_code == 409 and gap.json()["received"] == 100_000
    assert client.post("/field/api/photos/", json.dumps(begin), content_type="application/json").json()["received"] == 100_000
    done = client.post(url + "?offset=100000", data[100_000:], content_type="application/octet-stream").json()
    assert done["complete"]
    photo = Photo.objects.get(client_uuid=photo_uuid)
    assert photo.file.read() == data


def test_a_damaged_photo_is_refused_and_starts_over(world, client, inspection):
    data = b"x" * 1000
    photo_uuid = str(uuid.uuid4())
    begin = {"uuid": photo_uuid, "inspection": inspection.pk, "size": len(data), "sha256": "0" * 64}
    client.post("/field/api/photos/", json.dumps(begin), content_type="application/json")
    response = client.post(f"/field/api/photos/{photo_uuid}/?offset=0", data, content_type="application/octet-stream")
    assert response.status_code == 409 and response.json()["received"] == 0
    assert not Photo.objects.get(client_uuid=photo_uuid).complete


def test_a_non_compliant_item_needing_a_photo_is_rejected_without_one(world, client, inspection):
    record = full_record(world, inspection)
    answer = next(a for a in record["answers"] if a["item"] == "gb-4.4")
    answer.update(value="non_compliant", note="无交接班记录", severity="E")
    result = send(client, record).json()["results"][0]
    assert result["status"] == "rejected"
    assert not SyncRecord.objects.exists()
