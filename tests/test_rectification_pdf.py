"""The notice PDF reads back (pdftotext) with its Chinese title, number and deadline date."""

import datetime as dt
import subprocess

import pytest

from supervision.rectification.documents import render_notice_pdf
from tests.clocks import local
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _on_monday(time_machine):
    """The notices are issued on Monday 23 November 2026, and the PDF gives that day."""
    time_machine.move_to(local(MONDAY), tick=False)


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_notice_pdf_has_its_title_number_deadline_and_institution(world, tmp_path):
    notice = issue(world, [finding(inspection(world), "G")], today=MONDAY)
    pdf = render_notice_pdf(notice)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path).replace(" ", "")
    assert "责令限期整改通知书" in text
    assert notice.number in text
    assert "2026年12月7日" in text
    assert "2026年11月23日" in text  # the day of issue
    assert "东湖颐养院" in text
    assert "消防通道堵塞" in text


def test_the_pdf_is_served_to_those_who_see_the_notice(client, world):
    notice = issue(world, [finding(inspection(world), "G")])
    client.force_login(world.operator_p)
    response = client.get(f"/rectification/notices/{notice.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    notice.refresh_from_db()
    assert notice.read_at is not None  # the read receipt
    assert notice.delivery_method == "account"


def test_the_pdf_stays_the_notice_as_issued_after_an_extension_and_the_delivery(world, tmp_path):
    from supervision.rectification import services
    from tests.url_rules_rectification import ask_extension, grant_extension

    notice = issue(world, [finding(inspection(world), "G")], today=MONDAY)
    before = pdf_text(render_notice_pdf(notice), tmp_path)
    ask_extension(world, notice, days=5)
    grant_extension(world, notice)
    services.record_delivery(world.inspector_x, notice, method="signed_on_site", received_by_name="王院长")
    world.inst_p.name = "东湖颐养院（更名）"
    world.inst_p.save()
    notice.refresh_from_db()
    assert notice.deadline == dt.date(2026, 12, 14)
    after = pdf_text(render_notice_pdf(notice), tmp_path)
    assert after == before
    assert "2026年12月7日" in after.replace(" ", "")


def test_the_pdf_gives_the_day_of_the_inspection_and_a_qr_code_to_the_site_address(world, settings):
    from supervision.rectification.documents import notice_context, verification_url

    settings.SITE_URL = "https://jg.example.gov.cn"
    insp = inspection(world)  # scheduled for 2026-11-10
    notice = issue(world, [finding(insp, "G")], today=MONDAY)
    context = notice_context(notice, verification_url(notice))
    assert context["inspected_on"] == "2026年11月10日"
    assert context["verify_url"] == f"https://jg.example.gov.cn/public/notices/{notice.public_token}/"
