"""Public pages of the spot checks (一公开): plans, commitments, results, files and verification.

No login. Only public facts: plan scope and rules, institution names, the names and departments
of the inspectors drawn (public in 双随机 practice), hashes, and after publication the seed and
the frozen inputs. Never a phone or certificate number, never the seed before publication.
"""

import json

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from supervision.documents.render import qr_data_uri, render_pdf
from supervision.sampling import engine, services
from supervision.sampling.models import DrawRecord, SpotCheckPlan
from supervision.sampling.presentation import draw_summary


def _plan(pk) -> SpotCheckPlan:
    return get_object_or_404(services.public_plans().select_related("department", "region"), pk=pk)


def _published_draw(pk) -> DrawRecord:
    """A draw whose seed and result are public; 404 for any other (no hint it exists)."""
    return get_object_or_404(DrawRecord.objects.select_related("plan__department", "plan__region"),
                             pk=pk, published_at__isnull=False)


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def plan_list(request):
    plans = list(services.public_plans().select_related("department", "region").order_by("-period_start", "-pk")[:200])
    rows = [{"plan": p, "status": services.public_status(p), "draw": services.current_draw(p)} for p in plans]
    return render(request, "sampling/public_list.html", {"rows": rows})


@require_GET
@login_not_required
@cache_control(public=True, max_age=60)
def plan_detail(request, pk):
    plan = _plan(pk)
    draws = []
    for draw in plan.draws.order_by("-number"):
        published = draw.published_at is not None
        draws.append({
            "draw": draw,
            "seed": draw.revealed_seed_hex(),
            "summary": draw_summary(draw) if published else {},
            "infeasible": draw.feasible is False,
        })
    return render(request, "sampling/public_plan.html", {
        "plan": plan, "draws": draws, "status": services.public_status(plan),
    })


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


CHECK_LABELS = {
    "format": "记录格式 Record format",
    "commitment": "种子承诺 Seed commitment: sha256(seed)",
    "input:candidates": "检查对象名单 Candidate list hash",
    "input:inspectors": "检查人员名单 Inspector list hash",
    "input:conflicts": "回避关系 Conflict list hash",
    "input:rules": "抽取规则 Rules hash",
    "result_hash": "结果摘要 Result hash",
    "result": "重新抽取 Re-run of the draw",
}


@require_http_methods(["GET", "POST"])
@login_not_required
def draw_verify(request, pk):
    draw = _published_draw(pk)
    report = verification(draw) if request.method == "POST" else None
    checks = [{"label": CHECK_LABELS.get(c.name, c.name), "ok": c.ok, "detail": c.detail}
              for c in (report.checks if report else [])]
    return render(request, "sampling/public_verify.html", {
        "draw": draw, "plan": draw.plan, "report": report, "checks": checks,
    })


@require_GET
@login_not_required
def draw_pdf(request, pk):
    draw = _published_draw(pk)
    url = request.build_absolute_uri(reverse("public:spot_checks:plan", args=[draw.plan_id]))
    pdf = render_pdf("sampling/draw_record_pdf.html", {
        "draw": draw, "plan": draw.plan, "seed": draw.revealed_seed_hex(), "summary": draw_summary(draw),
        "qr": qr_data_uri(url), "url": url, "now": timezone.now(),
    })
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="draw-{draw.pk}.pdf"'
    return response
