"""The head's dashboard (监管驾驶舱): the figures of their jurisdiction, charts, and each chart's table as XLSX."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from supervision.core import clock
from supervision.core.export import export_response
from supervision.dashboard import figures
from supervision.dashboard.charts import bar_chart, describe
from supervision.dashboard.periods import KINDS, MONTH, parse_kind, period_containing
from supervision.documents.render import render_pdf
from supervision.staff.access import actor_for
from supervision.staff.models import Role


def may_open_dashboard(user) -> bool:
    """Department heads (of any department) and administrators."""
    actor = actor_for(user)
    return actor.is_admin or (actor.is_official and Role.HEAD in actor.roles)


def _flows():
    """The flows' desk applications, for "my queue" (imported here: the site includes this app)."""
    from supervision.desk import site
    from workflows.scoped import ScopedFlowAppViewset

    return [app for app in site.viewsets if isinstance(app, ScopedFlowAppViewset)]


def _require_head(user):
    if not may_open_dashboard(user):
        raise PermissionDenied


def _sections(request):
    _require_head(request.user)
    kind = parse_kind(request.GET.get("period"))
    period = period_containing(kind, clock.today())
    return kind, period, figures.dashboard_for(request, period, _flows())


@require_GET
def index(request):
    kind, period, sections = _sections(request)
    for section in sections:
        for chart in section.charts:
            chart.svg, chart.text = bar_chart(chart), describe(chart)
    actor = actor_for(request.user)
    return render(request, "dashboard/index.html", {
        "sections": sections, "period": period, "previous": period.previous(), "kind": kind,
        "kinds": list(KINDS.items()), "jurisdiction": actor.jurisdiction,
        "department": actor.official.department if actor.official else None,
    })


@require_GET
def export(request, key):
    """One chart's table as XLSX: counts only, no personal data (the lists' own exports audit those)."""
    kind, period, sections = _sections(request)
    chart = next((c for s in sections for c in s.charts if c.key == key), None)
    if chart is None:
        raise Http404
    columns = [(_("Figure"), lambda f: f.label), (_("Count"), lambda f: f.value)]
    return export_response(chart.figures, columns, "xlsx", f"dashboard-{key}-{kind}")


def _report_month(value) -> dt.date:
    """The month a report covers: ?month=YYYY-MM, by default the month before this one."""
    try:
        return dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


@require_GET
def report_pdf(request):
    """月度监管报告: the dashboard's figures for a month, as an official document, made on demand."""
    _require_head(request.user)
    period = period_containing(MONTH, _report_month(request.GET.get("month")))
    actor = actor_for(request.user)
    pdf = render_pdf("dashboard/report_pdf.html", {
        "sections": figures.dashboard_for(request, period, _flows()), "period": period,
        "department": actor.official.department if actor.official else None, "jurisdiction": actor.jurisdiction,
        "made_at": timezone.localtime(clock.now()),
    })
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="monthly-report-{period.first:%Y-%m}.pdf"'
    return response
