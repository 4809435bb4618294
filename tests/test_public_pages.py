"""The public home links every public area; the methodology page states the rule set in force, its
points, bands and windows; the display setting keeps its cookies and returns only to public pages."""

import datetime as dt

import pytest

from tests.clocks import local

pytestmark = pytest.mark.django_db


def test_home_links_every_public_area(client, world):
    html = client.get("/public/").content.decode()
    for url in ("/public/institutions/", "/public/listings/", "/public/spot-checks/", "/public/commitments/",
                "/public/methodology/", "/public/data/"):
        assert f'href="{url}"' in html, url


def test_methodology_states_the_rules_in_force(client, world, time_machine):
    from supervision.credit import rules as shipped
    from supervision.credit import services

    time_machine.move_to(local(dt.date(2026, 11, 23)), tick=False)
    rule_set = services.rule_set_in_force(shipped.PRIMARY, dt.date(2026, 11, 23))
    response = client.get("/public/methodology/")
    html = response.content.decode()
    assert rule_set.name in html and rule_set.effective_from.isoformat() in html
    assert len(response.context["points"]) == sum(len(cells) for cells in rule_set.points.values())
    assert [w["months"] for w in response.context["windows"]] == list(rule_set.window_months.values())
    assert "20" in html  # working days to publish a result


def test_display_sets_and_clears_its_cookies_and_stays_on_the_public_site(client, world):
    response = client.get("/public/display/", {"large": "1", "contrast": "1", "next": "/public/listings/"})
    assert response.status_code == 302 and response["Location"] == "/public/listings/"
    assert response.cookies["public_large"].value == "1" and response.cookies["public_contrast"]["max-age"]
    page = client.get("/public/listings/").content.decode()
    assert 'class="large-text high-contrast"' in page
    response = client.get("/public/display/", {"large": "0", "next": "https://evil.example/"})
    assert response["Location"] == "/public/" and response.cookies["public_large"].value == ""
    assert client.get("/public/display/", {"large": "1", "next": "/admin/"})["Location"] == "/public/"
