"""Who needs a second factor, and the devices behind it.

Officials (执法检查人员, department heads, planners) and administrators must use one when
settings.TWO_FACTOR_REQUIRED is on: a TOTP authenticator app (the 6-digit code), with recovery codes
(one-time, django-otp's static device) for a lost phone. Institution operators may enrol; once they
have, their code is asked at every login like an official's.
"""

from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from supervision.core import clock
from supervision.core.roles import is_administrator

TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def is_official(user) -> bool:
    from supervision.staff.models import Official

    return user.is_staff or is_administrator(user) or Official.objects.filter(user=user).exists()


def second_factor_required(user) -> bool:
    """Must this user give a second factor before reaching anything behind the login?"""
    if not user.is_authenticated:
        return False
    if user_has_device(user, confirmed=True):
        return True  # enrolled (an operator who chose to, or an official): always asked
    return settings.TWO_FACTOR_REQUIRED and is_official(user)


SESSION_FLAG = "second_factor_required"


def remember_requirement(sender, request, user, **kwargs):
    """At login (user_logged_in), so that requests do not ask the database each time."""
    request.session[SESSION_FLAG] = second_factor_required(user)


def required_for_session(request) -> bool:
    required = request.session.get(SESSION_FLAG)
    if required is None:  # a session from before this code
        required = request.session[SESSION_FLAG] = second_factor_required(request.user)
    return required


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_authenticator_key() -> str:
    return random_hex(20)


def enrol_authenticator(user, key: str, token: str) -> TOTPDevice | None:
    """Confirm the enrolment if `token` is the code the app shows for `key`: the device is stored
    only then (nothing is written for a wrong code)."""
    device = TOTPDevice(user=user, name=TOTP_NAME, key=key, confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = clock.now().timestamp()
    if not token.isdigit() or not totp.verify(int(token), device.tolerance):
        return None
    device.last_t = totp.t()
    device.save()
    return device


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with a fresh set; the codes are shown once."""
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME,
                                                              defaults={"confirmed": True})
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def matching_device(user, token: str):
    """The confirmed device that accepts `token` (a TOTP code or a recovery code), or None.
    django-otp throttles each device after failures."""
    token = "".join(token.split())
    for device in devices_for_user(user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


def reset(user) -> int:
    """An administrator's reset: every device goes; the user enrols again at the next login."""
    deleted = 0
    for model in (TOTPDevice, StaticDevice):
        deleted += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return deleted
