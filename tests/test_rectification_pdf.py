"""The notice PDF reads back (pdftotext) with its Chinese title, number and deadline date."""

import datetime as dt
import subprocess

import pytest

from supervision.rectification.documents import render_notice_pdf
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_notice_pdf_has_its_title_number_deadline_and_institution(world, tmp_path):
    notice = issue(world, [finding(inspection(world), "G")], today=dt.date(2026, 11, 23))
    pdf = render_notice_pdf(notice)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path).replace(" ", "")
    assert "责令限期整改通知书" in text
    assert notice.number in text
    assert "2026年12月7日" in text
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
