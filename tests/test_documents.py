"""Official documents render to PDF with Chinese text that can be read back."""

import subprocess

from django.template import engines

from supervision.documents.render import html_to_pdf, qr_data_uri


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_an_official_document_keeps_its_chinese_title_and_number(tmp_path):
    template = engines["django"].from_string(
        '{% extends "documents/base_official.html" %}{% block body %}'
        "<h1>责令限期整改通知书</h1><div class='doc-number'>示民整改〔2026〕17号</div>"
        "<p>请于2026年12月8日前完成整改。</p><img src='{{ qr }}'>{% endblock %}"
    )
    pdf = html_to_pdf(template.render({"qr": qr_data_uri("https://example.gov.cn/public/notices/x")}))
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "责令限期整改通知书" in text
    assert "示民整改〔2026〕17号" in text
    assert "2026年12月8日" in text


def test_a_qr_code_is_an_inline_svg():
    uri = qr_data_uri("https://example.gov.cn/x")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert len(uri) > 500


