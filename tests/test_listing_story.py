"""From a major fire hazard left past its deadline to a listing, joint punishment and its repair,
through the pages each person uses, with the clock moved day by day."""

import datetime as dt

import pytest
from viewflow.workflow.timers import fire_due_timers

from supervision.credit import services as credit
from supervision.listings import services
from supervision.listings.models import ListingCase, PartnerNotice, Stage
from supervision.notifications.models import Notification
from tests.builders.listings import market_department, photo
from tests.clocks import local
from tests.url_rules_rectification import finding, inspection, issue

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 2)


def _post(client, user, url, data=None):
    client.force_login(user)
    return client.post(url, data or {})


def test_an_overdue_fire_hazard_is_listed_acknowledged_by_two_partners_and_later_repaired(client, world, time_machine):
    market_department(world)
    time_machine.move_to(local(MONDAY, 9), tick=False)
    notice = issue(world, [finding(inspection(world), "J", major=True, fire=True, title="疏散通道堵塞")], today=MONDAY)

    # The rectification timer fires the day after the deadline: ground 4, a proposal for the head.
    time_machine.move_to(local(notice.deadline + dt.timedelta(days=1), 9), tick=False)
    fire_due_timers()
    case = ListingCase.objects.get()
    assert (case.ground, case.automatic, case.source_notice, case.stage) == ("4", True, notice, Stage.PROPOSED)
    assert Notification.objects.filter(recipient=world.head_x, link=f"/listings/cases/{case.pk}/detail/").exists()
    fire_due_timers()
    assert ListingCase.objects.count() == 1  # a retry opens nothing twice

    base = f"/listings/cases/{case.pk}"
    assert _post(client, world.head_x, f"{base}/review/", {"agree": "yes", "note": "逾期未改属实"}).status_code == 302
    assert _post(client, world.inspector_x, f"{base}/prior-notice/").status_code == 302
    client.force_login(world.inspector_x)
    pdf = client.get(f"{base}/prior-notice.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

    # The institution opens its case: the read receipt is the delivery; the period runs from today.
    client.force_login(world.operator_p)
    assert client.get(f"{base}/detail/").status_code == 200
    case.refresh_from_db()
    assert case.delivery_method == "account" and case.representation_deadline > services.clock.today()
    answer = {"statement": "通道已于次日清理完毕，请求不予列入。", "files": [photo("清理后.png")]}
    assert _post(client, world.operator_p, f"{base}/answer/", answer).status_code == 302
    assert _post(client, world.inspector_x, f"{base}/answer-review/",
                 {"founded": "no", "review": "复查时通道仍被占用，申辩不成立。"}).status_code == 302

    # The head cannot decide while the period runs; the day after it, the decision lists and publishes.
    early = _post(client, world.head_x, f"{base}/decide/", {"decision": "list", "reasons": "依法列入。"})
    assert early.status_code == 200 and "国办发〔2020〕49号" in early.content.decode()
    time_machine.move_to(local(case.representation_deadline + dt.timedelta(days=1), 9), tick=False)
    assert _post(client, world.head_x, f"{base}/decide/", {"decision": "list", "reasons": "依法列入。"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.LISTED and case.decision_number
    assert client.get(f"{base}/decision.pdf").content.startswith(b"%PDF")
    client.logout()
    assert case.decision_number in client.get("/public/listings/").content.decode()

    # Joint punishment: each partner department acknowledges the notice addressed to it.
    notices = {n.department_id: n for n in PartnerNotice.objects.filter(case=case)}
    assert set(notices) == {world.fire_x.pk, world.market_x.pk}
    for user, department in ((world.fire_inspector_x, world.fire_x), (world.market_official_x, world.market_x)):
        url = f"/listings/partner-notices/{notices[department.pk].pk}/"
        assert _post(client, user, url, {"measures": "限制参与政府采购"}).status_code == 302
    assert not PartnerNotice.objects.filter(case=case, acknowledged_at__isnull=True).exists()

    # While listed the institution is graded D, whatever its score.
    _rule_set, graded = credit.assess(world.inst_p.pk)
    assert graded.blacklisted and graded.grade == "D"
    world.inst_p.refresh_from_db()
    assert world.inst_p.credit_class == "D"  # what the draw reads

    # Two years on, the institution applies for repair; reviewed and granted, publication stops.
    time_machine.move_to(local(case.repair_possible_from, 9), tick=False)
    repair = {"rectification_done": "已全面整改，安装防火门。", "commitment": "本院承诺依法经营，自愿接受监督。",
              "files": [photo("整改完成.png")]}
    assert _post(client, world.operator_p, f"{base}/repair/", repair).status_code == 302
    assert _post(client, world.inspector_x, f"{base}/repair-review/", {"note": "现场核实整改到位"}).status_code == 302
    assert _post(client, world.head_x, f"{base}/repair-decide/", {"grant": "yes", "reasons": "符合修复条件"}).status_code == 302
    case.refresh_from_db()
    assert case.stage == Stage.REPAIRED
    assert not PartnerNotice.objects.filter(case=case, lifted_at__isnull=True).exists()
    client.logout()
    assert case.decision_number not in client.get("/public/listings/").content.decode()
    _rule_set, recovered = credit.assess(world.inst_p.pk)
    assert not recovered.blacklisted and recovered.grade == recovered.band_grade != "D"
    assert [line.kind for line in recovered.moved_by].count("blacklist_entry") <= 1
