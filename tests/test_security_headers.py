"""Response headers: a Content-Security-Policy with no inline script, never framed, the
Permissions-Policy (geolocation and camera only in the field app), no caching of desk pages; and
no inline script left in any template we serve."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings

ROOT = Path(__file__).resolve().parent.parent


def _directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/public/", "/accounts/login/", "/libraries/institutions/", "/field/"])
def test_every_page_has_a_csp_without_inline_scripts_and_may_not_be_framed(client, world, url):
    client.force_login(world.inspector_x)
    response = client.get(url)
    assert response.status_code == 200, url
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_geolocation_and_the_camera_only_in_the_field_app(client, world):
    client.force_login(world.inspector_x)
    field = client.get("/field/")["Permissions-Policy"]
    assert "geolocation=(self)" in field and "camera=(self)" in field
    for url in ("/public/", "/libraries/institutions/", "/accounts/login/"):
        policy = client.get(url)["Permissions-Policy"]
        assert "geolocation=()" in policy and "camera=()" in policy, url


def test_desk_pages_are_never_stored_public_pages_are_cacheable(client, world):
    client.force_login(world.head_x)
    for url in ("/libraries/institutions/", "/field/sw.js", "/accounts/login/", "/admin/"):
        response = client.get(url)
        assert response["Cache-Control"] == "private, no-store", url
    public = client.get("/public/")
    assert "public" in public["Cache-Control"] and "max-age=60" in public["Cache-Control"]


def test_static_files_keep_their_own_caching(rf):
    from django.http import HttpResponse

    from supervision.core.security import SecurityHeadersMiddleware

    response = SecurityHeadersMiddleware(lambda r: HttpResponse())(rf.get(django_settings.STATIC_URL + "field/app.js"))
    assert "Cache-Control" not in response


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def test_no_template_of_ours_has_an_inline_script_or_handler():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_HANDLER.search(text):
            found.append(str(path.relative_to(ROOT)))
    assert found == []


def test_viewflows_inline_back_buttons_are_served_with_the_desk_script(client, world):
    """Viewflow's confirmation pages have onclick="window.history.back(-1)" Back buttons, which the
    policy blocks: static/desk/desk.js, on every desk page, does the same."""
    client.force_login(world.head_x)
    page = client.get("/libraries/institutions/").content.decode()
    assert "/static/desk/desk.js" in page
    source = (ROOT / "supervision/static/desk/desk.js").read_text()
    assert "history.back" in source


def test_cookies_are_secure_over_https_and_httponly(client, world):
    response = client.get("/public/display/", {"large": "1", "next": "/public/"}, secure=True)
    cookie = response.cookies["public_large"]
    assert cookie["secure"] and cookie["httponly"]
    client.force_login(world.head_x)
    language = client.post("/i18n/setlang/", {"language": "en", "next": "/public/"}, secure=True)
    assert language.cookies["django_language"]["httponly"]
