"""What happens to a spot-check plan, one plain function per step; each checks who may do it.

submit_plan → approve_plan / return_plan (each participating department's head) → commit_seed
(the seed's SHA-256 and the frozen inputs' hashes are published) → run_draw → confirm_draw (the
lead head) or redraw (with a reason; the discarded draw is published too) → publish_result (seed,
inputs, result, record file; one inspection per target with its team).

The inputs are frozen when the seed is committed, not when the draw runs: whoever holds the seed
could otherwise try inputs until one gives a result they like (engine.py, "Limit of the
commitment"). The hashes of the frozen lists are public from the commitment on.

Calls from the flow are not permission-checked by Viewflow, so every function that a person
triggers takes the user and checks it here. Steps the system takes on its own (commit_seed,
publish_result) check the state of the plan instead.
"""

import json
import secrets
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.core.models import Department, Region
from supervision.inspections.models import Inspection, InspectionStatus
from supervision.registry.models import Institution, OperatingStatus
from supervision.sampling import engine
from supervision.sampling.models import (
    CREDIT_CLASSES,
    Decision,
    DrawnTarget,
    DrawRecord,
    PlanApproval,
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
    """Plans a user may see: officials those of their jurisdiction or department; operators none."""
    plans = SpotCheckPlan.objects.all()
    actor = actor_for(user)
    if actor.is_admin:
        return plans
    if not actor.is_official or actor.jurisdiction is None:
        return plans.none()
    department = actor.official.department_id
    reach = (
        Q(region__path__startswith=actor.jurisdiction.path)
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


def _require(condition: bool):
    if not condition:
        raise PermissionDenied


def eligible_departments(region: Region):
    """Departments that may take part in a check of ``region``: their jurisdiction overlaps it."""
    return Department.objects.filter(
        Q(region__path__in=_ancestor_paths(region)) | Q(region__path__startswith=region.path)
    ).order_by("region__path", "kind")


def _ancestor_paths(region: Region) -> list[str]:
    """"/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"]: the region and everything above it."""
    codes = [c for c in region.path.split("/") if c]
    return ["/" + "/".join(codes[: n + 1]) + "/" for n in range(len(codes))]


# --- drafting and approvals ------------------------------------------------------------------


def _validate_plan(plan: SpotCheckPlan, items, participating):
    errors = {}
    if not items:
        errors["items"] = _("Choose at least one check item.")
    allowed = set(eligible_departments(plan.region).values_list("pk", flat=True))
    if any(d.pk not in allowed for d in participating):
        errors["participating_departments"] = _(
            "A participating department's jurisdiction must overlap the plan's region."
        )
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
    plan.submitted_at = timezone.now()
    plan.save()
    plan.items.set(items)
    plan.participating_departments.set(participating)
    return plan


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
    return _decide(user, plan, department, Decision.RETURNED, comments)


def withdraw_plan(user, plan: SpotCheckPlan) -> SpotCheckPlan:
    _require(may_revise(user, plan))
    plan.withdrawn_at = timezone.now()
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
    )


def candidate_institutions(plan: SpotCheckPlan):
    """The target library for this plan: operating institutions of the scope's kinds, in SQL."""
    return Institution.objects.filter(
        region__path__startswith=plan.region.path,
        kind__in=plan.institution_kinds,
        operating_status=OperatingStatus.OPERATING,
    )


def _candidates(plan: SpotCheckPlan) -> list[engine.Candidate]:
    institutions = candidate_institutions(plan)
    last = dict(
        Inspection.objects.filter(institution__in=institutions, submitted_at__isnull=False)
        .values("institution").annotate(last=Max("submitted_at")).values_list("institution", "last")
    )
    previous: dict[int, tuple[int, ...]] = {}
    earlier = (
        DrawnTarget.objects.filter(institution__in=institutions, inspection__isnull=False)
        .order_by("institution_id", "-draw__published_at", "-pk").values_list("institution_id", "team_order")
    )
    for institution_id, team in earlier:
        previous.setdefault(institution_id, tuple(team))
    return [
        engine.Candidate(
            id=pk, region=code, kind=kind,
            credit_class=credit_class if credit_class in CREDIT_CLASSES else engine.UNRATED,
            last_inspected=timezone.localtime(last[pk]).date().isoformat() if pk in last else None,
            previous_inspectors=previous.get(pk, ()),
        )
        for pk, code, kind, credit_class in institutions.values_list("pk", "region__code", "kind", "credit_class")
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
        )
        for o, d in pool
    ]


def _conflicts(plan: SpotCheckPlan, inspector_ids) -> list[engine.Conflict]:
    rows = ConflictOfInterest.objects.filter(
        ConflictOfInterest.in_force_q(), official__in=inspector_ids, institution__in=candidate_institutions(plan)
    ).values_list("official_id", "institution_id")
    return [engine.Conflict(official_id, institution_id) for official_id, institution_id in rows]


def freeze_inputs(plan: SpotCheckPlan) -> bytes:
    """The four input lists as one canonical JSON document (engine.canonical_inputs)."""
    candidates = _candidates(plan)
    inspectors = _inspectors(plan)
    conflicts = _conflicts(plan, [i.id for i in inspectors])
    return engine.canonical_inputs(candidates, inspectors, conflicts, draw_rules(plan))


def typed_inputs(inputs: dict):
    """(candidates, inspectors, conflicts, rules) from the frozen JSON, read by the engine's own
    reader so the draw runs on exactly what a citizen downloads."""
    stub = {
        "format": engine.RECORD_FORMAT, "method": engine.METHOD, "commitment": "", "seed": "",
        "inputs": inputs, "input_sha256": {}, "result": {}, "result_sha256": "",
    }
    record = engine.load_published_record(stub)
    return record.candidates, record.inspectors, record.conflicts, record.rules


def frozen_inputs(draw: DrawRecord) -> bytes:
    with draw.inputs_file.open("rb") as f:
        data = f.read()
    if engine.sha256_hex(data) != draw.inputs_sha256:
        raise ValidationError(_("The stored inputs of this draw no longer match their published hash."))
    return data


# --- commitment, draw, confirmation, publication ----------------------------------------------


def current_draw(plan: SpotCheckPlan) -> DrawRecord | None:
    return plan.draws.order_by("-number").first()


@transaction.atomic
def commit_seed(plan: SpotCheckPlan, redraw_of: DrawRecord | None = None, reason: str = "") -> DrawRecord:
    """Freeze the inputs, make a secret seed and publish its SHA-256 (and the inputs' hashes)."""
    if not is_approved(plan):
        raise ValidationError(_("A seed is committed only for a plan every department has approved."))
    inputs = freeze_inputs(plan)
    seed = secrets.token_bytes(32)
    last = current_draw(plan)
    draw = DrawRecord(
        plan=plan, number=(last.number + 1) if last else 1, redraw_of=redraw_of, redraw_reason=reason,
        commitment=engine.commitment(seed), seed=seed, inputs_sha256=engine.sha256_hex(inputs),
        input_sha256=engine.input_hashes(json.loads(inputs)),
    )
    parsed = json.loads(inputs)
    draw.candidate_count = len(parsed["candidates"])
    draw.inspector_count = len(parsed["inspectors"])
    draw.inputs_file.save("inputs.json", ContentFile(inputs), save=False)
    draw.save()
    return draw


@transaction.atomic
def run_draw(user, draw: DrawRecord) -> DrawRecord:
    """Draw targets and teams from the frozen inputs and the committed seed. An infeasible draw
    keeps its problems and publishes nothing."""
    draw = DrawRecord.objects.select_for_update().select_related("plan__department").get(pk=draw.pk)
    _require(user is not None and may_run_draw(user, draw.plan))
    if draw.drawn_at is not None:
        raise ValidationError(_("This draw has already run."))
    candidates, inspectors, conflicts, rules = typed_inputs(json.loads(frozen_inputs(draw)))
    result = engine.draw(candidates, inspectors, conflicts, rules, bytes(draw.seed))
    draw.drawn_at, draw.drawn_by = timezone.now(), user
    draw.feasible = result.feasible
    draw.result = engine.result_json(result)
    draw.result_sha256 = engine.result_digest(result)
    draw.problems = draw.result["problems"]
    draw.save()
    if result.feasible:
        classes = {c.id: c.credit_class for c in candidates}
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
    _require(is_head_of(user, draw.plan.department))
    if not draw.feasible or draw.confirmed_at is not None or draw.is_superseded:
        raise ValidationError(_("This draw cannot be confirmed."))
    draw.confirmed_at, draw.confirmed_by = timezone.now(), user
    draw.save(update_fields=["confirmed_at", "confirmed_by"])
    return draw


def _publish_record(draw: DrawRecord) -> DrawRecord:
    """Reveal the seed: write the record file verify_draw takes, after re-running the draw on it."""
    candidates, inspectors, conflicts, rules = typed_inputs(json.loads(frozen_inputs(draw)))
    record = engine.dump_published_record(candidates, inspectors, conflicts, rules, bytes(draw.seed))
    if record["result_sha256"] != draw.result_sha256 or record["commitment"] != draw.commitment:
        raise ValidationError(_("Re-running the draw does not give the stored result; nothing was published."))
    data = engine.canonical_json(record)
    draw.record_file.save("record.json", ContentFile(data), save=False)
    draw.record_sha256 = engine.sha256_hex(data)
    draw.published_at = timezone.now()
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
    Inspection.team.through.objects.bulk_create([
        Inspection.team.through(inspection_id=inspection.pk, official_id=official_id)
        for inspection, t in zip(inspections, targets, strict=True) for official_id in t.team_order
    ])
    for inspection, t in zip(inspections, targets, strict=True):
        t.inspection = inspection
    DrawnTarget.objects.bulk_update(targets, ["inspection"], batch_size=1000)
    return draw


@transaction.atomic
def redraw(user, draw: DrawRecord, reason: str) -> DrawRecord:
    """Discard an unconfirmed draw for a recorded reason and commit a new seed.

    The discarded draw is published too (seed, inputs, result), so that nobody can re-draw
    quietly until a result suits them; it creates no inspections.
    """
    draw = DrawRecord.objects.select_for_update().select_related("plan__department").get(pk=draw.pk)
    _require(is_head_of(user, draw.plan.department))
    if not (reason or "").strip():
        raise ValidationError(_("A re-draw needs a reason."))
    if not draw.feasible or draw.confirmed_at is not None or draw.is_superseded:
        raise ValidationError(_("Only a drawn, unconfirmed draw can be re-drawn."))
    _publish_record(draw)
    return commit_seed(draw.plan, redraw_of=draw, reason=reason.strip())


# --- what the pages show ---------------------------------------------------------------------


def public_plans():
    """Plans with at least one commitment published: the only ones the public site lists."""
    return SpotCheckPlan.objects.filter(draws__isnull=False).distinct()


def public_status(plan: SpotCheckPlan) -> str:
    draw = current_draw(plan)
    if draw is None:
        return "none"
    if draw.published_at is not None and not draw.is_superseded:
        return "published"
    if draw.feasible is False:
        return "infeasible"
    return "committed"
