"""Production settings (DEBUG=0 with the production variables) in a process of their own: `check
--deploy` finds no issue, cookies are secure and HttpOnly, HSTS is on, the account guards are on."""

import json

from tests.test_settings import _manage, _production_env

SHOW = ("import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'SESSION_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
        "'LANGUAGE_COOKIE_HTTPONLY', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY', 'TWO_FACTOR_REQUIRED', 'SESSION_IDLE_TIMEOUT_MINUTES', "
        "'RATE_LIMIT_ENABLED', 'CONTENT_SECURITY_POLICY', 'AXES_FAILURE_LIMIT']}))")


def _with_production_services(tmp_path):
    return {**_production_env(tmp_path), "DATABASE_URL": "postgres://supervision:secret@db.internal:5432/supervision",
            "REDIS_URL": "redis://cache.internal:6379/0"}


def test_production_with_postgres_and_redis_passes_check_deploy(tmp_path):
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_with_production_services(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_headers_and_account_guards(tmp_path):
    result = _manage("shell", "-c", SHOW, env=_with_production_services(tmp_path))
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["SESSION_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"] and values["CSRF_COOKIE_SECURE"]
    assert values["LANGUAGE_COOKIE_SECURE"] and values["LANGUAGE_COOKIE_HTTPONLY"]
    assert values["SECURE_HSTS_SECONDS"] >= 31536000 and values["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert values["SECURE_SSL_REDIRECT"] and values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SECURE_REFERRER_POLICY"] == "same-origin"
    assert values["TWO_FACTOR_REQUIRED"] and values["RATE_LIMIT_ENABLED"]
    assert values["SESSION_IDLE_TIMEOUT_MINUTES"] == 30 and values["AXES_FAILURE_LIMIT"] == 5
    assert "script-src 'self';" in values["CONTENT_SECURITY_POLICY"]
    assert "frame-ancestors 'none'" in values["CONTENT_SECURITY_POLICY"]


def test_check_deploy_objects_when_production_turns_the_second_factor_off(tmp_path):
    env = {**_with_production_services(tmp_path), "TWO_FACTOR_REQUIRED": "0"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "accounts.W001" in result.stdout + result.stderr
