"""Public pages of the spot checks (一公开): plans, commitments, results, files and verification.

No login. Only public facts: plan scope and rules, institution names, the names and departments
of the inspectors drawn (public in 双随机 practice), hashes, and after publication the seed and
the frozen inputs. Never a phone or certificate number, never the seed before publication.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from supervision.core import clock
from supervision.documents.render import qr_data_uri, render_pdf
from supervision.sampling import engine, services
from supervision.sampling.models import DrawRecord, SpotCheckPlan
from supervision.sampling.presentation import published_tables, rule_text, stored_matches_record


def _plan(pk) -> SpotCheckPlan:
    return get_object_or_404(services.public_plans().select_related("department", "region"), pk=pk)


def _published_draw(pk) -> DrawRecord:
    """A draw whose seed and result are public; 404 for any other (no hint it exists)."""
    draw = get_object_or_404(DrawRecord.objects.select_related("plan__department", "plan__region"),
                             pk=pk, published_at__isnull=False)
    if not services.is_disclosed(draw):
        raise Http404
    return draw


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def plan_list(request):
    plans = list(
        services.public_plans().select_related("department", "region")
        .prefetch_related(Prefetch("draws", DrawRecord.objects.select_related("redrawn_by").order_by("-number")))
        .order_by("-period_start", "-pk")[:200]
    )
    rows = []
    for p in plans:
        draws = list(p.draws.all())  # prefetched, newest first
        rows.append({"plan": p, "status": services.draw_status(draws[0] if draws else None)})
    return render(request, "sampling/public_list.html", {"rows": rows})


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def plan_detail(request, pk):
    plan = _plan(pk)
    draws = []
    for draw in plan.draws.select_related("redraw_of").order_by("-number"):
        published = services.is_disclosed(draw)
        tables = published_tables(draw) if published else {}
        for row in tables.get("problems", []):
            row["rule_text"] = rule_text(row["rule"])
        draws.append({
            "draw": draw,
            "seed": draw.revealed_seed_hex() if published else None,
            "tables": tables,
            "infeasible": draw.feasible is False,
            "previous": plan.draws.filter(number=draw.number - 1).first() if draw.number > 1 else None,
        })
    return render(request, "sampling/public_plan.html", {
        "plan": plan, "draws": draws, "status": services.public_status(plan),
        "engine_sha256": engine_sha256(),
    })


def engine_sha256() -> str:
    with open(engine.__file__, "rb") as f:
        return engine.sha256_hex(f.read())


@require_GET
@login_not_required
@cache_control(public=True, max_age=3600)
def engine_source(request):
    """engine.py itself, to run a published record at home: python engine.py draw-N-record.json."""
    response = FileResponse(open(engine.__file__, "rb"), content_type="text/x-python; charset=utf-8",
                            as_attachment=True, filename="engine.py")
    return response


def _file_response(field, filename):
    response = FileResponse(field.open("rb"), content_type="application/json; charset=utf-8",
                            as_attachment=True, filename=filename)
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@login_not_required
def draw_inputs(request, pk):
    draw = _published_draw(pk)
    return _file_response(draw.inputs_file, f"draw-{draw.pk}-inputs.json")


@require_GET
@login_not_required
def draw_record(request, pk):
    draw = _published_draw(pk)
    return _file_response(draw.record_file, f"draw-{draw.pk}-record.json")


def verification(draw: DrawRecord) -> engine.VerificationReport:
    """engine.verify on the published record file, remembered per file (a re-run costs seconds
    for a provincial draw; the file never changes once published)."""
    key = f"sampling:verify:{draw.pk}:{draw.record_sha256}"
    report = cache.get(key)
    if report is None:
        with draw.record_file.open("rb") as f:
            report = engine.verify(json.load(f))
        cache.set(key, report, 3600)
    return report


@require_http_methods(["GET", "POST"])
@login_not_required
def draw_verify(request, pk):
    draw = _published_draw(pk)
    report = verification(draw) if request.method == "POST" else None
    if report is not None:
        # The page, the files and the inspections must tell one story: the stored targets too.
        ok, detail = stored_matches_record(draw)
        report = engine.VerificationReport([*report.checks, engine.Check("stored", ok, detail)])
    checks = [{"label": engine.check_label(c.name), "ok": c.ok, "detail": c.detail}
              for c in (report.checks if report else [])]
    return render(request, "sampling/public_verify.html", {
        "draw": draw, "plan": draw.plan, "report": report, "checks": checks,
    })


@require_GET
@login_not_required
def draw_pdf(request, pk):
    draw = _published_draw(pk)
    key = f"sampling:pdf:{draw.pk}:{draw.record_sha256}"
    pdf = cache.get(key)
    if pdf is None:  # rendered once per record file, which never changes once published
        url = settings.SITE_URL + reverse("public:spot_checks:plan", args=[draw.plan_id])
        pdf = render_pdf("sampling/draw_record_pdf.html", {
            "draw": draw, "plan": draw.plan, "seed": draw.revealed_seed_hex(), "tables": published_tables(draw),
            "method": engine.METHOD, "qr": qr_data_uri(url), "url": url, "now": clock.now(),
        })
        cache.set(key, pdf, None)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draw-{draw.pk}.pdf"'
    return response
