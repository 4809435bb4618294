"""Every figure of the heads' dashboard equals the count of the desk list it links to.

The demo city is seeded once, then for the city head, a district head and a partner department's
head every linked figure is compared with the rows its list shows, page after page (or the
function view's rows, or the grade distribution's column total). The figures are scoped: a
district head counts no more than the city head and sees streets where the city head sees districts.
"""

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from supervision.core.models import RegionLevel

PERSONAS = ("head_city", "head_donghu", "head_city_fire")


def _rows_shown(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    if "page_obj" in context:
        total, page = 0, response.context["page_obj"]
        number = 1
        while True:
            total += len(page.object_list)
            if not page.has_next():
                return total
            number += 1
            page = client.get(f"{url}{'&' if '?' in url else '?'}page={number}").context["page_obj"]
    if "changes" in context:  # the credit desk's grade changes of this month
        return len(context["changes"])
    if "rows" in context and "totals" not in context:  # a function list (results due for publication)
        return len(context["rows"])
    raise AssertionError(f"{url}: not a list the test knows how to count")


def _figure_in_list(client, figure):
    if urlsplit(figure.url).path == "/credit/grades/":
        context = client.get(figure.url).context
        grades = [g if g != "unrated" else str(figure.label) for g in context["grades"]]
        return context["totals"][grades.index(figure.label)]
    return _rows_shown(client, figure.url)


def _dashboard(client, username):
    client.force_login(User.objects.get(username=username))
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return {chart.key: chart for section in response.context["sections"] for chart in section.charts}


@pytest.mark.django_db
def test_every_figure_equals_the_list_it_links_to_for_city_district_and_partner_heads(client):
    call_command("seed_demo", force=True, verbosity=0)
    seen = {}
    for username in PERSONAS:
        charts = _dashboard(client, username)
        linked = [f for chart in charts.values() for f in chart.figures if f.url]
        assert len(linked) >= 8, username
        for figure in linked:
            assert figure.value == _figure_in_list(client, figure), (username, figure)
        seen[username] = charts

    city, district, fire = (seen[u] for u in PERSONAS)
    # Something to count in the demo, so the comparison above is not only of zeros.
    assert any(f.value for f in city["rectification"].figures)
    assert city["coverage"].total > 0 and city["grades"].total > 0

    # Scoped: the district head counts within the city head's figures, by street, not district.
    assert 0 < district["coverage"].total < city["coverage"].total
    assert district["grades"].total < city["grades"].total
    assert [f.label for f in city["coverage_areas"].figures] == ["东湖区", "西山区", "南溪区", "北岭区"]
    assert sum(f.value for f in city["coverage_areas"].figures) == city["coverage"].figures[1].value
    assert sum(f.value for f in district["coverage_areas"].figures) == district["coverage"].figures[1].value
    from supervision.core.models import Region
    streets = set(Region.objects.filter(parent__name="东湖区", level=RegionLevel.STREET).values_list("name", flat=True))
    assert {f.label for f in district["coverage_areas"].figures} == streets
    # Every street of the district head's side-by-side tables links to its list.
    for key in ("coverage_areas", "rectification_areas", "filings_areas"):
        assert all(f.url for f in district[key].figures), key

    # This period against the previous one, side by side: the districts add up to the city's figure.
    issued = [f.value for f in city["period"].figures if f.url.startswith("/rectification/")]  # previous, this
    assert issued == [sum(f.value for f in city[key].figures) for key in ("period_areas_previous", "period_areas")]
    assert sum(issued) > 0

    # A partner department's head: no filing section (civil affairs' business), no civil-affairs notices.
    assert "filings" not in fire
    assert fire["rectification"].total <= city["rectification"].total


def test_the_home_page_sends_a_head_to_the_dashboard(client, world):
    client.force_login(world.head_x)
    assert client.get("/").url == "/dashboard/"
    client.force_login(world.inspector_x)
    assert client.get("/").url == "/libraries/institutions/"
