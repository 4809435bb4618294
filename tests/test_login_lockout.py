"""Login lockout (django-axes): repeated failures lock the account and the address; an administrator
unlocks. Password rules: the minimum length is a setting, the messages are Chinese."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation

LOGIN = "/accounts/login/"


def _login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_a_login_hammered_20_times_locks_even_the_right_password(client, world, settings):
    answers = [_login(client, "inspector_x", f"wrong-{n}").status_code for n in range(20)]
    assert answers[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again
    assert set(answers[settings.AXES_FAILURE_LIMIT:]) == {429}
    response = _login(client, "inspector_x", "pw-inspector_x")
    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_holds_for_the_account_from_another_address(client, world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "inspector_x", f"wrong-{n}", address="10.0.0.1")
    assert _login(client, "inspector_x", "pw-inspector_x", address="10.9.9.9").status_code == 429


def test_one_address_trying_many_names_is_locked_for_every_name(client, world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, f"guess{n}", "123456", address="10.0.0.7")
    assert _login(client, "head_x", "pw-head_x", address="10.0.0.7").status_code == 429
    assert _login(client, "head_x", "pw-head_x", address="10.0.0.8").status_code == 302  # elsewhere: logged in


def test_a_right_password_before_the_limit_logs_in_and_forgets_the_failures(client, world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "inspector_x", f"wrong-{n}")
    assert _login(client, "inspector_x", "pw-inspector_x").status_code == 302
    assert not AccessAttempt.objects.filter(username="inspector_x", failures_since_start__gt=0).exists()


def test_an_administrator_unlocks_the_account(client, world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "inspector_x", f"wrong-{n}")
    assert _login(client, "inspector_x", "pw-inspector_x").status_code == 429
    call_command("axes_reset_username", "inspector_x")
    assert _login(client, "inspector_x", "pw-inspector_x").status_code == 302


def test_an_administrator_sees_the_locked_attempts_in_the_admin(client, world, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "inspector_x", f"wrong-{n}")
    client.force_login(world.admin)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "inspector_x" in page.content.decode()


def test_the_address_counted_behind_the_proxy_is_the_one_the_proxy_saw(rf, settings):
    from supervision.core.ratelimit import client_address

    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_address(request) == "10.1.1.1"  # no proxy configured: the header is not trusted
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert client_address(request) == "203.0.113.9"  # the proxy's own entry, not the client's claim
    assert client_address(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="x, not-an-address")) == "10.1.1.1"
    assert client_address(rf.get("/", REMOTE_ADDR="")) is None  # stored as no address, not a bad one


# --- password rules --------------------------------------------------------------------------------


def test_a_short_password_is_refused_with_a_chinese_message(settings):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password("Zq7#kd9!")
    assert any("密码太短" in message for message in refused.value.messages)


def test_the_minimum_length_is_a_setting(monkeypatch, tmp_path):
    import subprocess
    import sys

    from tests.test_settings import ROOT

    env = {"DEBUG": "1", "PASSWORD_MIN_LENGTH": "16", "DJANGO_SETTINGS_MODULE": "supervision.settings",
           "PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.contrib.auth.password_validation import "
         "password_validators_help_texts as h; print(h())"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert "16" in result.stdout, result.stderr


def test_common_and_numeric_passwords_are_refused():
    for weak in ("password12345", "938475610293847"):
        with pytest.raises(ValidationError):
            validate_password(weak)
