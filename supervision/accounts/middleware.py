"""The login's guards on every request: the idle timeout, the login itself, the second factor.

The field app's JSON API (/field/api/) never gets a redirect to an HTML page: a tablet whose session
ended (idle timeout, or never verified) gets 401 JSON naming where to log in, keeps its outbox, and
sends it after the inspector has logged in again.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _

from supervision.accounts import two_factor
from supervision.core import clock

FIELD_API_PREFIX = "/field/api/"
LAST_SEEN_KEY = "last_seen"
# The session is written at most this often just to move the idle clock on.
LAST_SEEN_GRANULARITY_SECONDS = 60
# Pages a logged-in user reaches before the second factor (the rest of accounts/ is login_not_required).
BEFORE_SECOND_FACTOR = {"logout", "two_factor_enrol", "two_factor_verify"}


def field_api_refusal(login_url: str, error: str, message: str) -> JsonResponse:
    return JsonResponse({"error": error, "message": message, "login_url": login_url}, status=401)


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than settings.SESSION_IDLE_TIMEOUT_MINUTES."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
        if minutes and request.user.is_authenticated:
            now = clock.now().timestamp()
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > minutes * 60:
                auth.logout(request)
                request.session_timed_out = True
            elif last_seen is None or now - last_seen >= LAST_SEEN_GRANULARITY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Django's, but the field API answers 401 JSON instead of redirecting to the login page."""

    def handle_no_permission(self, request, view_func):
        if request.path.startswith(FIELD_API_PREFIX):
            login_url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': '/field/'})}"
            return field_api_refusal(
                login_url, "login_required",
                _("Your session has ended. Please log in again; the records on this tablet are kept and "
                  "will be sent after you log in."),
            )
        return super().handle_no_permission(request, view_func)


class TwoFactorMiddleware:
    """Nothing behind the login before the second factor: enrolment first if there is no device yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if not getattr(view_func, "login_required", True):
            return None  # a public page
        match = request.resolver_match
        if match is not None and match.url_name in BEFORE_SECOND_FACTOR and not match.namespace:
            return None
        if not two_factor.required_for_session(request):
            return None
        step = "two_factor_verify" if two_factor.has_authenticator(user) else "two_factor_enrol"
        if request.path.startswith(FIELD_API_PREFIX):
            return field_api_refusal(
                f"{reverse(step)}?{urlencode({'next': '/field/'})}", "second_factor_required",
                _("Please complete the login with your authenticator code; the records on this tablet are kept."),
            )
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
