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
assert all(set(table) == set(PERSONAS) for _build, table in [*RULES.values(), *POST_RULES.values()])
