"""Concerns from the public (投诉举报): sent without a login from the institution's page, routed to
the supervising department's inbox, followed by a tracking code, the lead of a case check, and a
credit event once verified. Spam resistance: honeypot, signed form time, daily caps; nothing
typed is lost on an error; the same form twice makes one concern."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from supervision.concerns.models import Concern, ConcernStatus
from supervision.credit.models import CreditEvent, CreditEventKind
from supervision.inspections.models import Inspection, InspectionKind
from supervision.notifications.models import Notification
from tests.clocks import local

pytestmark = pytest.mark.django_db

TEXT = "夜里护理员不在岗，老人按铃半小时无人应答。"


@pytest.fixture
def moment(time_machine):
    time_machine.move_to(local(dt.date(2026, 11, 23)), tick=False)
    return time_machine


def png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def shown_form(client, institution):
    response = client.get("/public/concerns/new/", {"institution": institution.pk})
    assert response.status_code == 200
    form = response.context["form"]
    return {"institution": institution.pk, "shown": form["shown"].value(), "once": str(form["once"].value()),
            "text": TEXT, "contact": "13800138000", "website": ""}


def send(client, moment, data, seconds=30, **extra):
    address = extra.pop("address", "198.51.100.7")
    moment.shift(dt.timedelta(seconds=seconds))
    return client.post("/public/concerns/new/", {**data, **extra}, REMOTE_ADDR=address)


def test_a_visitor_sends_a_concern_and_follows_it_by_its_code(client, world, moment):
    response = send(client, moment, shown_form(client, world.inst_p), photos=[png(), png("second.png")])
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.department == world.civil_x and concern.status == ConcernStatus.RECEIVED
    assert concern.photos.count() == 2 and concern.text == TEXT
    assert response["Location"].startswith("/public/concerns/track/?code=")
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and concern.tracking_code in body and world.inst_p.name in body
    assert TEXT not in body and "13800138000" not in body  # only the status is public
    typed = concern.tracking_code.lower().replace("-", " ")
    assert client.get("/public/concerns/track/", {"code": typed}).context["concern"] == concern
    assert client.get("/public/concerns/track/", {"code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"}).status_code == 404


def test_the_institution_page_links_to_the_form(client, world):
    body = client.get(f"/public/institutions/{world.inst_p.pk}/").content.decode()
    assert f"/public/concerns/new/?institution={world.inst_p.pk}" in body


def test_it_reaches_the_planners_and_heads_of_the_supervising_department(client, world, moment):
    send(client, moment, shown_form(client, world.inst_p))
    concern = Concern.objects.get()
    notified = set(Notification.objects.filter(kind="concern_received").values_list("recipient__username", flat=True))
    assert notified == {"head_x", "planner_x"}
    assert Notification.objects.filter(recipient=world.head_x).get().link == f"/concerns/{concern.pk}/"


def test_the_inbox_holds_the_concerns_of_the_jurisdiction_only(client, world, moment):
    send(client, moment, shown_form(client, world.inst_p))
    send(client, moment, shown_form(client, world.inst_q), address="198.51.100.8")
    p_concern, q_concern = Concern.objects.get(institution=world.inst_p), Concern.objects.get(institution=world.inst_q)
    client.force_login(world.inspector_x)
    assert list(client.get("/concerns/").context["page"]) == [p_concern]
    assert TEXT in client.get(f"/concerns/{p_concern.pk}/").content.decode()
    assert client.get(f"/concerns/{q_concern.pk}/").status_code == 404
    client.force_login(world.inspector_y)
    assert list(client.get("/concerns/").context["page"]) == [q_concern]
    client.force_login(world.fire_inspector_x)
    assert client.get("/concerns/").status_code == 403


def test_a_form_sent_too_fast_is_refused_and_keeps_what_was_typed(client, world, moment):
    response = send(client, moment, shown_form(client, world.inst_p), seconds=1)
    body = response.content.decode()
    assert response.status_code == 400 and not Concern.objects.exists()
    assert TEXT in body and "13800138000" in body
    assert send(client, moment, response.context["form"].data.dict(), seconds=10).status_code == 302


def test_a_filled_honeypot_or_a_forged_stamp_is_refused(client, world, moment):
    data = shown_form(client, world.inst_p)
    assert send(client, moment, data, website="http://spam.example").status_code == 400
    assert send(client, moment, {**data, "shown": "1700000000.0"}).status_code == 400
    assert not Concern.objects.exists()


def test_an_expired_form_gets_a_new_stamp_and_keeps_the_text(client, world, moment):
    data = shown_form(client, world.inst_p)
    response = send(client, moment, data, seconds=2 * 24 * 3600)
    assert response.status_code == 400 and TEXT in response.content.decode()
    assert response.context["form"].data["shown"] != data["shown"]
    assert send(client, moment, response.context["form"].data.dict()).status_code == 302


def test_the_daily_cap_per_address_is_counted_in_the_database(client, world, moment, settings):
    settings.CONCERNS_PER_ADDRESS_PER_DAY = 2
    for _n in range(2):
        assert send(client, moment, shown_form(client, world.inst_p)).status_code == 302
    response = send(client, moment, shown_form(client, world.inst_p))
    assert response.status_code == 429 and TEXT in response.content.decode()
    assert "明天" in response.content.decode() and Concern.objects.count() == 2  # the clear message, in Chinese first
    assert send(client, moment, shown_form(client, world.inst_p), address="203.0.113.9").status_code == 302
    moment.shift(dt.timedelta(days=1))  # the next day counts afresh
    assert send(client, moment, shown_form(client, world.inst_p)).status_code == 302


def test_the_daily_cap_per_institution(client, world, moment, settings):
    settings.CONCERNS_PER_INSTITUTION_PER_DAY = 1
    assert send(client, moment, shown_form(client, world.inst_p)).status_code == 302
    assert send(client, moment, shown_form(client, world.inst_p), address="203.0.113.9").status_code == 429
    assert send(client, moment, shown_form(client, world.inst_q), address="203.0.113.9").status_code == 302


def test_the_same_form_sent_twice_makes_one_concern(client, world, moment):
    data = shown_form(client, world.inst_p)
    first, second = send(client, moment, data), send(client, moment, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Concern.objects.count() == 1 and Notification.objects.count() == 2


def test_a_photo_is_checked_by_its_content(client, world, moment):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = send(client, moment, shown_form(client, world.inst_p), photos=[fake])
    assert response.status_code == 400 and "photo.jpg" in response.content.decode()
    assert TEXT in response.content.decode() and not Concern.objects.exists()
    too_many = [png(f"{n}.png") for n in range(4)]
    assert send(client, moment, shown_form(client, world.inst_p), photos=too_many).status_code == 400


def test_without_an_institution_the_form_sends_the_visitor_to_the_search(client, world):
    response = client.get("/public/concerns/new/")
    assert response.status_code == 200 and "/public/institutions/" in response.content.decode()
    assert client.get("/public/concerns/new/", {"institution": 999999}).status_code == 404


def _received(client, world, moment):
    send(client, moment, shown_form(client, world.inst_p))
    return Concern.objects.get()


def test_a_concern_becomes_the_lead_of_a_case_check_that_keeps_it(client, world, moment):
    concern = _received(client, world, moment)
    client.force_login(world.planner_x)
    form = client.get("/field/case-checks/new/", {"concern": concern.pk}).context["form"]
    assert form["institution"].value() == world.inst_p.pk and TEXT in form["reason"].value()
    response = client.post("/field/case-checks/new/", {
        "institution": world.inst_p.pk, "team": [world.inspector_x.official.pk, world.head_x.official.pk],
        "reason": form["reason"].value(), "concern": concern.pk, "once": str(form["once"].value())})
    assert response.status_code == 302
    inspection = Inspection.objects.get(kind=InspectionKind.CASE)
    assert TEXT in inspection.case_reason and not inspection.announced
    concern.refresh_from_db()
    assert concern.inspection == inspection and concern.status == ConcernStatus.UNDER_INSPECTION
    public = client.get(f"/public/concerns/track/?code={concern.tracking_code}").content.decode()
    assert "办理中" in public and "检查" not in public  # being handled: an unannounced check is not told
    client.force_login(world.inspector_y)  # a concern out of reach cannot be linked
    assert client.get("/field/case-checks/new/", {"concern": concern.pk}).status_code in (403, 404)


def test_a_verified_concern_writes_a_credit_event(client, world, moment):
    concern = _received(client, world, moment)
    client.force_login(world.inspector_x)  # reads, does not decide
    assert client.post(f"/concerns/{concern.pk}/", {"verified": "yes", "note": "查实"}).status_code == 403
    client.force_login(world.head_x)
    response = client.post(f"/concerns/{concern.pk}/", {"verified": "yes", "note": "现场核查属实"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.VERIFIED
    event = CreditEvent.objects.get(kind=CreditEventKind.COMPLAINT_VERIFIED)
    assert event.institution == world.inst_p and event.source_id == concern.pk
    assert client.post(f"/concerns/{concern.pk}/", {"verified": "yes", "note": "again"}).status_code == 200
    assert CreditEvent.objects.filter(kind=CreditEventKind.COMPLAINT_VERIFIED).count() == 1
    assert client.get(f"/public/concerns/track/?code={concern.tracking_code}").context["concern"].decided


def test_a_concern_not_verified_writes_no_event(client, world, moment):
    concern = _received(client, world, moment)
    client.force_login(world.head_x)
    client.post(f"/concerns/{concern.pk}/", {"verified": "no", "note": "现场未发现"})
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.NOT_VERIFIED and not CreditEvent.objects.exists()
