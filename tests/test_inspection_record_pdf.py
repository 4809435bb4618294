"""The record PDF (现场检查记录) read back: items, findings, photos, signatures, position and times."""

import subprocess

from tests.test_field_sync_api import full_record, send
from tests.url_rules_inspections import scheduled_inspection, uploaded_photo


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_record_pdf_shows_the_whole_record(world, client):
    inspection = scheduled_inspection(world)
    client.force_login(world.inspector_x)
    photo = uploaded_photo(world.inspector_x, inspection, "gb-4.4")
    record = full_record(world, inspection)
    answer = next(a for a in record["answers"] if a["item"] == "gb-4.4")
    answer.update(value="non_compliant", note="夜间交接班记录缺失", severity="E", photos=[str(photo.client_uuid)])
    assert send(client, record).json()["results"][0]["status"] == "stored"
    response = client.get(f"/field/inspections/{inspection.pk}/record.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    for expected in ("东湖颐养院", "夜间交接班记录缺失", "王院长", "30.512346", "±13 m", "gb-4.4"):
        assert expected in text, expected
    assert b"/Subtype /Image" in response.content or b"/Image" in response.content


def test_the_head_of_the_lead_department_may_read_the_record(world, client):
    inspection = scheduled_inspection(world)
    client.force_login(world.head_x)
    assert client.get(f"/field/inspections/{inspection.pk}/record.pdf").status_code == 200


def test_the_record_pdf_stays_chinese_and_in_beijing_time_when_the_reader_uses_english(world, client):
    import datetime as dt

    from supervision.inspections.models import Inspection

    inspection = scheduled_inspection(world)
    client.force_login(world.inspector_x)
    assert send(client, full_record(world, inspection)).json()["results"][0]["status"] == "stored"
    # 2026-12-03 17:30 UTC is 2026-12-04 01:30 in Beijing: the date itself differs.
    Inspection.objects.filter(pk=inspection.pk).update(started_at=dt.datetime(2026, 12, 3, 17, 30, tzinfo=dt.UTC))
    client.cookies["django_language"] = "en"
    text = _text(client.get(f"/field/inspections/{inspection.pk}/record.pdf").content)
    assert "2026-12-04 01:30" in text and "2026-12-03 17:30" not in text
    assert "北京时" in text and "Beijing time" not in text and "Inspection record" not in text
