"""The public site's own pages (no login): home, search, the institution page, compare,
methodology, and the display setting (large text, high contrast) kept in cookies.

Every fact comes from disclosure/facts.py, filtered in SQL to what may be published.
"""

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET
from django.views.decorators.vary import vary_on_cookie

from supervision.core import clock
from supervision.core.models import Region, RegionLevel
from supervision.core.pagination import LookaheadPaginator
from supervision.core.schema import Invalid, parse_query
from supervision.credit import rules as shipped
from supervision.credit import scoring, services
from supervision.credit.models import BreachClass, CreditEventKind
from supervision.filings.commitments import public_commitment
from supervision.inspections.services import publicity_working_days
from supervision.listings.models import ListKind
from supervision.registry.models import CreditClass, FilingStatus, InstitutionKind, Ownership
from supervision.core.ratelimit import rate_limit
from supervision.registry.pinyin import query_key

from . import facts, opendata
from .cache import cached_page, data_etag, data_last_modified, institution_version, register_version

PER_PAGE = 25
UNINDEXED_PINYIN = Concat("name_pinyin", Value(""), output_field=CharField())
TRIGRAM = 3  # pg_trgm's unit: shorter input has no trigram to look up
MAX_COMPARE = 3
DISPLAY_COOKIES = {"large": "public_large", "contrast": "public_contrast"}
COOKIE_AGE = 365 * 24 * 3600


def public_page(view):
    """No login, GET only, cacheable for a minute, varying with the display cookies and language."""
    return require_GET(login_not_required(cache_control(public=True, max_age=60)(vary_on_cookie(view))))


@public_page
def home(request):
    return render(request, "disclosure/home.html", {"form": SearchForm()})


# --- search ----------------------------------------------------------------------------------------

SORTS = {
    "name": ("name_pinyin", "pk"),
    "-beds": ("-beds", "name_pinyin", "pk"),
    "beds": ("beds", "name_pinyin", "pk"),
    "grade": ("credit_class", "name_pinyin", "pk"),
}


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Name, pinyin or initials"), max_length=50, required=False)
    district = forms.ModelChoiceField(label=gettext_lazy("District"), required=False,
                                      queryset=Region.objects.filter(level=RegionLevel.DISTRICT),
                                      empty_label=gettext_lazy("All"))
    street = forms.ModelChoiceField(label=gettext_lazy("Street / township"), required=False,
                                    queryset=Region.objects.filter(level=RegionLevel.STREET),
                                    empty_label=gettext_lazy("All"))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False,
                             choices=[("", gettext_lazy("All")), *InstitutionKind.choices])
    ownership = forms.ChoiceField(label=gettext_lazy("Ownership"), required=False,
                                  choices=[("", gettext_lazy("All")), *Ownership.choices])
    grade = forms.ChoiceField(label=gettext_lazy("Credit grade"), required=False,
                              choices=[("", gettext_lazy("All")), *CreditClass.choices])
    filing = forms.ChoiceField(label=gettext_lazy("Filing status"), required=False,
                               choices=[("", gettext_lazy("All")), *FilingStatus.choices])
    beds_min = forms.IntegerField(label=gettext_lazy("Beds at least"), required=False, min_value=0, max_value=100000)
    beds_max = forms.IntegerField(label=gettext_lazy("Beds at most"), required=False, min_value=0, max_value=100000)
    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False, choices=[
        ("name", gettext_lazy("Name (pinyin)")), ("-beds", gettext_lazy("Most beds")),
        ("beds", gettext_lazy("Fewest beds")), ("grade", gettext_lazy("Credit grade"))])

    def clean(self):
        data = super().clean()
        low, high = data.get("beds_min"), data.get("beds_max")
        if low is not None and high is not None and low > high:
            self.add_error("beds_max", _("“Beds at most” is smaller than “beds at least”."))
        return data


def search_institutions(data: dict):
    """The institutions matching the cleaned search, in SQL: name (Chinese substring) or its pinyin key."""
    rows = facts.institutions()
    text = (data.get("q") or "").strip()
    if text:
        key = query_key(text)
        match = Q(name__contains=text)
        if key:
            match |= Q(name_pinyin__contains=key)
        rows = rows.filter(match)
    if data.get("district"):
        rows = rows.filter(region__parent=data["district"])
    if data.get("street"):
        rows = rows.filter(region=data["street"])
    for field, column in (("kind", "kind"), ("ownership", "ownership"), ("grade", "credit_class"),
                          ("filing", "filing_status")):
        if data.get(field):
            rows = rows.filter(**{column: data[field]})
    if data.get("beds_min") is not None:
        rows = rows.filter(beds__gte=data["beds_min"])
    if data.get("beds_max") is not None:
        rows = rows.filter(beds__lte=data["beds_max"])
    order = SORTS[data.get("sort") or "name"]
    if len(query_key(text) or text) >= TRIGRAM:
        # A match the trigram indexes can serve is usually selective: never let the planner walk the
        # name_pinyin B-tree in order for it (with LIMIT 26 that looks cheap when it overestimates the
        # matches; initials such as "slf" then scanned most of the index: bench_public.py, p95 178 ms
        # before, 60 ms after). Ordering by an expression leaves it the trigram indexes and a sort of
        # the matches. Shorter input ("kh") matches broadly: there the ordered walk is right.
        order = [UNINDEXED_PINYIN if column == "name_pinyin" else column for column in order]
    return rows.order_by(*order)


@rate_limit("public_search")
@public_page
@cached_page(lambda: register_version())
def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "disclosure/search.html", {"form": form, "page": None}, status=400)
    page = LookaheadPaginator(search_institutions(form.cleaned_data), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "disclosure/search.html", {"form": form, "page": page, "query": query.urlencode()})


# --- the institution page ---------------------------------------------------------------------------


@public_page
@cached_page(lambda pk: institution_version(pk))
def institution(request, pk):
    today = clock.today()
    subject = get_object_or_404(facts.institutions(), pk=pk)
    notices = list(facts.notices(subject.pk, today))
    grade = facts.grade_explanation(subject.pk, today)
    return render(request, "disclosure/institution.html", {
        "institution": subject, "today": today,
        "commitment": public_commitment(subject) if subject.credit_code else None,
        "grade": grade, "history": facts.grade_history(subject.pk),
        "inspections": facts.inspection_results(subject.pk),
        "open_notices": [n for n in notices if n.status_code in facts.OPEN_STATUSES],
        "closed_notices": [n for n in notices if n.status_code not in facts.OPEN_STATUSES],
        "penalties": facts.published_penalties(today).filter(institution=subject).order_by("-decision_date", "-pk"),
        "listings": facts.listings_in_publication(today).filter(institution=subject).order_by("-listed_on"),
        "processed": grade.standing.computed_at if grade.standing else None,
    })


# --- compare ---------------------------------------------------------------------------------------


@public_page
def compare(request):
    ids = []
    for value in request.GET.getlist("id"):
        if not value.isdigit() or len(value) > 12:
            return render(request, "disclosure/compare.html", {
                "error": _("“%(value)s” is not an institution number.") % {"value": value[:20]}}, status=400)
        if int(value) not in ids:
            ids.append(int(value))
    if len(ids) > MAX_COMPARE:
        return render(request, "disclosure/compare.html", {
            "error": _("Compare at most three institutions: you chose %(count)s.") % {"count": len(ids)}},
            status=400)
    found = {row.pk: row for row in facts.summaries(ids)}
    rows = [found[pk] for pk in ids if pk in found]
    for row in rows:
        row.grade = facts.grade_explanation(row.pk)
    return render(request, "disclosure/compare.html", {"rows": rows})


# --- methodology -----------------------------------------------------------------------------------


@public_page
def methodology(request):
    today = clock.today()
    rule_set = services.rule_set_in_force(shipped.PRIMARY, today)
    points, windows = [], []
    if rule_set is not None:
        kinds = dict(CreditEventKind.choices)
        for kind, cells in rule_set.points.items():
            for cell, value in sorted(cells.items()):
                points.append({"kind": kinds.get(kind, kind), "cell": cell, "points": value})
        classes = dict(BreachClass.choices)
        for code, months in rule_set.window_months.items():
            low, high = scoring.WINDOW_LIMITS.get(code, (None, None))
            windows.append({"class": classes.get(code, code), "months": months, "low": low, "high": high})
    return render(request, "disclosure/methodology.html", {
        "rule_set": rule_set, "points": points, "windows": windows, "list_kinds": ListKind.choices,
        "publicity_days": publicity_working_days(), "today": today})


# --- display setting -------------------------------------------------------------------------------


@require_GET
@login_not_required
def display(request):
    """Large text and high contrast: a link sets or clears a cookie and returns to the page (no JS).

    Without a setting in the query, the page of the settings themselves.
    """
    if not any(param in request.GET for param in DISPLAY_COOKIES):
        return render(request, "disclosure/display.html")
    target = request.GET.get("next") or reverse("public:home")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) \
            or not target.startswith("/public/"):
        target = reverse("public:home")
    response = HttpResponseRedirect(target)
    for param, cookie in DISPLAY_COOKIES.items():
        value = request.GET.get(param)
        if value == "1":
            response.set_cookie(cookie, "1", max_age=COOKIE_AGE, samesite="Lax", httponly=True,
                                secure=request.is_secure())
        elif value == "0":
            response.delete_cookie(cookie, samesite="Lax")
    return response


# --- open data -------------------------------------------------------------------------------------


@public_page
def data_index(request):
    return render(request, "disclosure/data.html", {"datasets": opendata.DATASETS.values(),
                                                    "limit": opendata.DEFAULT_LIMIT, "max_limit": opendata.MAX_LIMIT})


def _data_page(request, code):
    dataset = opendata.DATASETS.get(code)
    if dataset is None:
        raise Http404
    query = parse_query(opendata.PageQuery, request.GET)
    rows, cursor = dataset.page(query.after, query.limit)
    return dataset, query, rows, cursor


def _next_link(request, cursor, query):
    if cursor is None:
        return None
    return request.build_absolute_uri(f"{request.path}?after={cursor}&limit={query.limit}")


open_data_condition = condition(etag_func=data_etag, last_modified_func=data_last_modified)


@rate_limit("open_data", json=True)
@public_page
@open_data_condition
def data_json(request, code):
    try:
        dataset, query, rows, cursor = _data_page(request, code)
    except Invalid as invalid:
        return invalid.response()
    following = _next_link(request, cursor, query)
    response = JsonResponse({
        "dataset": dataset.code, "title": str(dataset.title),
        "fields": [{"key": c.key, "zh": c.zh, "en": c.en, "type": c.type} for c in dataset.columns],
        "rows": opendata.as_json_rows(dataset, rows), "next": following,
    }, json_dumps_params={"ensure_ascii": False})
    if following:
        response["Link"] = f'<{following}>; rel="next"'
    return response


@rate_limit("open_data")
@public_page
@open_data_condition
def data_csv(request, code):
    try:
        dataset, query, rows, cursor = _data_page(request, code)
    except Invalid as invalid:
        return invalid.response()
    response = HttpResponse(opendata.as_csv(dataset, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset.code}-after-{query.after}.csv"'
    following = _next_link(request, cursor, query)
    if following:
        response["Link"] = f'<{following}>; rel="next"'
    return response
