"""The second factor's pages: enrolment (QR code for an authenticator app), the code at login, and
the recovery codes. Officials reach them before anything else (TwoFactorMiddleware)."""

from base64 import b32encode
from io import BytesIO
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from supervision.accounts import two_factor
from supervision.core.ratelimit import rate_limit

NEW_CODES_KEY = "new_recovery_codes"
ENROLMENT_KEY = "two_factor_enrolment_key"


class CodeForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code"), max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return "/"
    return target


def _qr_svg(data: str) -> str:
    out = BytesIO()
    qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg"):]  # inline, without the XML declaration


@never_cache
@rate_limit("login", key="user", methods=("POST",))
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    """Set up the authenticator app: scan, then type one code to prove it works."""
    if two_factor.has_authenticator(request.user):
        return render(request, "accounts/two_factor_enrol.html", {"enrolled": True, "next": _next(request)})
    key = request.session.setdefault(ENROLMENT_KEY, two_factor.new_authenticator_key())
    device = TOTPDevice(user=request.user, name=two_factor.TOTP_NAME, key=key)  # not stored until confirmed
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        confirmed = two_factor.enrol_authenticator(request.user, key, "".join(form.cleaned_data["token"].split()))
        if confirmed is not None:
            otp_login(request, confirmed)
            del request.session[ENROLMENT_KEY]
            request.session[NEW_CODES_KEY] = two_factor.new_recovery_codes(request.user)
            return HttpResponseRedirect(f"{reverse('two_factor_recovery_codes')}?{urlencode({'next': _next(request)})}")
        form.add_error("token", _("The code is not correct. Check the time on your phone and try again."))
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form, "next": _next(request), "qr_svg": _qr_svg(device.config_url),
        "secret": b32encode(device.bin_key).decode("ascii"),
        "required": two_factor.second_factor_required(request.user),
    })


@never_cache
@rate_limit("login", key="user", methods=("POST",))
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of the login: the authenticator's code, or one recovery code."""
    if not two_factor.second_factor_required(request.user) or request.user.is_verified():
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.matching_device(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if device.name == two_factor.RECOVERY_NAME:
                messages.warning(request, _("You logged in with a recovery code; %(left)d are left.")
                                 % {"left": two_factor.recovery_codes_left(request.user)})
            return HttpResponseRedirect(_next(request))
        form.add_error("token", _("The code is not correct, or too many wrong codes were tried: wait a moment."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request):
    """The recovery codes, shown once when made; a new set on request (the old ones stop working)."""
    if not two_factor.has_authenticator(request.user):
        return HttpResponseRedirect(reverse("two_factor_enrol"))
    if request.method == "POST":
        request.session[NEW_CODES_KEY] = two_factor.new_recovery_codes(request.user)
        return HttpResponseRedirect(reverse("two_factor_recovery_codes"))
    return render(request, "accounts/recovery_codes.html", {
        "codes": request.session.pop(NEW_CODES_KEY, None), "left": two_factor.recovery_codes_left(request.user),
        "next": _next(request),
    })
