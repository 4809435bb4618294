"""The public facts of an institution, each read in SQL with only what may be published.

One place for what the public site may show, so every page (search, the institution page,
compare) reads the same filters:

* inspection results (一公开): submitted records only; per record its date, kind, how many items
  were checked, the problems found (item, severity cell, legal basis) and the follow-up. Never
  the team, the representative, the complaint behind a case check, notes or photos;
* rectification notices: number, dates, deadline and status; never who signed or the report;
* penalties (「双公示」): decided, not a warning alone, not withdrawn, before the end of
  publication; never the recording official or the legal representative;
* the lists: cases in publication (listings.ListingCase.objects.listed_on);
* the grade: the primary scheme's standing, its explanation and its history.

No name of a person, no phone number, no ID number is read here.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from supervision.core import clock
from supervision.credit import rules as shipped
from supervision.credit import scoring, services
from supervision.credit.models import CreditEventKind, CreditGrade, CreditStanding, PenaltyCategory, PenaltyRecord
from supervision.inspections.models import Finding, Inspection, InspectionStatus
from supervision.listings.models import ListingCase
from supervision.rectification.models import NoticeItem, NoticeStatus, RectificationNotice
from supervision.registry.models import Institution

# The national spot-check result codes (DOMAIN.md §9) this system can tell from its records.
RESULT_CODES = {
    "1": gettext_lazy("1 No problem found"),  # 未发现问题
    "A": gettext_lazy("A Problems found, follow-up pending"),  # 发现问题待后续处理
    "E": gettext_lazy("E Problems found and corrected as ordered"),  # 发现问题经责令已改正
}
FOLLOW_UP_NONE = gettext_lazy("None")
FOLLOW_UP_ORDERED = gettext_lazy("Ordered to rectify within a deadline")  # 责令限期整改

OPEN_STATUSES = [s for s in NoticeStatus.values if s != NoticeStatus.CLOSED]


def institutions():
    """Every institution of the registry: its name, address, beds and kind are public (目录)."""
    return Institution.objects.select_related("region__parent")


def published_penalties(on: dt.date | None = None):
    on = on or clock.today()
    return (PenaltyRecord.objects.filter(withdrawn_on__isnull=True, decision_date__lte=on)
            .exclude(category=PenaltyCategory.WARNING)
            .filter(Q(publication_ends__isnull=True) | Q(publication_ends__gt=on))
            .select_related("department"))


def published_inspections():
    return Inspection.objects.filter(status=InspectionStatus.SUBMITTED, submitted_at__isnull=False)


def notices(institution_id: int, on: dt.date | None = None):
    return (RectificationNotice.objects.with_status(on).filter(institution_id=institution_id)
            .select_related("department").order_by("-issued_at", "-pk"))


def listings_in_publication(on: dt.date | None = None):
    return ListingCase.objects.listed_on(on or clock.today()).select_related("department")


@dataclass
class InspectionResult:
    inspection: Inspection
    items_checked: int
    problems: list
    code: str
    follow_up: str
    notice_numbers: list

    @property
    def code_label(self):
        return RESULT_CODES[self.code]


def inspection_results(institution_id: int, limit: int = 20) -> list[InspectionResult]:
    rows = list(published_inspections().filter(institution_id=institution_id)
                .select_related("department").annotate(items_checked=Count("answers", distinct=True))
                .order_by("-submitted_at", "-pk")[:limit])
    findings = {}
    for finding in (Finding.objects.filter(inspection__in=rows).order_by("inspection_id", "pk")
                    .only("pk", "inspection_id", "item_title", "legal_basis", "severity", "needs_rectification")):
        findings.setdefault(finding.inspection_id, []).append(finding)
    notice_of = {}
    for item in (NoticeItem.objects.filter(finding__inspection__in=rows)
                 .select_related("notice").only("finding_id", "notice__number", "notice__closed_at")):
        notice_of[item.finding_id] = item.notice
    results = []
    for inspection in rows:
        problems = findings.get(inspection.pk, [])
        ordered = {notice_of[f.pk].number: notice_of[f.pk] for f in problems if f.pk in notice_of}
        if not problems:
            code = "1"
        elif ordered and all(n.closed_at for n in ordered.values()):
            code = "E"
        else:
            code = "A"
        results.append(InspectionResult(
            inspection=inspection, items_checked=inspection.items_checked, problems=problems, code=code,
            follow_up=FOLLOW_UP_ORDERED if ordered else FOLLOW_UP_NONE, notice_numbers=sorted(ordered)))
    return results


@dataclass
class GradeExplanation:
    standing: CreditStanding | None
    score: object
    grade: str
    blacklisted: bool
    sentences: list
    next_change: dt.date | None
    rule_set: object


def _sentence(line: scoring.Line) -> str:
    from supervision.credit.views import _why  # the desk's words for why a line counts

    kinds = dict(CreditEventKind.choices)
    why = _why(line)
    if line.event_id is None:
        return _("%(points)s points: %(why)s") % {"points": line.points, "why": why}
    what = str(kinds.get(line.kind, line.kind)) + (f" ({line.cell})" if line.cell else "")
    return _("%(what)s: %(points)s points. %(why)s") % {"what": what, "points": f"{line.points:+}", "why": why}


def grade_explanation(institution_id: int, on: dt.date | None = None) -> GradeExplanation:
    """The grade in plain words: the base, every event that moves it, by how much, until when."""
    on = on or clock.today()
    standing = CreditStanding.objects.filter(institution_id=institution_id, code=shipped.PRIMARY).first()
    rule_set, result = services.assess(institution_id, shipped.PRIMARY, on)
    if result is None:
        return GradeExplanation(standing, None, scoring.UNRATED, False, [], None, None)
    ends = [line.ends_on for line in result.lines if line.event_id is not None and line.ends_on]
    return GradeExplanation(standing=standing, score=result.score, grade=result.grade,
                            blacklisted=result.blacklisted, sentences=[_sentence(line) for line in result.lines],
                            next_change=min(ends) if ends else None, rule_set=rule_set)


def grade_history(institution_id: int, limit: int = 24):
    return (CreditGrade.objects.filter(institution_id=institution_id, code=shipped.PRIMARY)
            .order_by("-graded_on", "-pk")[:limit])


def summaries(ids: list[int], on: dt.date | None = None):
    """Institutions with the counts compare and search show, in one query."""
    on = on or clock.today()
    penalties = published_penalties(on).filter(institution=OuterRef("pk"))
    listed = ListingCase.objects.listed_on(on).filter(institution=OuterRef("pk"))
    last_check = published_inspections().filter(institution=OuterRef("pk")).order_by("-submitted_at")
    return (institutions().filter(pk__in=ids)
            .annotate(open_notices=Count("rectification_notices", filter=Q(
                rectification_notices__closed_at__isnull=True, rectification_notices__escalated_at__isnull=True),
                distinct=True),
                has_penalty=Exists(penalties), is_listed=Exists(listed),
                last_checked=Subquery(last_check.values("submitted_at")[:1])))
