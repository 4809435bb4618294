"""Permission rows for the blacklist and watch list: desk cases, steps, documents, partner notices,
the public list.

`extend_world` makes two cases of institution P (district X) by 东湖区民政局: one just proposed by
inspector_x (internal: the institution does not see it yet), one listed and published, with
joint-punishment notices to 东湖区消防救援大队 and 东湖区市场监督管理局.

Who sees a case: civil-affairs officials of X (the proposing line), the administrator, the partner
departments addressed (fire_inspector_x, for the listed one), operator P once the prior notice is
issued. Who acts: officials of the proposing department (a second one reviews), its head decides,
operator P answers and applies for repair. Everyone else in reach gets 403, outside reach 404.
"""

from tests.personas import PERSONAS, statuses

STEPS = ("review", "prior_notice", "delivery", "answer", "answer_review", "decide", "repair", "repair_review",
         "repair_decide")


def extend_world(world):
    from tests.builders.listings import listed, propose

    world.listing_proposed = propose(world, ground="8", facts="未按规定报送年度工作报告。")
    world.listing_listed = listed(world)
    world.listing_file = world.listing_listed.files.first()
    world.listing_partner_notice = world.listing_listed.partner_notices.get(department=world.fire_x)
    processes_at_every_node(world)


def processes_at_every_node(world):
    """Listing processes of P (one ground each: one open case per ground) holding a task of every
    node, and an open task of every human step: what the process rows and
    tests/test_task_url_of_another_step.py need."""
    import datetime as dt

    import time_machine

    from supervision.core import clock
    from supervision.listings import services
    from tests.builders import listing_flow as lf
    from tests.clocks import local

    def back(days):
        return time_machine.travel(local(clock.today() - dt.timedelta(days=days)), tick=False)

    cases = {}
    with back(430):  # a watch-list entry waived, listed, acknowledged, and past its 12 months today
        removed = lf.represented(world, lf.notified(world, lf.reviewed(world, lf.opened(world, ground="w_abnormal"))),
                                 waiver=True)
        lf.decided(world, removed)
        lf.acknowledged(removed, world.fire_inspector_x, world.fire_x)
        lf.acknowledged(removed, world.market_official_x, world.market_x)
    with back(40):
        main = lf.answer_reviewed(world, lf.represented(world, lf.notified(world, lf.reviewed(
            world, lf.opened(world, ground="3")))))
        listed = lf.answer_reviewed(world, lf.represented(world, lf.notified(world, lf.reviewed(
            world, lf.opened(world, ground="5")))))
        lapsed = lf.notified(world, lf.reviewed(world, lf.opened(world, ground="w_rectification")))
    day = lf.after_the_period(main)  # main waits for its decision; lapsed's period closed by its timer
    lf.decided(world, listed, day=day)
    lf.decided(world, lapsed, decision="dismiss", day=day)
    with time_machine.travel(local(listed.partner_notices.first().acknowledge_by + dt.timedelta(days=1)),
                             tick=False):
        lf.fire_due_timers()  # the partners are chased
    services.end_expired_listings()
    cases.update(main=main, listed=listed, lapsed=lapsed, removed=removed)
    cases["review"] = lf.opened(world, ground="1")
    cases["refused"] = lf.reviewed(world, lf.opened(world, ground="2"), agree=False)
    cases["notice"] = lf.reviewed(world, lf.opened(world, ground="9"))
    cases["representation"] = lf.notified(world, lf.reviewed(world, lf.opened(world, ground="6")))
    cases["answer"] = lf.represented(world, lf.notified(world, lf.reviewed(world, lf.opened(world, ground="w_penalty"))))
    world.lf_cases = cases

    where = {  # node: (case, filters) of the task its rows use
        "start": ("review", {}), "review": ("review", {"status": "NEW"}),
        "taken_forward": ("refused", {}), "not_taken_forward": ("refused", {}),
        "issue_notice": ("notice", {"status": "NEW"}), "delivery": ("main", {}),
        "representation": ("representation", {"status": "NEW"}), "representation__timeout": ("lapsed", {}),
        "waived_or_answered": ("main", {}), "review_answer": ("answer", {"status": "NEW"}),
        "period_over": ("main", {}), "end_of_period": ("main", {}), "decide": ("main", {"status": "NEW"}),
        "listed_or_dismissed": ("listed", {}), "dismissed": ("lapsed", {}), "any_partners": ("listed", {}),
        "notify_partners": ("listed", {}),
        "acknowledge": ("listed", {"status": "NEW", "data__department": world.fire_x.pk}),
        "acknowledge__timeout": ("listed", {}), "chase": ("listed", {}), "chased": ("listed", {}),
        "all_acknowledged": ("removed", {}), "still_listed": ("removed", {}), "in_publication": ("removed", {}),
        "removed": ("removed", {}),
    }
    world.lf_tasks = {node: lf.node_task(cases[name], node, **filters) for node, (name, filters) in where.items()}


def _reach(default, *, operator=True, partner=True):
    table = statuses(404, anonymous=302, inspector_x=default, head_x=default, planner_x=default, admin=default)
    if operator:
        table["operator_p"] = default
    if partner:
        table["fire_inspector_x"] = default
    return table


def step_statuses(step, case="listed") -> dict:
    """Who may open (GET) or submit (POST) a step of a case they can see."""
    visible = case == "listed"
    table = _reach(403, operator=visible, partner=visible)
    doers = {
        "review": {"head_x", "planner_x"},  # not inspector_x, who proposed
        "decide": {"head_x"}, "repair_decide": {"head_x"},
        "answer": {"operator_p"}, "repair": {"operator_p"},
    }.get(step, {"inspector_x", "head_x", "planner_x"})
    table.update({persona: 200 for persona in doers if table[persona] != 404})
    return table


def _case_url(suffix, case="listed"):
    return lambda w: f"/listings/cases/{getattr(w, 'listing_' + case).pk}/{suffix}"


RULES = {
    "public:listings:list": (lambda w: "/public/listings/", statuses(200)),
    "listings:index": (lambda w: "/listings/", statuses(302)),
    "listings:cases:index": (lambda w: "/listings/cases/", statuses(200, anonymous=302)),
    "listings:cases:list": (lambda w: "/listings/cases/?stage=listed", statuses(200, anonymous=302)),
    "listings:cases:export": (lambda w: "/listings/cases/export/?format=xlsx", statuses(200, anonymous=302)),
    "listings:cases:detail": (_case_url("detail/"), _reach(200)),
    "listings:cases:prior_notice_pdf": (_case_url("prior-notice.pdf"), _reach(200)),
    "listings:cases:decision_pdf": (_case_url("decision.pdf"), _reach(200)),
    "listings:cases:file": (lambda w: f"/listings/cases/{w.listing_listed.pk}/files/{w.listing_file.pk}/", _reach(200)),
    "listings:propose": (
        lambda w: f"/listings/propose/{w.inst_p.pk}/",
        statuses(403, anonymous=302, inspector_y=404, operator_q=404, inspector_x=200, head_x=200, planner_x=200)),
    "listings:institution": (
        lambda w: f"/listings/institutions/{w.inst_p.pk}/",
        statuses(403, anonymous=302, inspector_y=404, inspector_x=200, head_x=200, planner_x=200,
                 fire_inspector_x=200, admin=200)),
    "listings:partner_notices": (lambda w: "/listings/partner-notices/",
                                 statuses(200, anonymous=302, operator_p=403, operator_q=403)),
    "listings:partner_notice": (
        lambda w: f"/listings/partner-notices/{w.listing_partner_notice.pk}/",
        statuses(404, anonymous=302, fire_inspector_x=200, admin=200)),
    **{f"listings:cases:{step}": (_case_url(step.replace("_", "-") + "/"), step_statuses(step)) for step in STEPS},
}

# --- the listing process's pages (workflows/listing) -----------------------------------------------

_INTERNAL, _NOTIFIED, _ADDRESSED = ("review", "refused", "notice"), ("main", "representation", "answer", "lapsed"), (
    "listed", "removed")
_CASE_OF_NODE = {  # which case of processes_at_every_node the node's rows use (their reach follows)
    "start": "review", "review": "review", "taken_forward": "refused", "not_taken_forward": "refused",
    "issue_notice": "notice", "delivery": "main", "representation": "representation",
    "representation__timeout": "lapsed", "waived_or_answered": "main", "review_answer": "answer",
    "period_over": "main", "end_of_period": "main", "decide": "main", "listed_or_dismissed": "listed",
    "dismissed": "lapsed", "any_partners": "listed", "notify_partners": "listed", "acknowledge": "listed",
    "acknowledge__timeout": "listed", "chase": "listed", "chased": "listed", "all_acknowledged": "removed",
    "still_listed": "removed", "in_publication": "removed", "removed": "removed",
}
# The open task of each human step: who may take it.
_DOERS = {
    "review": {"head_x", "planner_x"},  # not inspector_x, who proposed
    "issue_notice": {"inspector_x", "head_x", "planner_x"}, "review_answer": {"inspector_x", "head_x", "planner_x"},
    "representation": {"operator_p"}, "decide": {"head_x"}, "acknowledge": {"fire_inspector_x"},
}


def _process_reach(case_name, default):
    """A process of P's case: X's civil-affairs officials and the admin; operator P once notified;
    the fire brigade once its joint-punishment notice was sent. Others 404 (not a hint it exists)."""
    return _reach(default, operator=case_name not in _INTERNAL, partner=case_name in _ADDRESSED)


def _task_url(node, action):
    def build(w):
        task = w.lf_tasks[node]
        return f"/listings/{task.process_id}/{node}/{task.pk}/{'' if action == 'index' else action + '/'}"

    return build


def _process_rows() -> dict:
    rows = {}
    for node, case_name in _CASE_OF_NODE.items():
        rows[f"listings:{node}:index"] = (_task_url(node, "index"), _process_reach(case_name, 302))
        rows[f"listings:{node}:detail"] = (_task_url(node, "detail"), _process_reach(case_name, 200))
    for node, doers in _DOERS.items():
        refused = _process_reach(_CASE_OF_NODE[node], 403)
        rows[f"listings:{node}:assign"] = (_task_url(node, "assign"), {**refused, **{p: 200 for p in doers}})
        rows[f"listings:{node}:unassign"] = (_task_url(node, "unassign"), refused)
        rows[f"listings:{node}:execute"] = (_task_url(node, "execute"), refused)  # nobody before taking it
    desk = statuses(200, anonymous=302)
    main = lambda w: f"/listings/{w.lf_cases['main'].process.pk}/"  # noqa: E731
    rows.update({
        "listings:inbox": (lambda w: "/listings/inbox/", desk),
        "listings:queue": (lambda w: "/listings/queue/", desk),
        "listings:archive": (lambda w: "/listings/archive/", desk),
        "listings:process_list": (lambda w: "/listings/flows/", desk),
        "listings:task_list": (lambda w: "/listings/tasks/", desk),
        "listings:process_detail": (main, _process_reach("main", 200)),
        "listings:process_chart": (lambda w: f"{main(w)}chart/", _process_reach("main", 200)),
    })
    return rows


RULES.update(_process_rows())

# POSTs to the process's task pages (test_permissions_every_url): executing untaken is refused to
# everyone in reach; taking is for the step's doers only.
POSTS = {
    **{f"listings:{node}:execute": (_task_url(node, "execute"), _process_reach(_CASE_OF_NODE[node], 403))
       for node in _DOERS},
    **{f"listings:{node}:assign": (_task_url(node, "assign"),
                                   {**_process_reach(_CASE_OF_NODE[node], 403), **{p: 302 for p in doers}})
       for node, doers in _DOERS.items()},
}

# The desk's step pages of a case with a process send those who may act to its task page (302), GET
# and POST alike; the others are refused as before (tests/test_listing_permissions.py).
def _redirected(step, case_name):
    table = step_statuses(step, "listed" if case_name not in _INTERNAL else "proposed")
    if case_name in _NOTIFIED:
        table["fire_inspector_x"] = 404  # no joint-punishment notice to its department
    return {persona: (302 if status == 200 else status) for persona, status in table.items()}


PROCESS_STEP_ROWS = {
    f"listings:cases:{step} ({case_name})": (
        lambda w, step=step, case_name=case_name: f"/listings/cases/{w.lf_cases[case_name].pk}/"
                                                  f"{step.replace('_', '-')}/",
        _redirected(step, case_name))
    for step, case_name in (("review", "review"), ("prior_notice", "notice"), ("answer", "representation"),
                            ("answer_review", "answer"), ("decide", "main"))
}
PROCESS_STEP_ROWS["listings:partner_notice (listed)"] = (
    lambda w: f"/listings/partner-notices/{w.lf_cases['listed'].partner_notices.get(department=w.fire_x).pk}/",
    statuses(404, anonymous=302, fire_inspector_x=302, admin=403))

# The proposal not yet notified: the institution and the partners do not see it at all.
PROPOSED_ROWS = {
    "detail": (_case_url("detail/", "proposed"), _reach(200, operator=False, partner=False)),
    "review": (_case_url("review/", "proposed"), step_statuses("review", "proposed")),
}

# POST: the steps as for GET (a refused submission re-shows the form with the rule, 200);
# acknowledging is done (302) by the partner addressed and refused (403) to the administrator.
POST_RULES = {
    **{name: (build, table) for name, (build, table) in RULES.items() if name.startswith("listings:cases:")
       and name.rsplit(":", 1)[1] in STEPS},
    "listings:propose": RULES["listings:propose"],
    "listings:partner_notice": (RULES["listings:partner_notice"][0],
                                {**RULES["listings:partner_notice"][1], "fire_inspector_x": 302, "admin": 403}),
    "public:listings:list": (RULES["public:listings:list"][0], statuses(405)),
}
assert all(set(table) == set(PERSONAS) for _build, table in [*RULES.values(), *POST_RULES.values(),
                                                              *POSTS.values(), *PROCESS_STEP_ROWS.values()])
