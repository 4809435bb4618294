"""Rate limits (访问频率限制): how often one client may call a view, counted in Django's cache.

A limit is a name in settings.RATE_LIMITS with a rate "N/period" (period: s, m, h or d, optionally
with a count such as "20/10m", or a number of seconds such as "20/300"). A client over the limit gets
429 with a Retry-After header and a message in the user's language: JSON for the JSON endpoints, a
short page otherwise. Counting is a fixed
window per client and limit in the default cache (Redis in production, so every app server counts
together; the process's memory in the embedded default). Time comes from supervision.core.clock.

To limit one more view (say, the public concern form), add a rate to RATE_LIMITS in settings.py and
decorate the view, outermost, so that the 429 is not marked cacheable by the view's own decorators:

    from supervision.core.ratelimit import rate_limit

    @rate_limit("concern_form", methods=("POST",))      # RATE_LIMITS["concern_form"] = "5/h"
    @public_page
    def concern_form(request): ...

`key` picks whom to count: "ip" (the client's address, the default; see client_address), "user"
(the logged-in user, falling back to the address), or a function of the request returning a string.
`json=True` answers in JSON. Tests clear the cache to start from zero.
"""

import functools
import ipaddress
import math

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _

from supervision.core import clock

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/m' -> (10, 60); '20/10m' -> (20, 600); '20/300' -> (20, 300). ValueError on anything else."""
    count, _slash, period = rate.partition("/")
    period = period.strip()
    unit = _PERIODS.get(period[-1:], None) if period else None
    seconds = (int(period[:-1] or 1) * unit) if unit else int(period)
    count = int(count)
    if count < 1 or seconds < 1:
        raise ValueError(f"rate {rate!r} must allow at least one request per period")
    return count, seconds


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address (None if there is none that parses; the login lockout stores it as an
    address). Behind the TLS proxy (BEHIND_TLS_PROXY) it is the last X-Forwarded-For entry, the one
    the proxy appended; anything before it the client could have written itself."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded and (address := _valid_address(forwarded[-1])):
            return address
    return _valid_address(request.META.get("REMOTE_ADDR") or "")


def _identity(request, key) -> str:
    if callable(key):
        return str(key(request))
    if key == "user" and request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_address(request) or 'unknown'}"


def hit(name: str, identity: str) -> int | None:
    """Count one request of `identity` against limit `name`; the seconds to wait if it is over."""
    limit, period = parse_rate(settings.RATE_LIMITS[name])
    now = clock.now().timestamp()
    window = int(now // period)
    counter = f"ratelimit:{name}:{identity}:{window}"
    cache.add(counter, 0, timeout=period + 1)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.add(counter, 1, timeout=period + 1)
        count = 1
    if count <= limit:
        return None
    return max(1, math.ceil((window + 1) * period - now))


def too_many_requests(retry_after: int, *, json: bool) -> HttpResponse:
    message = _("Too many requests. Please wait %(seconds)d seconds and try again.") % {"seconds": retry_after}
    if json:
        response = JsonResponse({"error": "rate_limited", "message": message, "retry_after": retry_after}, status=429)
    else:
        title = _("Too many requests")
        response = HttpResponse(
            f'<!DOCTYPE html><html lang="zh-hans"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><h1>{escape(title)}</h1><p>{escape(message)}</p></body></html>",
            status=429, content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "private, no-store"
    return response


def rate_limit(name: str, *, key="ip", methods=None, json: bool = False):
    """Limit the decorated view by settings.RATE_LIMITS[name]; only `methods` count (all if None)."""
    parse_rate(settings.RATE_LIMITS[name])  # a missing or malformed rate fails at import, not per request

    def decorator(view):
        @functools.wraps(view)
        def limited(request, *args, **kwargs):
            if settings.RATE_LIMIT_ENABLED and (methods is None or request.method in methods):
                wait = hit(name, _identity(request, key))
                if wait is not None:
                    return too_many_requests(wait, json=json)
            return view(request, *args, **kwargs)

        return limited

    return decorator
