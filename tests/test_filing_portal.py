"""The institution's filing pages: bad input gets a precise message next to its field and the draft survives."""

import re

import pytest

from django.utils import translation

from supervision.filings.forms import FilingForm
from tests.builders.filings import TODAY, certificate

FLOOR_AREA_NOT_A_NUMBER = FilingForm._meta.error_messages["floor_area"]["invalid"]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(TODAY, tick=False)


@pytest.fixture
def draft(world, client):
    client.force_login(world.operator_p)
    response = client.post("/filings/portal/start/initial/")
    assert response.status_code == 302
    from supervision.filings.models import Filing

    return Filing.objects.get(institution=world.inst_p)


def _post(world, client, filing, action="submit", files=None, **values):
    data = {
        "action": action,
        "f-name": "东湖颐养院", "f-credit_code": world.inst_p.credit_code, "f-address": "湖滨街道测试路1号",
        "f-region": world.street_x1.pk, "f-legal_representative": "张三", "f-registration_level": "district",
        "f-office": world.civil_x.pk, "f-premises_title": "leased", "f-premises_title_note": "",
        "f-beds": "60", "f-floor_area": "1250.5", "f-contact_person": "李四", "f-contact_phone": "0791-88886666",
        "f-first_resident_on": "2026-11-02", "s-signer_name": "张三", "s-confirm": "on",
    }
    data.update({f"f-{k}" if not k.startswith(("s-", "c-")) else k: v for k, v in values.items()})
    if files is not None:
        data["c-certificate"] = files
    return client.post(f"/filings/portal/{filing.pk}/", data)


def _in_language(response, message) -> str:
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return str(message)


def _error_after(html: str, field_id: str) -> str:
    """The error shown right after the field's input (the same <p>)."""
    match = re.search(rf'id="{field_id}".*?</p>', html, re.S)
    assert match, field_id
    errors = re.findall(r'class="field-error"[^>]*>([^<]+)<', match.group(0))
    return " ".join(errors)


def test_a_complete_filing_is_submitted_from_the_phone_form(world, client, draft):
    response = _post(world, client, draft, files=certificate())
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == "submitted"
    assert draft.signature.signer_name == "张三"
    assert draft.versions.get().data["floor_area"] == "1250.5"


def test_bad_input_gets_a_message_next_to_each_field_and_the_draft_survives(world, client, draft):
    text = certificate("登记证书.pdf", b"this is not a pdf at all", "application/pdf")
    response = _post(world, client, draft, files=text, beds="5", floor_area="一千二百", contact_person="王五")
    assert response.status_code == 200
    html = response.content.decode()
    assert _error_after(html, "id_f-floor_area") == _in_language(response, FLOOR_AREA_NOT_A_NUMBER)
    assert "登记证书.pdf" in _error_after(html, "id_c-certificate")
    assert 'value="一千二百"' in html  # shown as typed
    draft.refresh_from_db()
    assert draft.state == "draft"
    assert draft.contact_person == "王五"  # what parsed is saved
    assert draft.floor_area is None

    # Now the certificate is good; beds below 10 are refused on submission.
    response = _post(world, client, draft, files=certificate(), beds="5")
    html = response.content.decode()
    assert "10" in _error_after(html, "id_f-beds")
    draft.refresh_from_db()
    assert draft.beds == 5 and draft.state == "draft" and draft.certificate_type == "application/pdf"


def test_a_credit_code_that_fails_its_check_is_named_next_to_its_field(world, client, draft):
    code = world.inst_p.credit_code
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = _post(world, client, draft, files=certificate(), credit_code=wrong)
    assert response.status_code == 200
    message = _error_after(response.content.decode(), "id_f-credit_code")
    assert code[-1] in message  # "…should be X"
    draft.refresh_from_db()
    assert draft.credit_code == wrong and draft.state == "draft"


def test_premises_outside_the_offices_jurisdiction_are_refused_next_to_the_address(world, client, draft):
    response = _post(world, client, draft, files=certificate(), region=world.street_y1.pk)
    message = _error_after(response.content.decode(), "id_f-region")
    assert world.civil_x.name in message
    response = _post(world, client, draft, office=world.civil_city.pk)
    message = _error_after(response.content.decode(), "id_f-office")
    assert world.civil_x.name in message  # the competent office is named


def test_a_certificate_that_is_not_a_pdf_or_image_is_refused(world, client, draft):
    response = _post(world, client, draft, files=certificate("证书.exe", b"MZ\x90\x00binary", "application/pdf"))
    assert "证书.exe" in _error_after(response.content.decode(), "id_c-certificate")
    draft.refresh_from_db()
    assert not draft.certificate


def test_a_second_filing_while_one_is_open_is_refused_with_a_message(world, client, draft):
    response = client.post("/filings/portal/start/initial/", follow=True)
    assert response.status_code == 200
    from supervision.filings.models import Filing

    assert Filing.objects.filter(institution=world.inst_p).count() == 1
    messages = [str(m) for m in response.context["messages"]]
    assert any("open" in m or "未完成" in m for m in messages), messages


def test_saving_a_draft_needs_nothing_complete(world, client, draft):
    response = _post(world, client, draft, action="save", beds="", floor_area="", name="东湖颐养院（新）",
                     **{"s-signer_name": "", "s-confirm": ""})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "东湖颐养院（新）" and draft.state == "draft"


def test_the_receipt_is_served_to_the_operator_once_accepted(world, client, draft):
    from supervision.filings import services

    _post(world, client, draft, files=certificate())
    draft.refresh_from_db()
    assert client.get(f"/filings/portal/{draft.pk}/receipt/").status_code == 404
    services.accept_filing(world.planner_x, draft)
    response = client.get(f"/filings/portal/{draft.pk}/receipt/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
