"""The figures a department head opens every morning, each counted through the desk list it links to.

A figure is a number and the address of the scoped, filtered desk list that shows exactly those
rows. Where a list is a model list of the desk (a viewflow list view), the figure is counted by
running that very view's queryset (scope, filters and all) for the head's request with the
figure's query string, so the number and the list cannot drift apart; a breakdown by district or
street groups that same queryset in one query. Lists that are plain function views (results due
for publication, the grade distribution) are counted with the same definitions they use.

Every query counts or groups in SQL: the number of queries depends on the number of figures and
flows, never on how many institutions, notices or tasks there are.
"""

import copy
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, F
from django.db.models.functions import TruncMonth
from django.http import QueryDict
from django.urls import resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from supervision.core import clock
from supervision.core.models import Region, RegionLevel
from supervision.credit import rules as credit_rules
from supervision.credit import scoring
from supervision.credit.access import grade_changes_for, standings_for
from supervision.dashboard.periods import Period
from supervision.inspections.access import inspections_for
from supervision.inspections.models import Finding, InspectionStatus, Severity
from supervision.listings.models import ListKind, Stage
from supervision.rectification.models import DeadlineState, NoticeStatus
from supervision.registry.coverage import months_before
from supervision.registry.models import OperatingStatus
from supervision.staff.access import actor_for
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows.inspection.views import PublicityState, with_publicity_state
from workflows.scoped import flow_tasks

# The oldest overdue notices and oldest waiting tasks named on the page.
OLDEST_SHOWN = 5


@dataclass
class Figure:
    label: str
    value: int
    url: str = ""  # the list it counts; empty where no desk list shows exactly these rows


@dataclass
class Chart:
    key: str
    title: str
    figures: list[Figure]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(f.value for f in self.figures)


@dataclass
class Section:
    key: str
    title: str
    charts: list[Chart] = field(default_factory=list)
    named: list[dict] = field(default_factory=list)  # rows named on the page (oldest overdue, queue)
    named_title: str = ""


def desk_url(name: str, **params) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


class DeskLists:
    """The head's desk lists, run as the head with a figure's query string."""

    def __init__(self, request):
        self.request = request

    def view(self, name: str, params: dict):
        match = resolve(reverse(name))
        view = match.func.view_class(**match.func.view_initkwargs)
        listing = copy.copy(self.request)
        listing.GET = QueryDict(urlencode(params))
        view.setup(listing, *match.args, **match.kwargs)
        return view

    def may_open(self, name: str) -> bool:
        return self.view(name, {}).viewset.has_view_permission(self.request.user)

    def queryset(self, name: str, **params):
        view = self.view(name, params)
        queryset = view.get_queryset()
        # A list ignores a parameter it does not know, or one it finds invalid: the figure would
        # then count the unfiltered list and still agree with it. Refuse both.
        filterset = getattr(view, "filterset", None)
        unknown = set(params) - set(filterset.filters if filterset is not None else ())
        if unknown or (params and not filterset.is_valid()):
            raise ValueError(f"{name} does not filter by {sorted(unknown) or params}")
        return queryset

    def figure(self, label, name: str, **params) -> Figure:
        return Figure(str(label), self.queryset(name, **params).count(), desk_url(name, **params))

    def by_area(self, areas: "Areas", name: str, group_by: str, **params) -> list[Figure]:
        """The list's rows per district (or street), with a link where the list filters by that area."""
        rows = dict(self.queryset(name, **params).order_by().values_list(f"{group_by}{areas.lookup_suffix}")
                    .annotate(n=Count("pk")).values_list(f"{group_by}{areas.lookup_suffix}", "n"))
        figures = []
        for area in areas.regions:
            param = areas.params.get(name)
            url = desk_url(name, **params, **{param: area.pk}) if param else ""
            figures.append(Figure(area.name, rows.get(area.pk, 0), url))
        return figures


class Areas:
    """The side-by-side areas of a jurisdiction: a city's districts, a district's streets."""

    # The query parameter each list filters an area by, per level (absent: no such filter).
    PARAMS = {
        RegionLevel.DISTRICT: {"libraries:institutions:list": "district", "rectification:notices:list": "district",
                               "filings:verifications:list": "district", "filings:unfiled:list": "district"},
        RegionLevel.STREET: {"libraries:institutions:list": "region", "rectification:notices:list": "street",
                             "filings:unfiled:list": "region"},
    }

    def __init__(self, user):
        actor = actor_for(user)
        region = actor.jurisdiction
        if region is None or region.level == RegionLevel.STREET:
            level = RegionLevel.DISTRICT if region is None else RegionLevel.STREET
            self.regions = list(Region.objects.filter(level=level, **({} if region is None else {"pk": region.pk}))
                                .order_by("code"))
        else:
            self.regions = list(Region.objects.filter(parent=region).order_by("code"))
        self.level = self.regions[0].level if self.regions else RegionLevel.DISTRICT
        self.params = self.PARAMS.get(self.level, {})
        # Institutions lie in streets: a district is a street's parent.
        self.lookup_suffix = "__parent" if self.level == RegionLevel.DISTRICT else ""

    @property
    def title(self):
        return _("by district") if self.level == RegionLevel.DISTRICT else _("by street / township")


# --- the sections ---------------------------------------------------------------------------------


def coverage(lists: DeskLists, areas: Areas, period: Period) -> Section:
    """Against the plan (spot-check targets scheduled in the period, by where their inspection stands)
    and against the once-a-year on-site rule (operating institutions not visited for 12 months)."""
    section = Section("coverage", _("Inspection coverage"))
    planned = dict(inspections_for(lists.request.user).filter(
        spot_check_target__isnull=False, scheduled_for__gte=period.first, scheduled_for__lte=period.last)
        .order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    section.charts.append(Chart("plan", _("Spot-check targets scheduled in the period"), [
        Figure(choice.label, planned.get(choice.value, 0)) for choice in InspectionStatus
    ], note=_("No desk list filters inspections by their draw yet: these figures have no link.")))
    name = "libraries:institutions:list"
    operating = {"operating_status": OperatingStatus.OPERATING}
    overdue = {**operating, "not_visited": "true"}
    section.charts.append(Chart("coverage", _("Operating institutions"), [
        lists.figure(_("Visited on site in the last 12 months"), name, **operating, not_visited="false"),
        lists.figure(_("Not visited on site for more than 12 months"), name, **overdue),
    ]))
    section.charts.append(Chart("coverage_areas", _("Not visited on site for more than 12 months, %(areas)s")
                                % {"areas": areas.title}, lists.by_area(areas, name, "region", **overdue)))
    return section


def findings(user, period: Period) -> Section:
    """Findings of records submitted in the period, by checklist and by severity cell (no desk list shows them)."""
    section = Section("findings", _("Findings of records submitted in the period"))
    rows = (Finding.objects.filter(inspection__in=inspections_for(user).values("pk"),
                                   inspection__submitted_at__date__gte=period.first,
                                   inspection__submitted_at__date__lte=period.last)
            .order_by())
    by_checklist = rows.values_list("inspection__checklist__title").annotate(n=Count("pk")).order_by(
        "inspection__checklist__title")
    section.charts.append(Chart("findings_checklist", _("By checklist"),
                                [Figure(title or _("No checklist"), n) for title, n in by_checklist]))
    by_severity = dict(rows.values_list("severity").annotate(n=Count("pk")).values_list("severity", "n"))
    section.charts.append(Chart("findings_severity", _("By severity cell"),
                                [Figure(choice.label, by_severity.get(choice.value, 0)) for choice in Severity]))
    return section


def rectifications(lists: DeskLists, areas: Areas) -> Section:
    section = Section("rectification", _("Rectifications"), named_title=_("Oldest overdue notices"))
    name = "rectification:notices:list"
    if not lists.may_open(name):
        return section
    section.charts.append(Chart("rectification", _("Open notices and escalations"), [
        lists.figure(DeadlineState.ON_TIME.label, name, deadline_state=DeadlineState.ON_TIME),
        lists.figure(DeadlineState.DUE_SOON.label, name, deadline_state=DeadlineState.DUE_SOON),
        lists.figure(DeadlineState.WITH_OFFICIALS.label, name, deadline_state=DeadlineState.WITH_OFFICIALS),
        lists.figure(DeadlineState.OVERDUE.label, name, deadline_state=DeadlineState.OVERDUE),
        lists.figure(NoticeStatus.ESCALATED.label, name, status=NoticeStatus.ESCALATED),
    ]))
    section.charts.append(Chart("rectification_areas", _("Overdue notices, %(areas)s") % {"areas": areas.title},
                                lists.by_area(areas, name, "institution__region",
                                              deadline_state=DeadlineState.OVERDUE)))
    oldest = (lists.queryset(name, deadline_state=DeadlineState.OVERDUE).select_related("institution")
              .order_by("deadline", "pk")[:OLDEST_SHOWN])
    section.named = [{"name": f"{n.number} {n.institution.name}", "since": f"{n.deadline:%Y-%m-%d}",
                      "url": reverse("rectification:notices:detail", args=[n.pk])} for n in oldest]
    return section


def filings(lists: DeskLists, areas: Areas) -> Section:
    section = Section("filings", _("Filings and verifications"))
    if not lists.may_open("filings:verifications:list") or not lists.may_open("filings:unfiled:list"):
        return section
    verifications = "filings:verifications:list"
    section.charts.append(Chart("filings", _("Filings, verifications and unfiled institutions"), [
        lists.figure(_("Filings being checked"), "filings:filings:list", state="submitted"),
        lists.figure(_("Verifications due"), verifications, verification_state="due"),
        lists.figure(_("Verifications overdue"), verifications, verification_state="overdue"),
        lists.figure(_("Operating without a filing"), "filings:unfiled:list"),
    ]))
    section.charts.append(Chart("filings_areas", _("Operating without a filing, %(areas)s") % {"areas": areas.title},
                                lists.by_area(areas, "filings:unfiled:list", "region")))
    return section


def credit(user, lists: DeskLists) -> Section:
    section = Section("credit", _("Credit"))
    counts = dict(standings_for(user, credit_rules.PRIMARY).order_by().values_list("grade")
                  .annotate(n=Count("pk")).values_list("grade", "n"))
    url = desk_url("credit:distribution")
    section.charts.append(Chart("grades", _("Grade distribution"), [
        Figure(grade if grade != scoring.UNRATED else _("Unrated"), counts.get(grade, 0), url)
        for grade in (*scoring.GRADES, scoring.UNRATED)
    ]))
    section.charts.append(grade_changes(user))
    cases = "listings:cases:list"
    section.charts.append(Chart("lists", _("Listed and published"), [
        lists.figure(ListKind.BLACKLIST.label, cases, list_kind=ListKind.BLACKLIST, stage=Stage.LISTED),
        lists.figure(ListKind.WATCH.label, cases, list_kind=ListKind.WATCH, stage=Stage.LISTED),
        lists.figure(_("Cases awaiting the head's decision"), cases, stage=Stage.TO_DECIDE),
    ]))
    return section


def grade_changes(user) -> Chart:
    """The grade trend: institutions whose grade changed, month by month over the last 12 months (the
    credit desk's list of changes shows the current month; its definition, from the grade history)."""
    this_month = clock.today().replace(day=1)
    months = [months_before(this_month, n) for n in range(11, -1, -1)]
    counts = dict(grade_changes_for(user, credit_rules.PRIMARY)
                  .filter(graded_on__gte=months[0]).exclude(previous_grade="").exclude(previous_grade=F("grade"))
                  .annotate(month=TruncMonth("graded_on")).order_by().values_list("month")
                  .annotate(n=Count("pk")).values_list("month", "n"))
    counts = {(m.date() if hasattr(m, "date") else m): n for m, n in counts.items()}
    return Chart("grade_changes", _("Grade changes, last 12 months"), [
        Figure(f"{month:%Y-%m}", counts.get(month, 0), desk_url("credit:changes") if month == this_month else "")
        for month in months
    ])


def publication(user) -> Section:
    """一公开: submitted records against their publicity deadline (the publicity list's own states)."""
    section = Section("publication", _("Results due for publication"))
    submitted = inspections_for(user).filter(status=InspectionStatus.SUBMITTED, publicity_deadline__isnull=False)
    counts = dict(with_publicity_state(submitted).order_by().values_list("publicity_state")
                  .annotate(n=Count("pk")).values_list("publicity_state", "n"))
    section.charts.append(Chart("publication", _("Submitted records not yet published"), [
        Figure(str(PublicityState.LABELS[state]), counts.get(state, 0), desk_url("inspection:publicity", state=state))
        for state in (PublicityState.ON_TIME, PublicityState.DUE_SOON, PublicityState.OVERDUE)
    ]))
    return section


def my_queue(request, flows) -> Section:
    """Tasks waiting for this head: assigned to them (inbox) or theirs to take (queue), oldest first."""
    section = Section("queue", _("My queue"), named_title=_("Oldest waiting tasks"))
    user, figures, waiting = request.user, [], []
    for app in flows:
        if not app.has_view_permission(user):
            continue
        queue = app.queue(user)
        inbox = Task.objects.filter(flow_task__in=flow_tasks(app.flow_class, True), owner=user, status=STATUS.ASSIGNED)
        figures.append(Figure(_("%(flow)s: to take") % {"flow": app.title}, queue.count(),
                              reverse(f"{app.app_name}:queue")))
        figures.append(Figure(_("%(flow)s: assigned to me") % {"flow": app.title}, inbox.count(),
                              reverse(f"{app.app_name}:inbox")))
        waiting += [(task, app) for task in (queue | inbox).order_by("created", "pk")[:OLDEST_SHOWN]]
    section.charts.append(Chart("queue", _("Tasks waiting for me"), figures))
    waiting.sort(key=lambda pair: (pair[0].created, pair[0].pk))
    section.named = [{"name": f"{app.title}: {task.flow_task.task_title or task.flow_task.name} #{task.process_id}",
                      "since": f"{timezone.localtime(task.created):%Y-%m-%d %H:%M}", "url": reverse(f"{app.app_name}:queue" if task.owner_id is None
                                                            else f"{app.app_name}:inbox")}
                     for task, app in waiting[:OLDEST_SHOWN]]
    return section


def period_comparison(lists: DeskLists, areas: Areas, user, period: Period) -> Section:
    """What happened in this period against the previous one."""
    section = Section("period", _("This period against the previous one"))
    figures = []
    for label, current in ((_("Previous period"), period.previous()), (_("This period"), period)):
        days = {"first": current.first.isoformat(), "last": current.last.isoformat()}
        span = f"{label} ({current.first:%Y-%m-%d} – {current.last:%Y-%m-%d})"
        if lists.may_open("rectification:notices:list"):
            figures.append(lists.figure(_("Notices issued, %(span)s") % {"span": span}, "rectification:notices:list",
                                        issued_after=days["first"], issued_before=days["last"]))
        if lists.may_open("filings:filings:list"):
            figures.append(lists.figure(_("Filings submitted, %(span)s") % {"span": span}, "filings:filings:list",
                                        submitted_after=days["first"], submitted_before=days["last"]))
        findings_count = Finding.objects.filter(inspection__in=inspections_for(user).values("pk"),
                                                inspection__submitted_at__date__gte=current.first,
                                                inspection__submitted_at__date__lte=current.last).count()
        figures.append(Figure(_("Findings on site, %(span)s") % {"span": span}, findings_count))
    section.charts.append(Chart("period", _("Period comparison"), figures))
    if lists.may_open("rectification:notices:list"):
        for key, title, current in (("period_areas_previous", _("Notices issued in the previous period, %(areas)s"),
                                     period.previous()),
                                    ("period_areas", _("Notices issued in this period, %(areas)s"), period)):
            section.charts.append(Chart(key, title % {"areas": areas.title}, lists.by_area(
                areas, "rectification:notices:list", "institution__region",
                issued_after=current.first.isoformat(), issued_before=current.last.isoformat())))
    return section


def dashboard_for(request, period: Period, flows) -> list[Section]:
    user = request.user
    lists, areas = DeskLists(request), Areas(user)
    return [
        my_queue(request, flows),
        coverage(lists, areas, period),
        rectifications(lists, areas),
        filings(lists, areas),
        credit(user, lists),
        publication(user),
        findings(user, period),
        period_comparison(lists, areas, user, period),
    ]

