"""Permission rows for the credit desk: an institution's credit page, grade lists, penalty records,
rule sets. `extend_world` records a penalty for institution P (district X) and a commendation.

Who sees what: officials over X and the administrator see P's credit and its penalty; operator P
sees its own credit page only; inspector Y and operator Q get 404. Lists are for officials
(scoped); rule sets for administrators.
"""

import datetime as dt

from tests.personas import admin_only, in_district_x, institution_p, officials_only, statuses

DAY = dt.date(2026, 11, 2)


def extend_world(world):
    from supervision.credit import penalties, services

    world.penalty_p = penalties.record_penalty(
        world.head_x, world.inst_p, decision_number="东民罚〔2026〕1号", violation_type="未按期整改消防隐患",
        facts="逾期未整改", legal_basis="《养老机构管理办法》第四十六条", category="fine", content="警告并处罚款",
        fine="1.5", decision_date=DAY,
    )
    world.credit_event_p = services.record_event(world.inspector_x, institution=world.inst_p, kind="commendation",
                                                 decided_on=DAY, note="市级表彰")


RULES = {
    "credit:index": (lambda w: "/credit/", statuses(302)),
    "credit:institution": (lambda w: f"/credit/institutions/{w.inst_p.pk}/", institution_p()),
    "credit:record_event": (lambda w: f"/credit/institutions/{w.inst_p.pk}/events/new/",
                            {**in_district_x(), "operator_p": 403}),
    "credit:distribution": (lambda w: "/credit/grades/", officials_only()),
    "credit:changes": (lambda w: "/credit/grades/changes/", officials_only()),
    "credit:penalties": (lambda w: "/credit/penalties/", officials_only()),
    "credit:penalty_new": (lambda w: "/credit/penalties/new/", officials_only()),
    "credit:penalty": (lambda w: f"/credit/penalties/{w.penalty_p.pk}/",
                       {**in_district_x(), "operator_p": 403, "operator_q": 403}),
    "credit:penalty_withdraw": (lambda w: f"/credit/penalties/{w.penalty_p.pk}/withdraw/", statuses(405, anonymous=302)),
    "credit:rule_sets": (lambda w: "/credit/rule-sets/", admin_only()),
    "credit:rule_set_new": (lambda w: "/credit/rule-sets/new/", admin_only()),
}

# POST: what each persona gets when it submits (refusals change nothing; see tests/test_credit_desk.py).
POST_RULES = {
    "credit:record_event": {**in_district_x(), "operator_p": 403, "operator_q": 404},
    "credit:penalty_new": {**officials_only()},
    "credit:penalty_withdraw": {**in_district_x(), "operator_p": 403, "operator_q": 403},
    "credit:rule_set_new": admin_only(),
}
