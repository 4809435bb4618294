"""Settings read from the environment: typed helpers that fail loudly, and a production
configuration that passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from supervision.env import env_bool, env_int, env_list, env_str, parse_database_url

ROOT = Path(__file__).resolve().parent.parent
BASE = Path("/srv/supervision")


# --- the helpers --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "Yes", " ON "])
def test_env_bool_true(monkeypatch, raw):
    monkeypatch.setenv("SUPERVISION_T_FLAG", raw)
    assert env_bool("SUPERVISION_T_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off", ""])
def test_env_bool_false(monkeypatch, raw):
    monkeypatch.setenv("SUPERVISION_T_FLAG", raw)
    assert env_bool("SUPERVISION_T_FLAG", True) is False


def test_env_bool_default_when_unset(monkeypatch):
    monkeypatch.delenv("SUPERVISION_T_FLAG", raising=False)
    assert env_bool("SUPERVISION_T_FLAG", True) is True


@pytest.mark.parametrize("raw", ["2", "maybe", "enabled", "ture"])
def test_env_bool_rejects_anything_else(monkeypatch, raw):
    monkeypatch.setenv("EMAIL_USE_TLS", raw)
    with pytest.raises(ImproperlyConfigured, match="EMAIL_USE_TLS"):
        env_bool("EMAIL_USE_TLS", True)


def test_env_int(monkeypatch):
    monkeypatch.setenv("EMAIL_PORT", " 465 ")
    assert env_int("EMAIL_PORT", 587, minimum=1) == 465
    monkeypatch.delenv("EMAIL_PORT")
    assert env_int("EMAIL_PORT", 587, minimum=1) == 587


@pytest.mark.parametrize("raw", ["", "abc", "5.5", "30MB"])
def test_env_int_rejects_non_integers(monkeypatch, raw):
    monkeypatch.setenv("IMPORT_MAX_BYTES", raw)
    with pytest.raises(ImproperlyConfigured, match="IMPORT_MAX_BYTES"):
        env_int("IMPORT_MAX_BYTES", 1024)


def test_env_int_enforces_minimum(monkeypatch):
    monkeypatch.setenv("SESSION_COOKIE_AGE", "10")
    with pytest.raises(ImproperlyConfigured, match="SESSION_COOKIE_AGE.*at least 300"):
        env_int("SESSION_COOKIE_AGE", 3600, minimum=300)


def test_env_str_required(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env_str("SECRET_KEY")
    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    assert env_str("SECRET_KEY") == "x" * 60


def test_env_list(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", " example.gov.cn, ,www.example.gov.cn ")
    assert env_list("ALLOWED_HOSTS", []) == ["example.gov.cn", "www.example.gov.cn"]
    monkeypatch.delenv("ALLOWED_HOSTS")
    assert env_list("ALLOWED_HOSTS", ["localhost"]) == ["localhost"]


# --- DATABASE_URL -------------------------------------------------------------------------------


def test_postgres_url():
    db = parse_database_url(
        "postgres://supervisor:p%40ss%2Fword@db.example.gov.cn:6543/supervision?sslmode=require", base_dir=BASE
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"]) == ("supervision", "supervisor", "p@ss/word")
    assert (db["HOST"], db["PORT"]) == ("db.example.gov.cn", "6543")
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize("scheme", ["postgresql", "pgsql"])
def test_postgres_url_aliases_and_defaults(scheme):
    db = parse_database_url(f"{scheme}://localhost/supervision", base_dir=BASE)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["PORT"]) == ("supervision", "", "", "")


@pytest.mark.parametrize(
    "url",
    ["postgres://localhost/", "postgres://localhost:notaport/supervision", "sqlite:///", "sqlite://"],
)
def test_database_url_incomplete(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url, base_dir=BASE)


@pytest.mark.parametrize("url", ["mysql://u@h/db", "supervision.sqlite3", "redis://localhost:6379/0"])
def test_database_url_bad_scheme(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL.*unsupported scheme"):
        parse_database_url(url, base_dir=BASE)


def test_sqlite_relative_path_is_under_the_project():
    db = parse_database_url("sqlite:///var/demo.sqlite3", base_dir=BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(BASE / "var" / "demo.sqlite3")


def test_sqlite_absolute_path():
    db = parse_database_url("sqlite:////tmp/x/demo.sqlite3", base_dir=BASE)
    assert db["NAME"] == "/tmp/x/demo.sqlite3"


# --- the settings module, in a process of its own ------------------------------------------------


def _manage(*args, env):
    """Run manage.py with exactly `env` (plus PATH/HOME), not the test run's environment."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(tmp_path):
    return {
        "DEBUG": "0",
        "SECRET_KEY": "k9$Vq2!xR7mZ#pL4wT8nB1cF6hJ0sD3gY5uE@aQ-oI+vN=rK*zM^tX&yW%bC",
        "ALLOWED_HOSTS": "example.gov.cn",
        "CSRF_TRUSTED_ORIGINS": "https://example.gov.cn",
        "SITE_URL": "https://example.gov.cn",
        "BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


def test_production_settings_pass_check_deploy(tmp_path):
    env = _production_env(tmp_path)
    assert len(env["SECRET_KEY"]) == 60
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_secret_key_fails_loudly(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_with_a_short_secret_key_fails(tmp_path):
    env = {**_production_env(tmp_path), "SECRET_KEY": "short"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_without_allowed_hosts_fails_loudly(tmp_path):
    env = _production_env(tmp_path)
    del env["ALLOWED_HOSTS"]
    result = _manage("check", env=env)
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_production_without_the_site_address_fails_loudly(tmp_path):
    env = _production_env(tmp_path)
    del env["SITE_URL"]
    result = _manage("check", env=env)
    assert result.returncode != 0 and "SITE_URL" in result.stderr


def test_bad_debug_value_fails_loudly(tmp_path):
    env = {**_production_env(tmp_path), "DEBUG": "verbose"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DEBUG='verbose'" in result.stderr
