"""Real concurrency on PostgreSQL: retries of one record, and one photo begun, from several threads at once."""

import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from supervision.inspections.models import Photo, SyncRecord
from tests.test_field_sync_api import full_record, signed
from tests.url_rules_inspections import scheduled_inspection

THREADS = 4


def _together(post):
    """Run `post()` in THREADS threads released at once; return their answers."""
    barrier = threading.Barrier(THREADS)
    answers, errors, lock = [], [], threading.Lock()

    def worker():
        try:
            barrier.wait(timeout=30)
            response = post()
            with lock:
                answers.append(response)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return answers


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_of_one_record_store_it_once_and_answer_duplicate(world):
    inspection = scheduled_inspection(world)
    body = json.dumps({"records": [signed(full_record(world, inspection))]})
    clients = [_client(world.inspector_x) for _ in range(THREADS)]
    answers = _together(lambda: clients.pop().post("/field/api/sync/", body, content_type="application/json"))
    statuses = sorted(a.json()["results"][0]["status"] for a in answers)
    assert statuses == ["duplicate"] * (THREADS - 1) + ["stored"]
    assert SyncRecord.objects.filter(inspection=inspection).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_photo_begun_from_several_threads_at_once_is_one_upload(world):
    inspection = scheduled_inspection(world)
    body = json.dumps({"uuid": str(uuid.uuid4()), "inspection": inspection.pk, "item": "gb-4.4", "size": 100,
                       "sha256": "a" * 64})
    clients = [_client(world.inspector_x) for _ in range(THREADS)]
    answers = _together(lambda: clients.pop().post("/field/api/photos/", body, content_type="application/json"))
    assert [a.status_code for a in answers] == [200] * THREADS
    assert Photo.objects.filter(inspection=inspection).count() == 1
