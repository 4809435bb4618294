"""Desk pages of credit supervision: an institution's credit, grade distribution, grade changes,
penalty records and rule sets. Thin: access in credit.access, rules in services and scoring."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision.core import clock
from supervision.core.audit import record_export
from supervision.core.export import export_response
from supervision.staff.access import actor_for

from . import access, penalties, scoring, services
from . import rules as shipped
from .forms import CreditEventForm, PenaltyForm, RuleSetForm
from .models import BreachClass, CreditEvent, CreditEventKind, CreditGrade, CreditStanding, RuleSet


def _page(request, template, **context):
    return render(request, template, {"is_admin": actor_for(request.user).is_admin, **context})


def _export_format(request):
    fmt = request.GET.get("format")
    return fmt if fmt in ("xlsx", "csv") else None


# --- an institution's credit ------------------------------------------------------------------------


def _why(line: scoring.Line) -> str:
    values = {"class": BreachClass(line.breach_class).label if line.breach_class else "",
              "decided": line.decided_on, "ends": line.ends_on, "full": line.full_points}
    if line.kind == scoring.BASE:
        return _("Base score of the rule set.")
    if line.kind == scoring.FLOOR:
        return _("Scores stop at 0.")
    if line.kind == scoring.CEILING:
        return _("Scores stop at 100.")
    if line.why == scoring.COUNTS_DECAYING:
        return _("%(class)s event decided on %(decided)s: %(full)s in full, shrinking day by day until it stops "
                 "counting on %(ends)s.") % values
    return _("%(class)s event decided on %(decided)s: counts until it stops on %(ends)s.") % values


NOT_COUNTED = {
    scoring.NOT_YET: lambda n: _("Decided after the day graded."),
    scoring.EXPIRED: lambda n: _("Its window ended on %(day)s.") % {"day": n.since},
    scoring.REVERSED: lambda n: _("Reversed by a correction on %(day)s.") % {"day": n.since},
    scoring.CORRECTION: lambda n: _("A correction: it cancels the event it reverses."),
    scoring.NO_POINTS: lambda n: _("The rule set gives it no points."),
}


def _explanation(result: scoring.Assessment, events: dict) -> dict:
    kind_label = dict(CreditEventKind.choices)
    lines = [{
        "points": line.points, "why": _why(line), "event": events.get(line.event_id),
        "kind": kind_label.get(line.kind, ""), "cell": line.cell,
    } for line in result.lines]
    skipped = [{"event": events.get(n.event_id), "kind": kind_label.get(n.kind, n.kind),
                "why": NOT_COUNTED[n.why](n)} for n in result.not_counted]
    return {"result": result, "lines": lines, "not_counted": skipped}


def institution_credit(request, pk):
    institution = access.institution_for_credit_page(request.user, pk)
    today = clock.today()
    rows = list(CreditEvent.objects.filter(institution=institution).select_related(
        "department", "source_type", "reverses").order_by("-decided_on", "-pk"))
    for event in rows:
        event.link = services.source_link(event)
    by_id = {e.pk: e for e in rows}
    events = [e.as_scoring_event() for e in rows]
    schemes = []
    for code in services.schemes():
        rule_set, result = services.assess(institution.pk, code, today, events)
        if rule_set is None:
            continue
        standing = CreditStanding.objects.filter(institution=institution, code=code).first()
        schemes.append({"code": code, "rule_set": rule_set, "standing": standing, "primary": code == shipped.PRIMARY,
                        **_explanation(result, by_id)})
    history = CreditGrade.objects.filter(institution=institution).select_related("rule_set").order_by(
        "-graded_on", "-pk")[:60]
    return _page(request, "credit/institution.html", institution=institution, schemes=schemes, events=rows,
                 history=history, today=today, may_record=services.may_record_for(request.user, institution))


def record_event(request, pk):
    institution = access.institution_for_credit_page(request.user, pk)
    if not services.may_record_for(request.user, institution):
        raise PermissionDenied
    form = CreditEventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_event(
                request.user, institution=institution, kind=data["kind"], decided_on=data["decided_on"],
                cell=data["cell"] if data["kind"] == CreditEventKind.GRADING_LEVEL else "",
                breach_class=data["breach_class"] or None, note=data["note"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The credit event is recorded and the grade recomputed."))
            return redirect("credit:institution", institution.pk)
    return _page(request, "credit/form.html", form=form, title=_("Record a credit event"),
                 back=reverse("credit:institution", args=[institution.pk]), subject=institution.name)


# --- lists -----------------------------------------------------------------------------------------


def distribution(request):
    """Grades per district of the user's jurisdiction (counted in SQL)."""
    access.require_desk(request.user)
    code = request.GET.get("scheme") if request.GET.get("scheme") in services.schemes() else shipped.PRIMARY
    counts = (access.standings_for(request.user, code)
              .values("institution__region__parent__name", "grade").annotate(n=Count("pk"))
              .order_by("institution__region__parent__name"))
    grades = [*scoring.GRADES, scoring.UNRATED]
    table: dict[str, dict] = {}
    for row in counts:
        district = row["institution__region__parent__name"]
        table.setdefault(district, {g: 0 for g in grades})[row["grade"]] = row["n"]
    rows = [{"district": d, "counts": [c[g] for g in grades], "total": sum(c.values())} for d, c in table.items()]
    totals = [sum(r["counts"][i] for r in rows) for i in range(len(grades))]
    if fmt := _export_format(request):
        record_export(CreditStanding, len(rows), dict(request.GET))
        columns = [(_("District"), lambda r: r["district"])]
        columns += [(g if g != scoring.UNRATED else _("Unrated"), lambda r, i=i: r["counts"][i])
                    for i, g in enumerate(grades)]
        columns.append((_("Total"), lambda r: r["total"]))
        return export_response(rows, columns, fmt, "credit-grades")
    return _page(request, "credit/distribution.html", rows=rows, grades=grades, totals=totals,
                 total=sum(totals), scheme=code, schemes=services.schemes())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def grade_changes(request):
    """Institutions whose grade changed this month (from the grade history)."""
    access.require_desk(request.user)
    since = month_start(clock.today())
    changes = (access.grade_changes_for(request.user, shipped.PRIMARY)
               .filter(graded_on__gte=since).exclude(previous_grade="").exclude(previous_grade=F("grade"))
               .select_related("institution__region__parent", "rule_set").order_by("-graded_on", "-pk"))
    if fmt := _export_format(request):
        rows = list(changes[:100000])
        record_export(CreditGrade, len(rows), dict(request.GET))
        return export_response(rows, [
            (_("Institution"), lambda g: g.institution.name),
            (_("Unified social credit code"), lambda g: g.institution.credit_code),
            (_("District"), lambda g: g.institution.region.parent.name),
            (_("Previous grade"), lambda g: g.previous_grade),
            (_("Grade"), lambda g: g.grade),
            (_("Score"), lambda g: g.score),
            (_("Graded on"), lambda g: g.graded_on),
            (_("Rule set"), lambda g: str(g.rule_set)),
        ], fmt, "credit-grade-changes")
    return _page(request, "credit/changes.html", changes=changes[:500], since=since)


# --- penalty records -----------------------------------------------------------------------------


def penalty_list(request):
    records = access.penalties_for(request.user).select_related("institution", "department").order_by(
        "-decision_date", "-pk")
    if fmt := _export_format(request):
        rows = list(records[:100000])
        record_export(records.model, len(rows), dict(request.GET))
        return export_response(rows, [
            (_("Party name"), lambda p: p.party_name), (_("Unified social credit code"), lambda p: p.party_credit_code),
            (_("Legal representative"), lambda p: p.legal_representative),
            (_("Decision number"), lambda p: p.decision_number), (_("Type of violation"), lambda p: p.violation_type),
            (_("Facts of the violation"), lambda p: p.facts), (_("Legal basis"), lambda p: p.legal_basis),
            (_("Penalty category"), lambda p: p.get_category_display()), (_("Content of the penalty"), lambda p: p.content),
            (_("Fine (10,000 yuan)"), lambda p: str(p.fine)), (_("Confiscated (10,000 yuan)"), lambda p: str(p.confiscation)),
            (_("Licence suspended or revoked"), lambda p: p.licence_action), (_("Decision date"), lambda p: p.decision_date),
            (_("End of publication"), lambda p: p.publication_ends), (_("Deciding authority"), lambda p: p.department.name),
            (_("Deciding authority's credit code"), lambda p: p.authority_credit_code),
            (_("Data source"), lambda p: p.data_source), (_("Withdrawn on"), lambda p: p.withdrawn_on),
        ], fmt, "penalty-records")
    return _page(request, "credit/penalties.html", records=records[:500])


def penalty_new(request):
    access.require_desk(request.user)
    notice = None
    if request.GET.get("notice"):
        from supervision.rectification.access import get_notice_for_user

        notice = get_notice_for_user(request.user, request.GET["notice"])
    initial = {}
    if notice is not None:
        initial = {"institution": notice.institution_id, "facts": notice.facts,
                   "decision_date": clock.today()}
    elif request.GET.get("institution", "").isdigit():
        initial = {"institution": request.GET["institution"]}
    form = PenaltyForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        institution = data.pop("institution")
        try:
            record = penalties.record_penalty(request.user, institution, notice=notice, **data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, _("The penalty decision is recorded with its credit event."))
            return redirect("credit:penalty", record.pk)
    return _page(request, "credit/form.html", form=form, title=_("Record a penalty decision"),
                 back=reverse("credit:penalties"), subject=notice.number if notice else "")


def penalty_detail(request, pk):
    record = access.get_penalty_for_user(request.user, pk)
    event = CreditEvent.objects.filter(kind=CreditEventKind.PENALTY, source_id=record.pk,
                                       source_type__model="penaltyrecord", reverses__isnull=True).first()
    return _page(request, "credit/penalty.html", record=record, event=event,
                 may_withdraw=record.withdrawn_on is None and services.may_record_for(request.user, record.institution))


@require_POST
def penalty_withdraw(request, pk):
    record = access.get_penalty_for_user(request.user, pk)
    try:
        penalties.withdraw_penalty(request.user, record, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("The penalty record is withdrawn and its credit event reversed."))
    return redirect("credit:penalty", record.pk)


# --- rule sets -------------------------------------------------------------------------------------


def rule_sets(request):
    access.require_admin(request.user)
    return _page(request, "credit/rule_sets.html", rule_sets=RuleSet.objects.all(),
                 published={c: services.last_published(c) for c in services.schemes()})


def rule_set_new(request):
    """A new version: checked, then a preview of how many institutions change grade, then saved."""
    access.require_admin(request.user)
    source = None
    if request.GET.get("from", "").isdigit():
        source = RuleSet.objects.filter(pk=int(request.GET["from"])).first()
    source = source or services.rule_set_in_force(shipped.PRIMARY, clock.today())
    form = RuleSetForm(request.POST or None, initial_rule_set=source)
    preview = None
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if request.POST.get("confirm") == "yes":
            try:
                saved = services.save_rule_set(request.user, form.rules, code=code, name=form.cleaned_data["name"],
                                               note=form.cleaned_data["note"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Rule set %(name)s is saved; it takes effect on %(date)s.") % {
                    "name": saved, "date": saved.effective_from})
                return redirect("credit:rule_sets")
        preview = services.grade_changes(form.rules, code)
    return _page(request, "credit/rule_set_form.html", form=form, preview=preview)
