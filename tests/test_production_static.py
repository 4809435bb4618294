"""The production install serves pages: `collectstatic` under the production settings writes the
manifest, and the login page, a desk page and a public page answer 200 with DEBUG off.

The settings are read from supervision/settings.py with the environment of README's production
table (DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, SITE_URL, BEHIND_TLS_PROXY, STATIC_ROOT), not written
here by hand; only the database stays the test database. Without the manifest every page answered
500 ("Missing staticfiles manifest entry"), and collectstatic stopped on a font reference in a
file of Viewflow's wheel that no page uses (supervision/static_files).
"""

import importlib.util
import json
import os
import secrets
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, override_settings

# A minute of compression, the same on either database: on the SQLite pass only (conftest.py).
pytestmark = pytest.mark.collectstatic

HOST = "jg.mzj.example.gov.cn"
# Kept from the test run: the test database, the apps (loaded once), logging.
NOT_APPLIED = {"DATABASES", "INSTALLED_APPS", "LOGGING", "LOGGING_CONFIG"}


def production_settings(static_root) -> dict:
    """The upper-case names of supervision/settings.py evaluated with a production environment."""
    environment = {
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(60), "ALLOWED_HOSTS": HOST,
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}", "SITE_URL": f"https://{HOST}", "BEHIND_TLS_PROXY": "1",
        "STATIC_ROOT": str(static_root), "DATABASE_URL": "sqlite:////nonexistent/unused.sqlite3",
    }
    origin = importlib.util.find_spec(django_settings.SETTINGS_MODULE).origin
    spec = importlib.util.spec_from_file_location("production_settings", origin)
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environment):
        spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper() and name not in NOT_APPLIED}


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Production settings with their static files collected (once: compressing takes a while)."""
    values = production_settings(tmp_path_factory.mktemp("static"))
    assert values["DEBUG"] is False
    assert "Manifest" in values["STORAGES"]["staticfiles"]["BACKEND"]
    with override_settings(**values):
        call_command("collectstatic", interactive=False, verbosity=0)
    return values


def _get(client, url):
    # As the TLS-terminating proxy forwards it.
    return client.get(url, secure=True, headers={"host": HOST, "x-forwarded-proto": "https"})


def test_collectstatic_under_production_settings_writes_the_manifest(production):
    manifest = json.loads((production["STATIC_ROOT"] / "staticfiles.json").read_text())
    assert "viewflow/img/favicon.png" in manifest["paths"]
    assert "viewflow/fonts/roboto/roboto-fontface.css" in manifest["paths"]  # the font the pages use


@pytest.mark.django_db
def test_the_login_a_desk_and_a_public_page_answer_200_with_debug_off(production, world):
    with override_settings(**production):
        client = Client()
        login = _get(client, "/accounts/login/")
        assert login.status_code == 200
        favicon = json.loads((production["STATIC_ROOT"] / "staticfiles.json").read_text())["paths"][
            "viewflow/img/favicon.png"]
        assert f"/static/{favicon}" in login.content.decode()  # hashed names, from the manifest
        public = _get(client, "/public/spot-checks/")
        assert public.status_code == 200
        client.force_login(world.head_x)
        _second_factor_given(client, world.head_x)  # an official, with TWO_FACTOR_REQUIRED on
        desk = _get(client, "/rectification/notices/")
        assert desk.status_code == 200
        static = _get(client, f"/static/{favicon}")  # served by WhiteNoise
        assert static.status_code == 200 and static["Cache-Control"].startswith("max-age=")


def _second_factor_given(client, user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.create(user=user, name="authenticator").persistent_id
    session.save()
