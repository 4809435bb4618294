"""Response headers that Django's SecurityMiddleware does not set: the Content-Security-Policy,
the Permissions-Policy, and no caching of desk pages.

- CSP (settings.CONTENT_SECURITY_POLICY): scripts only from this site, never inline; no site may
  frame ours. Inline styles stay allowed (the desk's templates and Viewflow's use them).
- Permissions-Policy: geolocation and the camera only for the field app (/field/), where the
  inspector records where a check took place and photographs findings; nothing else anywhere.
- Cache-Control: private, no-store on every page that is not public or a static file, so that a
  shared office PC's browser or a proxy keeps no copy of an inspection record or a credit decision.
  The public site sets its own (public, max-age) and keeps it.
"""

from django.conf import settings

FIELD_PREFIX = "/field/"
PUBLIC_PREFIXES = ("/public/",)
_NOTHING = "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()"
_FIELD = "accelerometer=(), camera=(self), display-capture=(), geolocation=(self), gyroscope=(), microphone=(), payment=(), usb=()"


def _is_static(path: str) -> bool:
    return path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        path = request.path
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", _FIELD if path.startswith(FIELD_PREFIX) else _NOTHING)
        if not path.startswith(PUBLIC_PREFIXES) and not _is_static(path):
            # Desk, field, accounts and admin pages: never stored (replacing whatever a view set).
            response.headers.pop("Expires", None)
            response["Cache-Control"] = "private, no-store"
        return response
