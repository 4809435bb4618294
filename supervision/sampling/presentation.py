"""What a draw looks like on a page (desk and public alike): the result in words and tables."""

import json
from collections import Counter

from django.core.cache import cache
from django.utils.translation import gettext as _

from supervision.registry.models import Institution
from supervision.sampling.models import DrawRecord
from supervision.staff.models import Specialty


def rule_text(rule: str) -> str:
    """A problem or exclusion rule of the engine, in the reader's language."""
    kind, _sep, arg = rule.partition(":")
    if kind == "specialty_uncovered":
        name = Specialty.objects.filter(code=arg).values_list("name", flat=True).first() or arg
        return _("No free inspector holding the specialty %(specialty)s") % {"specialty": name}
    if kind == "no_department_inspector":
        return _("No free inspector of %(department)s") % {"department": arg}
    texts = {
        "no_lead_department_inspector": _("No free inspector of the lead department"),
        "team_too_small": _("Not enough free inspectors for a full team"),
        "load_cap": _("Every inspector who could go has reached the cap of targets"),
        "inactive": _("Inactive"),
        "not_in_plan_department": _("Not in a department of this plan"),
        "load_cap_reached": _("Reached the cap of targets in this draw"),
        "conflict": _("Declared a conflict of interest with a target (回避)"),
        "repeat_inspector": _("Inspected this institution in its previous draw; nobody else could go"),
    }
    return texts.get(kind, rule)


def draw_summary(draw: DrawRecord | None) -> dict:
    """Tables for a draw: per-class counts, targets with teams, exclusions, problems."""
    if draw is None or draw.result is None:
        return {}
    result = draw.result
    targets = list(
        draw.targets.select_related("institution__region", "inspection").prefetch_related("team__department")
        .order_by("institution__region__path", "institution__name")
    )
    problem_ids = {p["candidate_id"] for p in result.get("problems", [])}
    names = dict(Institution.objects.filter(pk__in=problem_ids).values_list("pk", "name"))
    problems = [
        {"institution": names.get(p["candidate_id"], p["candidate_id"]), "rule": rule_text(p["rule"]),
         "detail": p.get("detail", "")}
        for p in result.get("problems", [])
    ]
    exclusions = Counter(e["rule"] for e in result.get("exclusions", []))
    strata = [
        {**s, "percent": _percent(s["ratio"]), "not_drawn": s["population"] - s["drawn"]}
        for s in result.get("strata", [])
    ]
    return {
        "strata": strata,
        "targets": targets,
        "total_population": sum(s["population"] for s in strata),
        "total_drawn": sum(s["drawn"] for s in strata),
        "exclusions": [{"rule": rule_text(rule), "count": n} for rule, n in sorted(exclusions.items())],
        "problems": problems,
        "repeat_notes": sum(1 for n in result.get("notes", []) if n["rule"] == "repeat_inspector"),
    }


def _percent(ratio: str) -> str:
    numerator, _sep, denominator = ratio.partition("/")
    value = int(numerator) * 100 / int(denominator or 1)
    return f"{value:g}%"


def published_tables(draw: DrawRecord) -> dict:
    """The public result of a published draw, read from its record file alone (names, credit codes,
    teams and departments as frozen in the inputs), so the page says exactly what the file says.
    Remembered per record file (it never changes once published)."""
    key = f"sampling:tables:{draw.pk}:{draw.record_sha256}"
    tables = cache.get(key)
    if tables is None:
        with draw.record_file.open("rb") as f:
            record = json.load(f)
        tables = _tables(record)
        cache.set(key, tables, 3600)
    return tables


def _tables(record: dict) -> dict:
    inputs, result = record["inputs"], record["result"]
    candidates = {c["id"]: c for c in inputs["candidates"]}
    inspectors = {i["id"]: i for i in inputs["inspectors"]}

    def institution(cid):
        c = candidates.get(cid, {})
        return {"id": cid, "name": c.get("name", ""), "credit_code": c.get("credit_code", ""),
                "credit_class": c.get("credit_class", "")}

    targets = [
        {**institution(t["candidate_id"]),
         "team": [{"name": inspectors.get(i, {}).get("name", ""),
                   "department": inspectors.get(i, {}).get("own_department", "")} for i in t["team"]]}
        for t in result["targets"]
    ]
    problems = [{**institution(p["candidate_id"]), "rule": p["rule"]} for p in result["problems"]]
    strata = [{**s, "percent": _percent(s["ratio"]), "not_drawn": s["population"] - s["drawn"]}
              for s in result["strata"]]
    return {"targets": targets, "problems": problems, "strata": strata,
            "total_population": sum(s["population"] for s in strata), "total_drawn": sum(s["drawn"] for s in strata),
            "conflicts_revealed": len(record.get("conflicts_revealed", []))}


def stored_matches_record(draw: DrawRecord) -> tuple[bool, str]:
    """Do the drawn targets in the database equal the published record's targets and teams?"""
    with draw.record_file.open("rb") as f:
        published = [(t["candidate_id"], t["team"]) for t in json.load(f)["result"]["targets"]]
    stored = [(pk, list(team)) for pk, team in draw.targets.order_by("institution_id")
              .values_list("institution_id", "team_order")]
    if stored == published:
        return True, _("%(n)s targets and teams, as published") % {"n": len(stored)}
    return False, _("the stored targets differ from the published record")
