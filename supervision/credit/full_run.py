"""The nightly full run on PostgreSQL: `scoring.assess` for every institution, in one SQL pass.

Rules 1–5 of `credit/scoring.py`, stated in SQL so that 10 million events are scored where they
lie (fetching them into Python would take longer than scoring them). `scoring.py` stays the one
definition: tests/test_credit_full_run.py checks that both give the same score and grade for
every institution of random ledgers, and this module follows it step by step:

1. known events: decided on or before the day; reversed ones and corrections do not score;
2. the window: ``decided_on + interval 'n months'`` clamps the end of a short month as
   `scoring.add_months` does;
3. points by (kind, cell), decayed as ``round(points × days left / window days, 2)`` (PostgreSQL's
   ``round`` goes half away from zero, as ROUND_HALF_UP does on a Decimal);
4. base + Σ, held inside 0–100;
5. bands in order of their lower end; the blacklist override from the latest entry or removal;
   unrated when nothing is known.

Then, as `services.store` does row by row: the standing of every institution is written, a
history row is added where the score, grade or rule set moved, and the registry's credit class
follows the primary scheme.
"""

import datetime as dt

from django.db import connection

from supervision.core import clock

from . import scoring
from .models import CreditEventKind


def _points_values(rules: scoring.RuleSet, params: dict) -> str:
    rows = []
    for kind in CreditEventKind.values:
        for cell in sorted({"", *scoring.CELLS_OF_KIND.get(kind, ()), *rules.points.get(kind, {})}):
            n = len(rows)
            rows.append(f"(%(kind{n})s, %(cell{n})s, %(points{n})s::numeric)")
            params.update({f"kind{n}": kind, f"cell{n}": cell, f"points{n}": rules.points_for(kind, cell)})
    return ", ".join(rows)


def _band_case(rules: scoring.RuleSet, params: dict) -> str:
    ordered = sorted(rules.bands, key=lambda b: b.low)
    whens = []
    for n, band in enumerate(ordered):
        upper = "<=" if n == len(ordered) - 1 else "<"  # the top band holds its upper end
        whens.append(f"WHEN score >= %(low{n})s AND score {upper} %(high{n})s THEN %(grade{n})s")
        params.update({f"low{n}": band.low, f"high{n}": band.high, f"grade{n}": band.grade})
    return "CASE " + " ".join(whens) + " ELSE %(unrated)s END"


def computed_sql(rules: scoring.RuleSet, on: dt.date) -> tuple[str, dict]:
    """SELECT institution_id, score, grade for every institution, as scoring.assess would."""
    params = {"on": on, "base": rules.base, "unrated": scoring.UNRATED, "blacklist": rules.blacklist_grade or "",
              **{f"months_{c}": m for c, m in rules.window_months.items()}}
    points_rows = _points_values(rules, params)
    band_case = _band_case(rules, params)
    points = (
        "round(p.points * (k.ends_on - %(on)s) / nullif(k.ends_on - k.decided_on, 0), 2)" if rules.decay
        else "p.points"
    )
    sql = f"""
    WITH points(kind, cell, points) AS (VALUES {points_rows}),
    windows(breach_class, months) AS (
        VALUES ('minor', %(months_minor)s), ('general', %(months_general)s), ('serious', %(months_serious)s)),
    known AS (
        SELECT e.id, e.institution_id, e.kind, e.cell, e.decided_on, e.reverses_id,
               (e.decided_on + make_interval(months => w.months::int))::date AS ends_on
        FROM credit_creditevent e JOIN windows w ON w.breach_class = e.breach_class
        WHERE e.decided_on <= %(on)s
    ),
    reversed AS (SELECT reverses_id AS id FROM known WHERE reverses_id IS NOT NULL),
    standing AS (
        SELECT k.* FROM known k
        WHERE k.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM reversed r WHERE r.id = k.id)
    ),
    sums AS (
        SELECT k.institution_id, coalesce(sum({points}) FILTER (WHERE k.ends_on > %(on)s), 0) AS total
        FROM standing k LEFT JOIN points p ON p.kind = k.kind AND p.cell = k.cell
        GROUP BY k.institution_id
    ),
    seen AS (SELECT DISTINCT institution_id FROM known),
    listing AS (
        SELECT DISTINCT ON (institution_id) institution_id,
               kind = 'blacklist_entry' AND ends_on > %(on)s AS listed
        FROM standing WHERE kind IN ('blacklist_entry', 'blacklist_removal')
        ORDER BY institution_id, decided_on DESC, id DESC
    ),
    scored AS (
        SELECT i.id AS institution_id,
               least(greatest(%(base)s::numeric + coalesce(s.total, 0), 0), 100)::numeric(5, 2) AS score,
               seen.institution_id IS NOT NULL AS known, coalesce(l.listed, false) AS listed
        FROM registry_institution i
        LEFT JOIN sums s ON s.institution_id = i.id
        LEFT JOIN seen ON seen.institution_id = i.id
        LEFT JOIN listing l ON l.institution_id = i.id
    )
    SELECT institution_id, score,
           CASE WHEN NOT known THEN %(unrated)s
                WHEN listed AND %(blacklist)s <> '' THEN %(blacklist)s
                ELSE ({band_case}) END AS grade
    FROM scored
    """
    return sql, params


def run(rule_set, on: dt.date, primary: bool) -> int:
    """Score every institution under ``rule_set`` on ``on`` and store it; return how many moved."""
    sql, params = computed_sql(rule_set.as_rules(), on)
    now = clock.now()
    code, rule_set_id = rule_set.code, rule_set.pk
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS credit_computed")
        cursor.execute(f"CREATE TEMP TABLE credit_computed ON COMMIT DROP AS {sql}", params)
        cursor.execute("CREATE INDEX ON credit_computed (institution_id)")
        cursor.execute("ANALYZE credit_computed")
        store = {"rule_set": rule_set_id, "code": code, "on": on, "now": now}
        cursor.execute("""
            INSERT INTO credit_creditgrade (institution_id, rule_set_id, code, graded_on, score, grade,
                                            previous_grade, computed_at)
            SELECT c.institution_id, %(rule_set)s, %(code)s, %(on)s, c.score, c.grade, coalesce(s.grade, ''), %(now)s
            FROM credit_computed c
            LEFT JOIN credit_creditstanding s ON s.institution_id = c.institution_id AND s.code = %(code)s
            WHERE s.id IS NULL OR (s.graded_on <= %(on)s
                  AND (s.grade, s.score, s.rule_set_id) IS DISTINCT FROM (c.grade, c.score, %(rule_set)s))
        """, store)
        moved = cursor.rowcount
        cursor.execute("""
            UPDATE credit_creditstanding s
            SET grade_since = CASE WHEN s.grade <> c.grade THEN %(on)s ELSE s.grade_since END,
                grade = c.grade, score = c.score, rule_set_id = %(rule_set)s, graded_on = %(on)s,
                computed_at = %(now)s
            FROM credit_computed c
            WHERE s.institution_id = c.institution_id AND s.code = %(code)s AND s.graded_on <= %(on)s
        """, store)
        cursor.execute("""
            INSERT INTO credit_creditstanding (institution_id, code, rule_set_id, score, grade, graded_on,
                                               grade_since, computed_at)
            SELECT c.institution_id, %(code)s, %(rule_set)s, c.score, c.grade, %(on)s, %(on)s, %(now)s
            FROM credit_computed c
            WHERE NOT EXISTS (SELECT 1 FROM credit_creditstanding s
                              WHERE s.institution_id = c.institution_id AND s.code = %(code)s)
        """, store)
        if primary:
            cursor.execute("""
                UPDATE registry_institution i SET credit_class = c.grade
                FROM credit_computed c WHERE i.id = c.institution_id AND i.credit_class <> c.grade
            """)
    return moved
