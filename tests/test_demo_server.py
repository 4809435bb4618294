"""The demo's links and QR codes point to the address the demo server really listens on."""

import pytest
from django.core.management import call_command

from supervision.core.management.commands import demo_server


@pytest.mark.parametrize(("addrport", "url"), [
    ("127.0.0.1:8000", "http://127.0.0.1:8000"),
    ("8080", "http://127.0.0.1:8080"),
    ("0.0.0.0:9000", "http://127.0.0.1:9000"),
    ("192.168.1.20:8001", "http://192.168.1.20:8001"),
])
def test_the_site_url_follows_the_address(addrport, url):
    assert demo_server.site_url_for(addrport) == url


@pytest.fixture
def served(monkeypatch):
    calls = []
    monkeypatch.setattr(demo_server, "call_command", lambda *a, **k: calls.append(a))
    monkeypatch.setattr(demo_server, "run_periodic_forever", lambda: None)
    return calls


def test_a_demo_on_another_port_links_to_that_port(served, monkeypatch, settings):
    monkeypatch.delenv("SITE_URL", raising=False)
    settings.SITE_URL = "http://127.0.0.1:8000"  # through the fixture: what the command sets is undone after
    call_command("demo_server", "127.0.0.1:8765")
    assert served == [("runserver", "127.0.0.1:8765")]
    assert settings.SITE_URL == "http://127.0.0.1:8765"


def test_a_configured_site_url_is_kept(served, monkeypatch, settings):
    monkeypatch.setenv("SITE_URL", "https://ylfw.example.gov.cn")
    settings.SITE_URL = "https://ylfw.example.gov.cn"
    call_command("demo_server", "127.0.0.1:8765")
    assert settings.SITE_URL == "https://ylfw.example.gov.cn"
