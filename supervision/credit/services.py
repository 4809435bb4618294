"""Recording credit events and keeping every institution's grade up to date.

`record_event` is the one way in for a credit-relevant fact: the service that records the fact
calls it inside its own transaction (a finding, an overdue rectification, a penalty decision,
a broken commitment …), so the ledger never lags or guesses. Each new event re-scores its
institution in the same transaction; `recompute_all` is the nightly full run.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.registry.models import Institution
from supervision.staff.access import actor_for

from . import rules as shipped
from . import scoring
from .models import BreachClass, CreditEvent, CreditEventKind, CreditGrade, CreditStanding, RuleSet

K = CreditEventKind

# The class an event has unless the recorder says otherwise (22号: it sets how long it counts).
DEFAULT_CLASS = {
    K.INSPECTION_WITHOUT_FINDINGS: BreachClass.MINOR,
    K.RECTIFIED_ON_TIME: BreachClass.MINOR,
    K.RECTIFIED_LATE: BreachClass.MINOR,
    K.RECHECK_FAILED: BreachClass.MINOR,
    K.RECTIFICATION_OVERDUE: BreachClass.GENERAL,
    K.COMMITMENT_BROKEN: BreachClass.GENERAL,
    K.FALSE_FILING: BreachClass.SERIOUS,
    K.PENALTY: BreachClass.GENERAL,
    K.INSPECTION_REFUSED: BreachClass.SERIOUS,
    K.COMPLAINT_VERIFIED: BreachClass.GENERAL,
    K.COMMENDATION: BreachClass.GENERAL,
    K.GRADING_LEVEL: BreachClass.SERIOUS,  # a grade lasts 3 years
    K.BLACKLIST_ENTRY: BreachClass.SERIOUS,
    K.BLACKLIST_REMOVAL: BreachClass.SERIOUS,
}


def finding_class(cell: str) -> str:
    """A–C (no harm, minimal potential) minor; D–I general; J–L (immediate jeopardy) serious."""
    if cell <= "C":
        return BreachClass.MINOR
    if cell <= "I":
        return BreachClass.GENERAL
    return BreachClass.SERIOUS


def default_class(kind: str, cell: str = "") -> str:
    return finding_class(cell) if kind == K.FINDING else DEFAULT_CLASS[kind]


# --- who may record --------------------------------------------------------------------------


def may_record_for(user, institution) -> bool:
    """Officials record events for institutions in their jurisdiction; administrators anywhere."""
    actor = actor_for(user)
    return actor.is_admin or (actor.is_official and actor.covers_region(institution.region))


def supervising_department(institution):
    """The civil-affairs department nearest above the institution (谁主管谁监管), for an administrator's entry."""
    from supervision.core.models import Department, DepartmentKind

    candidates = Department.objects.filter(kind=DepartmentKind.CIVIL_AFFAIRS).select_related("region")
    region = institution.supervising_region  # a supervising district, else the street
    covering = [d for d in candidates if region.path.startswith(d.region.path)]
    return max(covering, key=lambda d: len(d.region.path), default=None)


def _recorder_name(user) -> str:
    if user is None:
        return "system"
    official = getattr(actor_for(user), "official", None)
    return (official.name if official else "") or user.get_full_name() or user.get_username()


def _check_event(kind, cell, breach_class, decided_on):
    if kind not in K.values:
        raise ValidationError({"kind": _("Unknown kind of credit event.")})
    cells = scoring.CELLS_OF_KIND.get(kind)
    if cells and cell not in cells:
        raise ValidationError({"cell": _("Choose one of %(cells)s.") % {"cells": "、".join(cells)}})
    if not cells and cell:
        raise ValidationError({"cell": _("This kind of event has no cell.")})
    if breach_class not in BreachClass.values:
        raise ValidationError({"breach_class": _("Choose the class: minor, general or serious.")})
    if decided_on is None:
        raise ValidationError({"decided_on": _("Give the date of the decision.")})


def _not_in_future(decided_on):
    if decided_on is not None and decided_on > clock.today():
        raise ValidationError({"decided_on": _("The date of the decision cannot be in the future.")})


# --- the ledger ------------------------------------------------------------------------------


def record_event(
    user, *, institution: Institution, kind: str, decided_on: dt.date, source=None, cell: str = "",
    breach_class: str | None = None, department=None, note: str = "",
) -> CreditEvent:
    """Append a credit event for a fact the caller has just recorded, and re-score the institution.

    ``user``: the official who recorded the fact; refused (PermissionDenied) for an institution
    outside their jurisdiction. ``source``: the record the fact is in (a filing, a penalty …);
    the same kind for the same source is recorded once (a retry returns the first event).
    ``department``: defaults to the official's own.
    """
    if not may_record_for(user, institution):
        raise PermissionDenied(_("%(institution)s is outside your jurisdiction.") % {"institution": institution})
    if department is None:
        official = actor_for(user).official
        department = official.department if official is not None else supervising_department(institution)
        if department is None:
            raise ValidationError({"department": _("Give the department the event belongs to.")})
    _not_in_future(decided_on)
    return append(institution=institution, department=department, kind=kind, decided_on=decided_on,
                  source=source, cell=cell, breach_class=breach_class, note=note, recorded_by=user)


def append(*, institution, department, kind, decided_on, source=None, cell="", breach_class=None, note="",
           recorded_by=None) -> CreditEvent:
    """The ledger write behind `record_event`, for services that have checked their caller's right
    to act on ``source`` themselves (a team member submitting a record, a deadline timer)."""
    breach_class = breach_class or default_class(kind, cell)
    _check_event(kind, cell, breach_class, decided_on)
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    source_id = source.pk if source is not None else None
    if source is not None:
        existing = CreditEvent.objects.filter(
            kind=kind, source_type=source_type, source_id=source_id, reverses__isnull=True
        ).first()
        if existing is not None:
            return existing
    with transaction.atomic():
        try:
            with transaction.atomic():
                event = CreditEvent.objects.create(
                    institution=institution, department=department, kind=kind, cell=cell,
                    breach_class=breach_class, decided_on=decided_on,
                    recorded_by=recorded_by if getattr(recorded_by, "pk", None) else None,
                    recorded_by_name=_recorder_name(recorded_by)[:150], source_type=source_type,
                    source_id=source_id, note=note.strip(),
                )
        except IntegrityError:  # the same fact recorded by a concurrent retry
            return CreditEvent.objects.get(kind=kind, source_type=source_type, source_id=source_id,
                                           reverses__isnull=True)
        rescore(institution.pk)
    return event


def reverse_event(user, event: CreditEvent, *, decided_on: dt.date, note: str, check=True) -> CreditEvent:
    """A correction: a new event that cancels ``event`` from ``decided_on`` on (never an edit)."""
    if check and not may_record_for(user, event.institution):
        raise PermissionDenied(_("%(institution)s is outside your jurisdiction.") % {"institution": event.institution})
    if not note.strip():
        raise ValidationError({"note": _("Give the reason for the correction.")})
    if event.reverses_id is not None:
        raise ValidationError(_("A correction cannot itself be reversed: record the fact again."))
    if decided_on is None or decided_on < event.decided_on:
        raise ValidationError({"decided_on": _("A correction cannot predate the event it corrects.")})
    if check:
        _not_in_future(decided_on)
    _check_event(event.kind, event.cell, event.breach_class, decided_on)
    with transaction.atomic():
        try:
            with transaction.atomic():
                correction = CreditEvent.objects.create(
                    institution=event.institution, department=event.department, kind=event.kind,
                    cell=event.cell, breach_class=event.breach_class, decided_on=decided_on, reverses=event,
                    recorded_by=user if getattr(user, "pk", None) else None,
                    recorded_by_name=_recorder_name(user)[:150], source_type=event.source_type,
                    source_id=event.source_id, note=note.strip(),
                )
        except IntegrityError:
            raise ValidationError(_("This event has already been reversed.")) from None
        rescore(event.institution_id)
    return correction


# --- links to the sources ---------------------------------------------------------------------

# model label -> (URL name of the page showing it, attribute giving that page's id)
SOURCE_LINKS: dict[str, tuple[str, str]] = {
    "rectification.rectificationnotice": ("rectification:notices:detail", "pk"),
    "rectification.rectificationevent": ("rectification:notices:detail", "notice_id"),
    "rectification.recheck": ("rectification:notices:detail", "notice_id"),
    "inspections.inspection": ("field:record_pdf", "pk"),
    "inspections.finding": ("field:record_pdf", "inspection_id"),
    "credit.penaltyrecord": ("credit:penalty", "pk"),
    "concerns.concern": ("concerns:detail", "pk"),
}


def register_source_link(model_label: str, url_name: str, attribute: str = "pk") -> None:
    """Other apps (filings, blacklist) name the page that shows their records."""
    SOURCE_LINKS[model_label.lower()] = (url_name, attribute)


def source_link(event: CreditEvent) -> str:
    if event.source_type_id is None:
        return ""
    label = f"{event.source_type.app_label}.{event.source_type.model}"
    url_name, attribute = SOURCE_LINKS.get(label, (None, None))
    source = event.source
    if url_name is None or source is None:
        return ""
    try:
        return reverse(url_name, args=[getattr(source, attribute)])
    except NoReverseMatch:
        return ""


# --- rule sets and scores -----------------------------------------------------------------------


def rule_sets(code: str) -> list[RuleSet]:
    return list(RuleSet.objects.filter(code=code))


def rule_set_in_force(code: str, on: dt.date) -> RuleSet | None:
    return RuleSet.objects.filter(code=code, effective_from__lte=on).order_by("-effective_from", "-version").first()


def schemes() -> list[str]:
    codes = set(RuleSet.objects.values_list("code", flat=True).distinct())
    return [shipped.PRIMARY, *sorted(codes - {shipped.PRIMARY})] if codes else []


def scoring_events(institution_id: int) -> list[scoring.Event]:
    rows = CreditEvent.objects.filter(institution_id=institution_id).values_list(
        "pk", "kind", "decided_on", "breach_class", "cell", "reverses_id"
    )
    return [scoring.Event(*row) for row in rows]


def assess(institution_id: int, code: str = shipped.PRIMARY, on: dt.date | None = None,
           events: list[scoring.Event] | None = None) -> tuple[RuleSet | None, scoring.Assessment | None]:
    """The assessment of one institution under the scheme's rule set in force on ``on``."""
    on = on or clock.today()
    rule_set = rule_set_in_force(code, on)
    if rule_set is None:
        return None, None
    events = scoring_events(institution_id) if events is None else events
    return rule_set, scoring.assess(events, rule_set.as_rules(), on)


def store(institution_id: int, rule_set: RuleSet, result: scoring.Assessment) -> bool:
    """Keep the standing and, when the score or grade moved, a history row. True if it moved."""
    standing = CreditStanding.objects.select_for_update().filter(institution_id=institution_id,
                                                                 code=rule_set.code).first()
    if standing is None:
        standing = CreditStanding(institution_id=institution_id, code=rule_set.code, grade_since=result.on)
        previous = ""
    else:
        previous = standing.grade
        if standing.graded_on > result.on:
            return False  # a newer grade is already stored
    moved = standing.pk is None or (standing.grade, standing.score, standing.rule_set_id) != (
        result.grade, result.score, rule_set.pk)
    if standing.pk is not None and standing.grade != result.grade:
        standing.grade_since = result.on
    standing.rule_set, standing.score, standing.grade = rule_set, result.score, result.grade
    standing.graded_on, standing.computed_at = result.on, clock.now()
    standing.save()
    if moved:
        CreditGrade.objects.create(institution_id=institution_id, rule_set=rule_set, code=rule_set.code,
                                   graded_on=result.on, score=result.score, grade=result.grade,
                                   previous_grade=previous)
    if rule_set.code == shipped.PRIMARY:
        # The draw reads the current class from here: the registry's field mirrors the grade.
        Institution.objects.filter(pk=institution_id).exclude(credit_class=result.grade).update(
            credit_class=result.grade)
    return moved


def rescore(institution_id: int, on: dt.date | None = None) -> None:
    """Re-score one institution under every scheme (called after each new event)."""
    on = on or clock.today()
    events = scoring_events(institution_id)
    for code in schemes():
        rule_set, result = assess(institution_id, code, on, events)
        if rule_set is not None:
            store(institution_id, rule_set, result)


def recompute_all(on: dt.date | None = None) -> int:
    """The nightly full run: every institution under every scheme. Returns how many moved."""
    on = on or clock.today()
    if connection.vendor == "postgresql":  # scored where the events lie: the same rules in SQL
        from . import full_run

        moved = 0
        for code in schemes():
            rule_set = rule_set_in_force(code, on)
            if rule_set is not None:
                with transaction.atomic():
                    moved += full_run.run(rule_set, on, primary=code == shipped.PRIMARY)
        return moved
    moved = 0
    events: dict[int, list[scoring.Event]] = {}
    for row in CreditEvent.objects.order_by().values_list(
        "institution_id", "pk", "kind", "decided_on", "breach_class", "cell", "reverses_id"
    ).iterator(chunk_size=5000):
        events.setdefault(row[0], []).append(scoring.Event(*row[1:]))
    for code in schemes():
        rule_set = rule_set_in_force(code, on)
        if rule_set is None:
            continue
        rules = rule_set.as_rules()
        for institution_id in Institution.objects.values_list("pk", flat=True).iterator(chunk_size=5000):
            with transaction.atomic():
                moved += store(institution_id, rule_set, scoring.assess(events.get(institution_id, []), rules, on))
    return moved


# --- editing rule sets ---------------------------------------------------------------------------


def may_edit_rule_sets(user) -> bool:
    return actor_for(user).is_admin


def last_published(code: str) -> dt.date | None:
    """The last day a grade was published under the scheme: new rules may not rewrite it."""
    days = [d for d in (
        CreditStanding.objects.filter(code=code).order_by("-graded_on").values_list("graded_on", flat=True).first(),
        CreditGrade.objects.filter(code=code).order_by("-graded_on").values_list("graded_on", flat=True).first(),
    ) if d is not None]
    return max(days) if days else None


def rule_set_problems(rules: scoring.RuleSet, code: str) -> list[tuple[str | None, str]]:
    """Everything wrong with proposed rules: (form field or None, the exact problem)."""
    problems = [(problem_field(p), problem_message(p))
                for p in scoring.check_rule_set(rules, CreditEventKind.values)]
    published = last_published(code)
    if published is not None and rules.effective_from <= published:
        problems.append(("effective_from", _(
            "Grades up to %(published)s are already published under this scheme: an effective date of "
            "%(date)s would rewrite them. Choose %(next)s or later."
        ) % {"published": published, "date": rules.effective_from, "next": published + dt.timedelta(days=1)}))
    return problems


def problem_field(problem: scoring.Problem) -> str | None:
    """The form field a problem belongs next to (see credit.forms.RuleSetForm)."""
    if problem.code in (scoring.WINDOW_NEGATIVE, scoring.WINDOW_OUTSIDE_22, scoring.WINDOW_MISSING):
        return f"window_{problem.values['class']}"
    if problem.code == scoring.CELL_MISSING:
        return points_field(problem.values["kind"], problem.values["cell"])
    if problem.code == scoring.BASE_RANGE:
        return "base"
    return None


def points_field(kind: str, cell: str) -> str:
    return f"points_{kind}_{cell}" if cell else f"points_{kind}"


def _class_label(code):
    return BreachClass(code).label if code in BreachClass.values else code


def _kind_label(code):
    return CreditEventKind(code).label if code in CreditEventKind.values else code


def problem_message(problem: scoring.Problem) -> str:
    v = problem.values
    if problem.code == scoring.BAND_OVERLAP:
        return _("Bands %(grade)s and %(other)s overlap from %(at)s to %(until)s.") % v
    if problem.code == scoring.BAND_GAP:
        return _("No band covers the scores from %(low)s to %(high)s.") % v
    if problem.code == scoring.BAND_RANGE:
        return _("Band %(grade)s runs from %(low)s to %(high)s: its lower end must be below its upper end.") % v
    if problem.code == scoring.BAND_GRADES:
        return _("The bands must be A, B, C and D, each once.")
    if problem.code == scoring.WINDOW_NEGATIVE:
        return _("The window of %(class)s events cannot be negative (%(months)s months).") % {
            **v, "class": _class_label(v["class"])}
    if problem.code == scoring.WINDOW_OUTSIDE_22:
        return _("%(class)s events count %(min)s to %(max)s months under 国办发〔2025〕22号, not %(months)s.") % {
            **v, "class": _class_label(v["class"])}
    if problem.code == scoring.WINDOW_MISSING:
        return _("Give how many months %(class)s events count.") % {"class": _class_label(v["class"])}
    if problem.code == scoring.CELL_MISSING:
        if v["cell"]:
            return _("Points are missing for %(kind)s, cell %(cell)s.") % {**v, "kind": _kind_label(v["kind"])}
        return _("Points are missing for %(kind)s.") % {"kind": _kind_label(v["kind"])}
    if problem.code == scoring.BASE_RANGE:
        return _("The base score must be between 0 and 100.")
    return str(problem)


def grade_changes(rules: scoring.RuleSet, code: str, institutions=None) -> dict:
    """How many institutions would change grade under ``rules`` on their effective date, against
    the rules in force now (the preview shown before saving)."""
    institutions = Institution.objects.all() if institutions is None else institutions
    ids = list(institutions.values_list("pk", flat=True))
    events: dict[int, list[scoring.Event]] = {}
    for row in CreditEvent.objects.filter(institution_id__in=ids).values_list(
        "institution_id", "pk", "kind", "decided_on", "breach_class", "cell", "reverses_id"
    ):
        events.setdefault(row[0], []).append(scoring.Event(*row[1:]))
    current = rule_set_in_force(code, rules.effective_from)
    current_rules = current.as_rules() if current is not None else None
    changed, by_move = 0, {}
    for pk in ids:
        mine = events.get(pk, [])
        new = scoring.assess(mine, rules, rules.effective_from).grade
        old = scoring.assess(mine, current_rules, rules.effective_from).grade if current_rules else ""
        if new != old:
            changed += 1
            by_move[(old, new)] = by_move.get((old, new), 0) + 1
    return {"institutions": len(ids), "changed": changed,
            "moves": sorted((old, new, n) for (old, new), n in by_move.items())}


def save_rule_set(user, rules: scoring.RuleSet, *, code: str, name: str, note: str = "") -> RuleSet:
    """A new version of the scheme, in force from its effective date (administrators only)."""
    if not may_edit_rule_sets(user):
        raise PermissionDenied
    problems = rule_set_problems(rules, code)
    if problems:
        raise ValidationError([message for _field, message in problems])
    with transaction.atomic():
        latest = RuleSet.objects.select_for_update().filter(code=code).order_by("-version").first()
        return RuleSet.objects.create(
            code=code, version=(latest.version + 1) if latest else 1, name=name.strip() or code,
            effective_from=rules.effective_from, base=rules.base,
            points={k: {c: str(p) for c, p in cells.items()} for k, cells in rules.points.items()},
            window_months=dict(rules.window_months), decay=rules.decay,
            bands=[{"grade": b.grade, "low": str(b.low), "high": str(b.high)} for b in rules.bands],
            blacklist_grade=rules.blacklist_grade or "", note=note.strip(), created_by=user,
        )
