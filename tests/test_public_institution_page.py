"""The public institution page shows the published facts and nothing else: penalties inside their
window (no warning alone, no withdrawn decision), inspection results with their national result
code, open and closed rectifications, list status, the grade explained in plain words; and compare."""

import datetime as dt

import pytest
from django.utils import timezone

from supervision.credit import penalties
from supervision.rectification.models import RectificationNotice
from tests.clocks import local
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def on_day(time_machine):
    time_machine.move_to(local(TODAY), tick=False)


def penalty(world, number, **values):
    base = dict(decision_number=number, violation_type="未按期整改消防隐患", facts="逾期未整改（内部记录）",
                legal_basis="《养老机构管理办法》第四十六条", category="fine", content="罚款", fine="1.5",
                decision_date=dt.date(2026, 11, 2))
    return penalties.record_penalty(world.head_x, world.inst_p, **{**base, **values})


def page(client, world):
    response = client.get(f"/public/institutions/{world.inst_p.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def section(html, anchor):
    start = html.index(f'id="{anchor}"')
    return html[start:html.index("</section>", start)]


def test_penalties_inside_their_window_only(client, world, on_day):
    penalty(world, "东民罚〔2026〕1号")
    withdrawn = penalty(world, "东民罚〔2026〕2号")
    penalties.withdraw_penalty(world.head_x, withdrawn, reason="复议撤销")
    penalty(world, "东民罚〔2026〕3号", category="warning", content="警告")
    penalty(world, "东民罚〔2025〕9号", decision_date=dt.date(2025, 5, 1), breach_class="minor")  # ended 2025-08-01
    html = section(page(client, world), "penalties")
    assert "东民罚〔2026〕1号" in html
    assert "东民罚〔2026〕2号" not in html  # withdrawn
    assert "东民罚〔2026〕3号" not in html  # a warning alone is not published
    assert "东民罚〔2025〕9号" not in html  # past its end of publication
    assert "内部记录" not in html and "张三" not in html  # no facts text, no legal representative


def test_inspection_results_with_their_code_and_rectifications_open_and_closed(client, world, on_day):
    clean = inspection(world)
    clean.submitted_at = timezone.make_aware(dt.datetime(2026, 11, 10, 15))
    clean.save()
    checked = inspection(world)
    checked.submitted_at = timezone.make_aware(dt.datetime(2026, 11, 12, 15))
    checked.save()
    open_notice = issue(world, [finding(checked, "D", title="消防通道堵塞")], start=False)
    later = inspection(world)
    later.submitted_at = timezone.make_aware(dt.datetime(2026, 11, 14, 15))
    later.save()
    closed_notice = issue(world, [finding(later, "B", title="台账不全")], start=False)
    RectificationNotice.objects.filter(pk=closed_notice.pk).update(closed_at=timezone.now())
    draft = inspection(world)
    draft.status = "in_progress"
    draft.save()
    finding(draft, "K", title="未提交的问题")

    html = page(client, world)
    results = section(html, "inspections")
    assert results.count('class="inspection-result"') == 3  # the record in progress is not published
    assert "未提交的问题" not in results
    codes = [chunk.split("</strong>")[0] for chunk in results.split('class="result-code">')[1:]]
    assert [c[:1] for c in codes] == ["E", "A", "1"]  # newest first: corrected, pending, no problem
    assert "消防通道堵塞" in results and open_notice.number in results
    assert "（检查发现）" not in results  # the inspector's free text stays inside
    assert "inspector_x" not in html and "fire_x" not in html  # no team names
    rect = section(html, "rectifications")
    open_part, closed_part = rect.split("<h3>")[1], rect.split("<h3>")[2]
    assert open_notice.number in open_part and closed_notice.number not in open_part
    assert closed_notice.number in closed_part


def test_the_grade_is_explained_in_plain_words(client, world, on_day):
    penalty(world, "东民罚〔2026〕1号")
    html = section(page(client, world), "grade")
    assert 'id="current-grade">' in html
    assert "-10" in html  # the penalty's points, with the day it stops counting
    assert "2027-11-02" in html


def test_list_status(client, world, on_day):
    from tests.builders.listings import listed

    case = listed(world)
    html = section(page(client, world), "lists")
    assert case.decision_number in html and 'class="listed"' in html


def test_compare_up_to_three(client, world, on_day):
    from tests.factories import institution

    third = institution(world.street_x2, name="第三院")
    fourth = institution(world.street_x2, name="第四院")
    penalty(world, "东民罚〔2026〕1号")
    ids = [world.inst_p.pk, world.inst_q.pk, third.pk]
    response = client.get("/public/compare/", {"id": ids})
    assert response.status_code == 200
    assert [row.name for row in response.context["rows"]] == ["东湖颐养院", "西山福寿院", "第三院"]
    assert [row.has_penalty for row in response.context["rows"]] == [True, False, False]
    assert client.get("/public/compare/", {"id": [*ids, fourth.pk]}).status_code == 400
    assert client.get("/public/compare/", {"id": "x"}).status_code == 400


def test_an_unknown_institution_is_404(client, world):
    assert client.get("/public/institutions/999999/").status_code == 404
