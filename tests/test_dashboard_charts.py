"""The dashboard's charts: SVG drawn on the server with a text alternative, each exportable as XLSX."""

import datetime as dt
import io

from openpyxl import load_workbook

from supervision.dashboard.charts import bar_chart
from supervision.dashboard.figures import Chart, Figure
from supervision.dashboard.periods import MONTH, QUARTER, YEAR, period_containing
from tests.url_rules_rectification import finding, inspection, issue


def test_a_chart_is_an_svg_image_with_a_title_a_description_and_a_link_per_bar():
    chart = Chart("demo", "逾期 <整改>", [Figure("东湖区", 3, "/rectification/notices/?district=1&deadline_state=overdue"),
                                       Figure("西山区", 0)])
    svg = bar_chart(chart)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title id=\"chart-demo-title\">逾期 &lt;整改&gt;</title>" in svg
    assert "东湖区: 3; 西山区: 0" in svg  # the description names every figure
    assert svg.count("<a href=") == 1 and "district=1&amp;deadline_state=overdue" in svg
    assert "<script" not in svg


def test_periods_run_from_the_first_to_the_last_day_and_compare_with_the_one_before():
    day = dt.date(2026, 1, 15)
    assert period_containing(MONTH, day).previous() == period_containing(MONTH, dt.date(2025, 12, 31))
    quarter = period_containing(QUARTER, dt.date(2026, 5, 31))
    assert (quarter.first, quarter.last) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert quarter.previous().first == dt.date(2026, 1, 1)
    year = period_containing(YEAR, day)
    assert (year.first, year.last, year.previous().first) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                                                             dt.date(2025, 1, 1))


def test_each_chart_exports_the_table_behind_it_as_xlsx(client, world):
    issue(world, [finding(inspection(world), "E")])
    client.force_login(world.head_x)
    charts = {c.key: c for s in client.get("/dashboard/").context["sections"] for c in s.charts}
    response = client.get("/dashboard/export/rectification.xlsx?period=year")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="dashboard-rectification-year-')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1:] == [(f.label, f.value) for f in charts["rectification"].figures]
    assert sum(r[1] for r in rows[1:]) == 1
    assert client.get("/dashboard/export/no_such_chart.xlsx").status_code == 404


def test_the_page_shows_each_chart_with_its_table_and_export_link(client, world):
    client.force_login(world.head_x)
    page = client.get("/dashboard/?period=quarter").content.decode()
    assert page.count("<svg") == page.count('class="dashboard-table"') >= 8
    assert "/dashboard/export/coverage_areas.xlsx?period=quarter" in page
    assert "dashboard/dashboard.css" in page and " style=" not in page.split('class="dashboard"')[1]


def test_a_long_label_is_cut_in_the_chart_and_kept_whole_in_its_tooltip():
    label = "A：无实际伤害，潜在危害极小，个别" * 2
    svg = bar_chart(Chart("long", "t", [Figure(label, 1)]))
    assert f"<title>{label}</title>" in svg
    shown = svg.split("</title>")[-1].split("</text>")[0]
    assert shown.endswith("…") and len(shown) < len(label)
