"""月度监管报告: the dashboard's figures for a month as a PDF in the official layout, made on demand."""

import subprocess

from tests.url_rules_rectification import finding, inspection, issue


def _text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_the_monthly_report_reads_back_with_the_dashboards_figures(client, world, time_machine):
    import datetime as dt

    time_machine.move_to(dt.datetime(2026, 12, 4, 2, tzinfo=dt.timezone.utc), tick=False)
    issue(world, [finding(inspection(world), "E")])
    client.force_login(world.head_x)
    assert "/dashboard/report.pdf" in client.get("/dashboard/").content.decode()
    response = client.get("/dashboard/report.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="monthly-report-2026-11.pdf"'
    text = _text(response.content)
    assert "月度监管报告" in text and "2026-11" in text
    assert "2026-11-01 至 2026-11-30" in text
    assert "未结整改通知及移交执法" in text and "超过 12 个月未现场检查" in text
    assert _text(client.get("/dashboard/report.pdf?month=2026-10").content).count("2026-10-01 至 2026-10-31") == 1
