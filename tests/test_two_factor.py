"""Two-factor authentication (TOTP): officials cannot reach the desk without the second factor;
enrolment on the first login, recovery codes, an administrator's reset; optional for operators."""

import re

import pytest
from django.core.management import call_command
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from supervision.accounts import two_factor

pytestmark = pytest.mark.two_factor

DESK = "/libraries/institutions/"


def code_for(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=two_factor.TOTP_NAME, confirmed=True)


def log_in_with_password(client, username):
    response = client.post("/accounts/login/", {"username": username, "password": "pw-" + username})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def test_an_official_cannot_reach_the_desk_without_the_second_factor(client, world):
    log_in_with_password(client, "inspector_x")
    response = client.get(DESK)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/?next=")  # enrolment on the first login
    for url in ("/", "/inspection/inbox/", "/admin/", "/field/", "/libraries/officials/"):
        assert client.get(url).status_code == 302, url


def test_the_field_api_answers_401_json_before_the_second_factor(client, world):
    log_in_with_password(client, "inspector_x")
    response = client.get("/field/api/inspections/")
    assert response.status_code == 401
    assert response.json()["error"] == "second_factor_required"
    assert response.json()["login_url"].startswith("/accounts/two-factor/")


def test_enrolment_on_the_first_login_then_the_desk_opens(client, world):
    log_in_with_password(client, "inspector_x")
    page = client.get("/accounts/two-factor/?next=" + DESK)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, inline (no external image service)
    assert not TOTPDevice.objects.filter(user=world.inspector_x).exists()  # nothing stored before the code
    key = client.session["two_factor_enrolment_key"]
    wrong = client.post("/accounts/two-factor/", {"token": "000000", "next": DESK})
    assert wrong.status_code == 200 and not TOTPDevice.objects.filter(user=world.inspector_x).exists()
    device = TOTPDevice(user=world.inspector_x, key=key)
    response = client.post("/accounts/two-factor/", {"token": code_for(device), "next": DESK})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/recovery-codes/")
    codes = client.get(response["Location"])
    shown = re.findall(r"<li><code>(\w+)</code></li>", codes.content.decode())
    assert len(shown) == 10
    assert client.get(DESK).status_code == 200
    assert client.get("/accounts/two-factor/recovery-codes/").content.decode().count("<li><code>") == 0  # shown once


def test_an_enrolled_official_gives_the_code_at_each_login(client, world):
    device = enrolled(world.head_x)
    log_in_with_password(client, "head_x")
    response = client.get(DESK)
    assert response["Location"].startswith("/accounts/two-factor/verify/?next=")
    refused = client.post("/accounts/two-factor/verify/", {"token": "123456", "next": DESK})
    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    assert client.get(DESK).status_code == 302
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above throttles the device for a second
    device.throttling_failure_timestamp = None
    device.save()
    accepted = client.post("/accounts/two-factor/verify/", {"token": code_for(device), "next": DESK})
    assert accepted.status_code == 302 and accepted["Location"] == DESK
    assert client.get(DESK).status_code == 200


def test_a_recovery_code_logs_in_once(client, world):
    enrolled(world.head_x)
    codes = two_factor.new_recovery_codes(world.head_x)
    log_in_with_password(client, "head_x")
    assert client.post("/accounts/two-factor/verify/", {"token": codes[0], "next": DESK}).status_code == 302
    assert client.get(DESK).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    client.logout()
    log_in_with_password(client, "head_x")
    assert client.post("/accounts/two-factor/verify/", {"token": codes[0], "next": DESK}).status_code == 200


def test_a_next_address_elsewhere_is_not_followed(client, world):
    device = enrolled(world.head_x)
    log_in_with_password(client, "head_x")
    response = client.post("/accounts/two-factor/verify/", {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_operator_reaches_the_portal_without_a_second_factor_and_may_enrol(client, world):
    log_in_with_password(client, "operator_p")
    assert client.get(DESK).status_code == 200
    page = client.get("/accounts/two-factor/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    # Once enrolled, the operator's code is asked like an official's.
    enrolled(world.operator_p)
    client.logout()
    log_in_with_password(client, "operator_p")
    assert client.get(DESK)["Location"].startswith("/accounts/two-factor/verify/")


def test_the_requirement_is_a_setting(client, world, settings):
    settings.TWO_FACTOR_REQUIRED = False
    log_in_with_password(client, "inspector_x")
    assert client.get(DESK).status_code == 200


def test_public_pages_and_logout_stay_open_before_the_second_factor(client, world):
    log_in_with_password(client, "inspector_x")
    assert client.get("/public/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_administrator_resets_the_second_factor_with_the_command(client, world):
    enrolled(world.head_x)
    two_factor.new_recovery_codes(world.head_x)
    call_command("reset_two_factor", "head_x")
    assert not TOTPDevice.objects.filter(user=world.head_x).exists()
    assert not StaticToken.objects.filter(device__user=world.head_x).exists()
    log_in_with_password(client, "head_x")
    assert client.get(DESK)["Location"].startswith("/accounts/two-factor/?next=")  # enrols again


def test_an_administrator_resets_the_second_factor_in_the_admin(client, world):
    enrolled(world.head_x)
    admin_device = enrolled(world.admin)
    client.force_login(world.admin)
    session = client.session
    session["otp_device_id"] = admin_device.persistent_id
    session.save()
    response = client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [world.head_x.pk]})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.head_x).exists()
    assert TOTPDevice.objects.filter(user=world.admin).exists()


def test_check_deploy_warns_when_the_requirement_is_off(settings):
    from supervision.accounts.checks import account_protections

    settings.RATE_LIMIT_ENABLED = True  # (the suite turns it off outside tests/test_rate_limits.py)
    assert account_protections(None) == []
    settings.TWO_FACTOR_REQUIRED = False
    assert [w.id for w in account_protections(None)] == ["accounts.W001"]
