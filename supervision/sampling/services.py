"""What happens to a spot-check plan, one plain function per step; each checks who may do it.

submit_plan → approve_plan / return_plan (each participating department's head) → commit_seed
(the seed's SHA-256 and the frozen inputs' hashes are published) → run_draw (an infeasible draw
is published at once, with its problems) → confirm_draw (the lead head), or request_redraw (the
lead head, on a ground from a fixed list) and approve_redraw (a second head: two people, and at
most SPOT_CHECK_MAX_REDRAWS per plan; the discarded draw is published) → publish_result (seed,
inputs, result, record file; one inspection per target with its team).

Each new commitment carries the previous draw's commitment, revealed seed and the reason it was
discarded (engine "chain"), so no draw can be dropped quietly.

The inputs are frozen when the seed is committed, not when the draw runs: whoever holds the seed
could otherwise try inputs until one gives a result they like (engine.py, "Limit of the
commitment"). The hashes of the frozen lists are public from the commitment on.

Calls from the flow are not permission-checked by Viewflow, so every function that a person
triggers takes the user and checks it here. Steps the system takes on its own (commit_seed,
publish_result) check the state of the plan instead.
"""

import json
from collections import Counter
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.models import Department, Region
from supervision.core.audit import record_created
from supervision.credit import rules as credit_rules
from supervision.credit.models import CreditStanding
from supervision.inspections.models import Inspection, InspectionStatus
from supervision.notifications.models import NotificationKind
from supervision.registry.models import Institution, OperatingStatus, supervised_q
from supervision.sampling import engine
from supervision.sampling.models import (
    CREDIT_CLASSES,
    Decision,
    DrawnTarget,
    DrawRecord,
    PlanApproval,
    PlanRound,
    RedrawGround,
    RedrawRequest,
    SamplingMode,
    SpotCheckPlan,
)
from supervision.staff.access import actor_for
from supervision.staff.models import ConflictOfInterest, Official, Role

PLAN_FIELDS = (
    "name", "region", "institution_kinds", "check_kind", "mode", "ratio_a", "ratio_b", "ratio_c", "ratio_d",
    "unrated_as", "team_size", "max_targets_per_inspector", "period_start", "period_end",
)
OPEN_INSPECTION_STATUSES = (InspectionStatus.SCHEDULED, InspectionStatus.IN_PROGRESS)


# --- who may do what -------------------------------------------------------------------------


def plans_for(user):
    """Plans a user may see: officials those of their own department, of departments of their kind in
    their jurisdiction (the department line: a district market-regulation inspector does not see the
    civil-affairs plans it takes no part in) and those their department takes part in; operators none."""
    plans = SpotCheckPlan.objects.all()
    actor = actor_for(user)
    if actor.is_admin:
        return plans
    if not actor.is_official or actor.jurisdiction is None:
        return plans.none()
    department = actor.official.department_id
    reach = (
        Q(region__path__startswith=actor.jurisdiction.path, department__kind=actor.official.department.kind)
        | Q(department=department)
        | Q(participating_departments=department)
    )
    return plans.filter(pk__in=SpotCheckPlan.objects.filter(reach).values("pk"))


def may_draft(user, department: Department | None = None, region: Region | None = None) -> bool:
    """A planner drafts for their own department, inside its jurisdiction (谁主管谁监管)."""
    actor = actor_for(user)
    if actor.official is None or Role.PLANNER not in actor.roles:
        return False
    own = actor.official.department
    if department is not None and department.pk != own.pk:
        return False
    return region is None or own.region.contains(region)


def is_head_of(user, department: Department | None) -> bool:
    actor = actor_for(user)
    return (
        department is not None and actor.official is not None and Role.HEAD in actor.roles
        and actor.official.department_id == department.pk
    )


def may_revise(user, plan: SpotCheckPlan) -> bool:
    return may_draft(user, plan.department, plan.region)


def may_run_draw(user, plan: SpotCheckPlan) -> bool:
    """The lead department's planners or head run the draw."""
    return may_draft(user, plan.department) or is_head_of(user, plan.department)


def may_see_unpublished_result(user, plan: SpotCheckPlan) -> bool:
    """Before publication a draw's result and problems are the lead department's business (its
    planners and heads) and the administrators'; other officials in reach see the commitment."""
    return actor_for(user).is_admin or may_run_draw(user, plan)


def may_decide_redraw(user, request: RedrawRequest) -> bool:
    """The second person of a re-draw: a head of any department of the plan, not the requester."""
    plan = request.draw.plan
    return (
        request.approved is None and user.pk != request.requested_by_id
        and any(is_head_of(user, d) for d in plan.plan_departments())
    )


def _require(condition: bool):
    if not condition:
        raise PermissionDenied


# --- notifications: who must act next hears of it ------------------------------------------------


def _users_with_role(department_ids, role):
    return [o.user for o in Official.objects.filter(
        department_id__in=list(department_ids), user__is_active=True, user__groups__name=role,
    ).select_related("user")]


def _tell(users, kind, text, link):
    from supervision.notifications.services import notify

    notify(users, kind, text, link)


def eligible_departments(region: Region):
    """Departments that may take part in a check of ``region``: their jurisdiction overlaps it."""
    return Department.objects.filter(
        Q(region__path__in=_ancestor_paths(region)) | Q(region__path__startswith=region.path)
    ).order_by("region__path", "kind")


def with_a_head(departments):
    """Those of ``departments`` with an active head: only they can approve a plan (a department
    without one would leave its approval task in nobody's queue)."""
    heads = Official.objects.filter(
        department=OuterRef("pk"), user__is_active=True, user__groups__name=Role.HEAD,
    )
    return departments.filter(Exists(heads))


def _ancestor_paths(region: Region) -> list[str]:
    """"/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"]: the region and everything above it."""
    codes = [c for c in region.path.split("/") if c]
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


# --- drafting and approvals ------------------------------------------------------------------


def _without_a_head(departments) -> list[str]:
    pks = [d.pk for d in departments]
    with_head = set(with_a_head(Department.objects.filter(pk__in=pks)).values_list("pk", flat=True))
    return [d.name for d in departments if d.pk not in with_head]


def _validate_plan(plan: SpotCheckPlan, items, participating):
    errors = {}
    if not items:
        errors["items"] = _("Choose at least one check item.")
    allowed = set(eligible_departments(plan.region).values_list("pk", flat=True))
    if any(d.pk not in allowed for d in participating):
        errors["participating_departments"] = _(
            "A participating department's jurisdiction must overlap the plan's region."
        )
    elif headless := _without_a_head([plan.department, *participating]):
        errors["participating_departments"] = _(
            "These departments have no head to approve the plan: %(names)s. Ask their administrator to "
            "name a head first, or plan without them."
        ) % {"names": "、".join(headless)}
    start, end = plan.period_start, plan.period_end
    if end and end < clock.today():
        errors["period_end"] = _("The period has already ended: a plan is for checks still to come.")
    elif start and end and (end - start).days > 366:
        errors["period_end"] = _("A plan covers at most one year (双随机 plans are made each year).")
    if plan.team_size is not None and plan.team_size < 2:
        errors["team_size"] = _("A team has at least 2 inspectors.")
    try:
        plan.full_clean(exclude=["created_by", "department"])
    except ValidationError as e:
        errors.update(e.message_dict)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def submit_plan(user, fields: dict, items, participating, plan: SpotCheckPlan | None = None) -> SpotCheckPlan:
    """Save a new or revised plan and submit it: a new round of approvals starts."""
    actor = actor_for(user)
    _require(actor.official is not None)
    department = actor.official.department if plan is None else plan.department
    _require(may_draft(user, department, fields.get("region")))
    if plan is None:
        plan = SpotCheckPlan(department=department, created_by=user)
    elif plan.withdrawn_at is not None or (plan.round and _round_outcome(plan) == "pending") or (
        public_status(plan) in ("committed", "published")
    ):
        raise ValidationError(_("This plan cannot be changed now."))
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    participating = [d for d in participating if d.pk != department.pk]
    _validate_plan(plan, list(items), participating)
    plan.round += 1
    plan.submitted_at = clock.now()
    plan.save()
    plan.items.set(items)
    plan.participating_departments.set(participating)
    problems = staffing_problems(plan)
    if problems:  # before any head is asked (the transaction rolls the submission back)
        raise ValidationError(problems)
    PlanRound.objects.create(plan=plan, round=plan.round, snapshot=plan_snapshot(plan), submitted_by=user)
    _tell(_users_with_role([d.pk for d in plan.plan_departments()], Role.HEAD), NotificationKind.APPROVAL_REQUESTED,
          _("Spot-check plan “%(name)s” of %(department)s awaits your department's approval.") % {
              "name": plan.name, "department": plan.department.name}, reverse("spotcheck:queue"))
    return plan


def staffing_problems(plan: SpotCheckPlan) -> list[str]:
    """A dry run of the draw on today's inputs with a throw-away seed: what would stop the real draw
    from staffing its targets (specialties, caps, conflicts, departments without inspectors), in
    words, with how many targets each rule stops. Nothing is stored or published."""
    import secrets

    from supervision.sampling.presentation import rule_text

    inspectors = _inspectors(plan)
    result = engine.draw(_candidates(plan), inspectors, _conflicts(plan, [i.id for i in inspectors]),
                         draw_rules(plan), secrets.token_bytes(32))
    if result.feasible:
        return []
    counts = Counter(p.rule for p in result.problems)
    return [
        _("Dry run of the draw: %(count)s targets could not be staffed: %(rule)s. Add inspectors, lower the "
          "ratios or the team size, or raise the cap, before the plan goes to the heads.") % {
            "count": n, "rule": rule_text(rule)}
        for rule, n in counts.most_common()
    ]


def plan_snapshot(plan: SpotCheckPlan) -> dict:
    """The plan's fields as submitted, in words a reader of the process page understands."""
    return {
        "name": plan.name,
        "region": f"{plan.region.full_name} ({plan.region.code})",
        "institution_kinds": plan.institution_kind_labels(),
        "check_kind": str(plan.get_check_kind_display()),
        "mode": str(plan.get_mode_display()),
        "ratios": {cls: str(p.normalize()) for cls, p in plan.ratio_percents().items()} | {"unrated": plan.unrated_as},
        "team_size": plan.team_size,
        "max_targets_per_inspector": plan.max_targets_per_inspector,
        "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
        "items": [item.title for item in plan.items.order_by("code")],
        "participating_departments": [d.name for d in plan.other_departments()],
    }


def pending_departments(plan: SpotCheckPlan) -> list[Department]:
    """Departments whose head has not yet decided on the current round."""
    decided = set(plan.approvals.filter(round=plan.round).values_list("department_id", flat=True))
    return [d for d in plan.plan_departments() if d.pk not in decided]


def _round_outcome(plan: SpotCheckPlan) -> str:
    """"approved" (every department), "returned" (any), or "pending"."""
    decisions = dict(plan.approvals.filter(round=plan.round).values_list("department_id", "decision"))
    if Decision.RETURNED in decisions.values():
        return "returned"
    if all(decisions.get(d.pk) == Decision.APPROVED for d in plan.plan_departments()):
        return "approved"
    return "pending"


def is_approved(plan: SpotCheckPlan) -> bool:
    return plan.round > 0 and plan.withdrawn_at is None and _round_outcome(plan) == "approved"


def is_returned(plan: SpotCheckPlan) -> bool:
    return _round_outcome(plan) == "returned"


def _decide(user, plan, department, decision, comments):
    _require(is_head_of(user, department))
    if plan.withdrawn_at is not None or department not in pending_departments(plan) or is_returned(plan):
        raise ValidationError(_("This plan is not waiting for your department's decision."))
    return PlanApproval.objects.create(
        plan=plan, round=plan.round, department=department, decision=decision, comments=comments, decided_by=user
    )


def approve_plan(user, plan: SpotCheckPlan, department: Department, comments: str = "") -> PlanApproval:
    return _decide(user, plan, department, Decision.APPROVED, comments)


def return_plan(user, plan: SpotCheckPlan, department: Department, comments: str) -> PlanApproval:
    if not (comments or "").strip():
        raise ValidationError(_("Say what must change when you return a plan."))
    decision = _decide(user, plan, department, Decision.RETURNED, comments)
    _tell(_users_with_role([plan.department_id], Role.PLANNER), NotificationKind.PLAN_RETURNED,
          _("%(department)s returned the spot-check plan “%(name)s”: %(comments)s") % {
              "department": department.name, "name": plan.name, "comments": comments.strip()},
          reverse("spotcheck:queue"))
    return decision


@transaction.atomic
def withdraw_plan(user, plan: SpotCheckPlan) -> SpotCheckPlan:
    """Withdraw a plan waiting for revision; never one with a committed or published draw."""
    plan = SpotCheckPlan.objects.select_for_update().get(pk=plan.pk)
    _require(may_revise(user, plan))
    if plan.withdrawn_at is not None or public_status(plan) in ("committed", "published"):
        raise ValidationError(_("This plan cannot be withdrawn now."))
    plan.withdrawn_at = clock.now()
    plan.save(update_fields=["withdrawn_at"])
    return plan


def last_returns(plan: SpotCheckPlan):
    """The comments of the last round that was returned (what the planner must address)."""
    returned = plan.approvals.filter(decision=Decision.RETURNED).order_by("-round").first()
    if returned is None:
        return PlanApproval.objects.none()
    return plan.approvals.filter(round=returned.round).select_related("department", "decided_by")


# --- the draw's inputs -----------------------------------------------------------------------


def _ratios(plan: SpotCheckPlan) -> dict[str, Fraction]:
    return {cls: Fraction(Decimal(percent)) / 100 for cls, percent in plan.ratio_percents().items()}


def draw_rules(plan: SpotCheckPlan) -> engine.DrawRules:
    departments = plan.plan_departments()
    return engine.DrawRules(
        lead_department=departments[0].name,
        participating_departments=tuple(d.name for d in departments[1:]),
        ratios=_ratios(plan),
        unrated_as=plan.unrated_as,
        full_coverage=plan.mode == SamplingMode.FULL,
        team_size=plan.team_size,
        required_specialties=frozenset(
            plan.items.filter(specialty__isnull=False).values_list("specialty__code", flat=True)
        ),
        max_targets_per_inspector=plan.max_targets_per_inspector,
        scope_region_code=plan.region.code,
        scope_region_name=plan.region.full_name,
        institution_kinds=tuple(plan.institution_kinds),
        operating_status=OperatingStatus.OPERATING,
    )


def candidate_institutions(plan: SpotCheckPlan):
    """The target library for this plan: operating institutions of the scope's kinds, in SQL."""
    return Institution.objects.filter(
        supervised_q(plan.region.path),
        kind__in=plan.institution_kinds,
        operating_status=OperatingStatus.OPERATING,
    )


def _candidates(plan: SpotCheckPlan) -> list[engine.Candidate]:
    institutions = candidate_institutions(plan)
    previous: dict[int, tuple[int, ...]] = {}
    earlier = (
        DrawnTarget.objects.filter(institution__in=institutions, inspection__isnull=False)
        .order_by("institution_id", "-draw__published_at", "-pk").values_list("institution_id", "team_order")
    )
    for institution_id, team in earlier:
        previous.setdefault(institution_id, tuple(team))
    # The credit class is the current grade under the scheme that drives supervision (the registry's
    # credit_class mirrors it, written by credit.services.store), frozen with the day it was graded.
    graded_on = dict(CreditStanding.objects.filter(
        institution__in=institutions, code=credit_rules.PRIMARY).values_list("institution_id", "graded_on"))
    rows = institutions.values_list("pk", "region__code", "kind", "credit_class", "name", "credit_code")
    return [
        engine.Candidate(
            id=pk, region=code, kind=kind,
            credit_class=credit_class if credit_class in CREDIT_CLASSES else engine.UNRATED,
            previous_inspectors=previous.get(pk, ()), name=name, credit_code=credit_code,
            credit_graded_on=graded_on[pk].isoformat() if pk in graded_on else "",
        )
        for pk, code, kind, credit_class, name, credit_code in rows
    ]


def _serving_department(official: Official, departments: list[Department]) -> Department | None:
    """The plan department an inspector serves under: their own, or the nearest one of the same
    kind above it (a district fire brigade serves under the city's fire department)."""
    own = official.department
    best = None
    for d in departments:
        if d.pk == own.pk:
            return d
        if d.kind == own.kind and own.region.path.startswith(d.region.path):
            if best is None or len(d.region.path) > len(best.region.path):
                best = d
    return best


def plan_inspectors(plan: SpotCheckPlan) -> list[tuple[Official, Department]]:
    """Qualified inspectors (``can_inspect``) of the plan's departments, and the department each
    serves under. Departments below a plan department count when their jurisdiction overlaps
    the plan's region."""
    departments = plan.plan_departments()
    reach = Q()
    for d in departments:
        reach |= Q(department=d) | Q(department__kind=d.kind, department__region__path__startswith=d.region.path)
    overlap = Q(department__region__path__in=_ancestor_paths(plan.region)) | Q(
        department__region__path__startswith=plan.region.path
    )
    officials = (
        Official.objects.filter(user__groups__name=Role.INSPECTOR).filter(reach).filter(overlap).distinct()
        .select_related("department__region", "region").prefetch_related("specialties").order_by("pk")
    )
    pool = []
    for official in officials:
        if not official.can_inspect():
            continue
        serving = _serving_department(official, departments)
        if serving is not None:
            pool.append((official, serving))
    return pool


def _inspectors(plan: SpotCheckPlan):
    pool = plan_inspectors(plan)
    ids = [o.pk for o, _d in pool]
    load = dict(
        Inspection.objects.filter(status__in=OPEN_INSPECTION_STATUSES, team__in=ids)
        .values("team").annotate(n=Count("pk", distinct=True)).values_list("team", "n")
    )
    return [
        engine.Inspector(
            id=o.pk, department=d.name, region=o.region.code,
            specialties=frozenset(s.code for s in o.specialties.all()), load=load.get(o.pk, 0),
            name=o.name, own_department=o.department.name,
        )
        for o, d in pool
    ]


def _conflicts(plan: SpotCheckPlan, inspector_ids) -> list[engine.Conflict]:
    rows = ConflictOfInterest.objects.filter(
        ConflictOfInterest.in_force_q(), official__in=inspector_ids, institution__in=candidate_institutions(plan)
    ).values_list("official_id", "institution_id")
    return [engine.Conflict(official_id, institution_id) for official_id, institution_id in rows]


def freeze_inputs(plan: SpotCheckPlan, conflict_key: bytes, chain: dict | None = None):
    """(the five input parts as one canonical JSON document, the declared conflicts in full)."""
    candidates = _candidates(plan)
    inspectors = _inspectors(plan)
    conflicts = _conflicts(plan, [i.id for i in inspectors])
    data = engine.canonical_inputs(candidates, inspectors, conflicts, draw_rules(plan), conflict_key, chain)
    return data, conflicts


def private_conflicts(draw: DrawRecord) -> list[engine.Conflict]:
    return [engine.Conflict(inspector_id, candidate_id) for candidate_id, inspector_id in draw.conflict_pairs]


def frozen_inputs(draw: DrawRecord) -> bytes:
    with draw.inputs_file.open("rb") as f:
        data = f.read()
    if engine.sha256_hex(data) != draw.inputs_sha256:
        raise ValidationError(_("The stored inputs of this draw no longer match their published hash."))
    return data


# --- commitment, draw, confirmation, publication ----------------------------------------------


def is_disclosed(draw: DrawRecord) -> bool:
    """Whether the public may see this draw's seed, inputs and result.

    A feasible or superseded draw: once published. An infeasible draw publishes nothing at the time
    (the issue: "explains itself and publishes nothing"); its seed, inputs and problems are disclosed
    with the plan's published result, so anyone can still check that the failure was real and that
    the next commitment carries it.
    """
    if draw.published_at is None:
        return False
    if draw.feasible is not False:
        return True
    return draw.plan.draws.filter(number__gt=draw.number, feasible=True, published_at__isnull=False).exists()


def current_draw(plan: SpotCheckPlan) -> DrawRecord | None:
    return plan.draws.order_by("-number").first()


def _chain(previous: DrawRecord | None, redraw_of: DrawRecord | None, ground: str, reason: str) -> dict | None:
    """The link to the previous draw that the new commitment carries (engine.chain_json)."""
    if previous is None:
        return None
    if previous.published_at is None or not (previous.feasible is False or previous == redraw_of):
        raise ValidationError(_("The plan's last draw is still open; no new seed can be committed."))
    link = {
        "number": previous.number, "commitment": previous.commitment, "seed": bytes(previous.seed).hex(),
        "outcome": "superseded" if previous == redraw_of else "infeasible",
        "ground": ground if previous == redraw_of else "", "reason": reason if previous == redraw_of else "",
    }
    return link


@transaction.atomic
def commit_seed(plan: SpotCheckPlan, redraw_of: DrawRecord | None = None, ground: str = "",
                reason: str = "") -> DrawRecord:
    """Freeze the inputs, make a secret seed and publish its SHA-256 (and the inputs' hashes).

    One open draw per round: called again before that draw has run, it returns the same draw.
    """
    plan = SpotCheckPlan.objects.select_for_update().select_related("department", "region").get(pk=plan.pk)
    if not is_approved(plan):
        raise ValidationError(_("A seed is committed only for a plan every department has approved."))
    open_draw = plan.draws.filter(drawn_at__isnull=True).order_by("-number").first()
    if open_draw is not None:
        return open_draw
    previous = current_draw(plan)
    link = _chain(previous, redraw_of, ground, reason)
    rules = engine.rules_json(draw_rules(plan))
    same_rules = None if previous is None else json.loads(frozen_inputs(previous))["rules"] == rules
    chain = engine.chain_json(link, same_rules)
    seed, conflict_key = engine.new_seed(), engine.new_seed()
    inputs, conflicts = freeze_inputs(plan, conflict_key, chain)
    parsed = json.loads(inputs)
    draw = DrawRecord(
        plan=plan, number=(previous.number + 1) if previous else 1, round=plan.round, redraw_of=redraw_of,
        redraw_ground=ground, redraw_reason=reason, same_rules_as_previous=same_rules,
        commitment=engine.commitment(seed), seed=seed, inputs_sha256=engine.sha256_hex(inputs),
        input_sha256=engine.input_hashes(parsed), conflict_key=conflict_key,
        conflict_pairs=sorted([c.candidate_id, c.inspector_id] for c in set(conflicts)),
        candidate_count=len(parsed["candidates"]), inspector_count=len(parsed["inspectors"]),
    )
    draw.inputs_file.save("inputs.json", ContentFile(inputs), save=False)
    draw.save()
    return draw


@transaction.atomic
def run_draw(user, draw: DrawRecord) -> DrawRecord:
    """Draw targets and teams from the frozen inputs and the committed seed. An infeasible draw
    is published at once (seed, inputs, problems) and creates nothing."""
    draw = DrawRecord.objects.select_for_update().select_related("plan__department").get(pk=draw.pk)
    _require(user is not None and may_run_draw(user, draw.plan))
    if draw.drawn_at is not None:
        raise ValidationError(_("This draw has already run."))
    frozen = engine.load_inputs(json.loads(frozen_inputs(draw)))
    result = engine.draw(frozen.candidates, frozen.inspectors, private_conflicts(draw), frozen.rules,
                         bytes(draw.seed))
    draw.drawn_at, draw.drawn_by = clock.now(), user
    draw.feasible = result.feasible
    draw.result = engine.result_json(result)
    draw.result_sha256 = engine.result_digest(result)
    draw.problems = draw.result["problems"]
    draw.save()
    if not result.feasible:
        _publish_record(draw, result)
        plan = draw.plan
        _tell([*_users_with_role([plan.department_id], Role.PLANNER), *_users_with_role([plan.department_id], Role.HEAD)],
              NotificationKind.DRAW_INFEASIBLE,
              _("The draw of “%(name)s” could not be staffed (%(count)s problems): nothing was drawn. See the "
                "problems and revise the plan or the inspectors.") % {"name": plan.name, "count": len(draw.problems)},
              reverse("public:spot_checks:plan", args=[plan.pk]))
        return draw
    classes = {c.id: c.credit_class for c in frozen.candidates}
    targets = DrawnTarget.objects.bulk_create([
        DrawnTarget(draw=draw, institution_id=a.candidate_id, credit_class=classes[a.candidate_id],
                    team_order=list(a.team))
        for a in result.targets
    ])
    if targets and targets[0].pk is None:  # a backend that returns no keys from bulk_create
        targets = list(draw.targets.order_by("institution_id"))
    teams = {a.candidate_id: a.team for a in result.targets}
    DrawnTarget.team.through.objects.bulk_create([
        DrawnTarget.team.through(drawntarget_id=t.pk, official_id=official_id)
        for t in targets for official_id in teams[t.institution_id]
    ])
    return draw


@transaction.atomic
def confirm_draw(user, draw: DrawRecord) -> DrawRecord:
    """The lead department's head confirms the draw's result before it is published."""
    draw = DrawRecord.objects.select_for_update().select_related("plan__department").get(pk=draw.pk)
    _require(is_head_of(user, draw.plan.department))
    if (not draw.feasible or draw.confirmed_at is not None or draw.is_superseded
            or draw.redraw_requests.filter(approved__isnull=True).exists()):
        raise ValidationError(_("This draw cannot be confirmed."))
    draw.confirmed_at, draw.confirmed_by = clock.now(), user
    draw.save(update_fields=["confirmed_at", "confirmed_by"])
    return draw


def _publish_record(draw: DrawRecord, result: engine.DrawResult | None = None) -> DrawRecord:
    """Reveal the seed: write the record file verify_draw takes, after re-running the draw on it."""
    inputs = json.loads(frozen_inputs(draw))
    record = engine.published_record(inputs, bytes(draw.seed), private_conflicts(draw), bytes(draw.conflict_key),
                                     result)
    if (record["result_sha256"] != draw.result_sha256 or record["commitment"] != draw.commitment
            or record["inputs_sha256"] != draw.inputs_sha256):
        raise ValidationError(_("Re-running the draw does not give the stored result; nothing was published."))
    data = engine.canonical_json(record)
    draw.record_file.save("record.json", ContentFile(data), save=False)
    draw.record_sha256 = engine.sha256_hex(data)
    draw.published_at = clock.now()
    draw.save(update_fields=["record_file", "record_sha256", "published_at"])
    return draw


@transaction.atomic
def publish_result(draw: DrawRecord) -> DrawRecord:
    """Publish a confirmed draw and create one inspection per target with its team."""
    draw = DrawRecord.objects.select_for_update().select_related("plan__department").get(pk=draw.pk)
    if draw.confirmed_at is None or draw.published_at is not None:
        raise ValidationError(_("Only a confirmed, unpublished draw can be published."))
    _publish_record(draw)
    plan = draw.plan
    targets = list(draw.targets.order_by("institution_id"))
    inspections = Inspection.objects.bulk_create([
        Inspection(institution_id=t.institution_id, kind=plan.check_kind, department=plan.department,
                   announced=True, scheduled_for=None)
        for t in targets
    ])
    if inspections and inspections[0].pk is None:
        raise RuntimeError("bulk_create returned no primary keys")
    record_created(inspections)  # bulk_create sends no signals: the audit log is written here
    Inspection.team.through.objects.bulk_create([
        Inspection.team.through(inspection_id=inspection.pk, official_id=official_id)
        for inspection, t in zip(inspections, targets, strict=True) for official_id in t.team_order
    ])
    for inspection, t in zip(inspections, targets, strict=True):
        t.inspection = inspection
    DrawnTarget.objects.bulk_update(targets, ["inspection"], batch_size=1000)
    assigned = {}
    for t in targets:
        for official_id in t.team_order:
            assigned[official_id] = assigned.get(official_id, 0) + 1
    officials = Official.objects.filter(pk__in=assigned).select_related("user")
    for official in officials:  # one notification each, with their count (the institutions are on the tablet)
        _tell([official.user], NotificationKind.INSPECTION_ASSIGNED,
              _("The draw of “%(name)s” assigned you %(count)s inspections.") % {
                  "name": plan.name, "count": assigned[official.pk]}, reverse("field:home"))
    return draw


# --- re-draws: a ground, two heads, a cap ------------------------------------------------------


def max_redraws() -> int:
    return getattr(settings, "SPOT_CHECK_MAX_REDRAWS", 2)


def redraws_left(plan: SpotCheckPlan) -> int:
    return max(0, max_redraws() - plan.draws.filter(redraw_of__isnull=False).count())


def redraw_requests(plan: SpotCheckPlan):
    return (RedrawRequest.objects.filter(draw__plan=plan)
            .select_related("draw", "requested_by__official", "decided_by__official").order_by("requested_at", "pk"))


def pending_redraw(plan: SpotCheckPlan) -> RedrawRequest | None:
    return (RedrawRequest.objects.filter(draw__plan=plan, approved__isnull=True)
            .select_related("draw__plan__department", "requested_by").first())


def _redrawable(draw: DrawRecord):
    if not draw.feasible or draw.confirmed_at is not None or draw.is_superseded or draw.published_at is not None:
        raise ValidationError(_("Only a drawn, unconfirmed draw can be re-drawn."))
    if redraws_left(draw.plan) < 1:
        raise ValidationError(_("This plan has used all its re-draws; confirm the draw."))


@transaction.atomic
def request_redraw(user, draw: DrawRecord, ground: str, reason: str = "") -> RedrawRequest:
    """The lead head asks to discard the draw, on a ground from the fixed list; a second head decides."""
    draw = DrawRecord.objects.select_for_update().select_related("plan__department").get(pk=draw.pk)
    _require(is_head_of(user, draw.plan.department))
    reason = (reason or "").strip()
    if ground not in RedrawGround.values:
        raise ValidationError({"ground": _("Choose the ground for the re-draw.")})
    if ground == RedrawGround.OTHER and not reason:
        raise ValidationError({"reason": _("Explain the ground for the re-draw.")})
    _redrawable(draw)
    if draw.redraw_requests.filter(approved__isnull=True).exists():
        raise ValidationError(_("A re-draw of this draw is already waiting for a decision."))
    return RedrawRequest.objects.create(draw=draw, ground=ground, reason=reason, requested_by=user)


@transaction.atomic
def approve_redraw(user, request: RedrawRequest) -> DrawRecord:
    """A second head approves: the discarded draw is published as superseded and a new seed is
    committed whose inputs carry the discarded draw's commitment, seed, ground and reason."""
    request = RedrawRequest.objects.select_for_update().select_related("draw__plan__department").get(pk=request.pk)
    _require(may_decide_redraw(user, request))
    draw = DrawRecord.objects.select_for_update().get(pk=request.draw_id)
    _redrawable(draw)
    request.approved, request.decided_by, request.decided_at = True, user, clock.now()
    request.save(update_fields=["approved", "decided_by", "decided_at"])
    _publish_record(draw)
    return commit_seed(draw.plan, redraw_of=draw, ground=request.ground, reason=request.reason)


@transaction.atomic
def refuse_redraw(user, request: RedrawRequest) -> RedrawRequest:
    request = RedrawRequest.objects.select_for_update().select_related("draw__plan__department").get(pk=request.pk)
    _require(may_decide_redraw(user, request))
    request.approved, request.decided_by, request.decided_at = False, user, clock.now()
    request.save(update_fields=["approved", "decided_by", "decided_at"])
    return request


# --- what the pages show ---------------------------------------------------------------------


def plan_of_process(process_pk) -> SpotCheckPlan:
    """The plan a spot-check process is about (flow callbacks and task pages alike)."""
    return SpotCheckPlan.objects.select_related("department__region", "region").get(process__pk=process_pk)


def public_plans():
    """Plans with at least one commitment published: the only ones the public site lists."""
    return SpotCheckPlan.objects.filter(draws__isnull=False).distinct()


def public_status(plan: SpotCheckPlan) -> str:
    return draw_status(current_draw(plan))


def draw_status(draw: DrawRecord | None) -> str:
    """What the public list says of a plan whose newest draw is ``draw``."""
    if draw is None:
        return "none"
    if draw.feasible is False:  # published too, with its problems
        return "infeasible"
    if draw.published_at is not None and not draw.is_superseded:
        return "published"
    return "committed"
