"""The public pages' cache (Django's cache) and its invalidation by version keys.

A cached page is stored under a key that holds a *version*: one per institution (its page) and one
for the whole public register (the search, the open-data ETags). Whenever a fact behind the pages
changes (the institution itself, an inspection or its findings, a rectification notice, a credit
event, standing or grade, a penalty, a listing, a filing), `signals.py` gives that institution and
the register a new version, so the next request renders afresh: a new inspection result shows at
once. A version is a fresh random token with the moment it was made (the Last-Modified of the open
data), never a counter: a version evicted from the cache comes back as a new one, never as an old
one whose pages might still be stored.

Versions change twice per change: at once (the writer's own next request sees it) and when the
transaction commits (a page rendered meanwhile from the data before the commit is dropped too).

The day is part of every key: publication windows and grade explanations turn on the date.
The CSRF token in a page (the language switch) is never cached: it is taken out before storing
and the visitor's own put back when serving.
"""

import datetime as dt
import hashlib
import re
import uuid
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from supervision.core import clock

REGISTER = "public:version:register"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"@@public-csrf@@"
DISPLAY_COOKIES = ("public_large", "public_contrast")


def _institution_key(pk) -> str:
    return f"public:version:institution:{pk}"


def _new_version() -> str:
    return f"{clock.now().timestamp():.6f}:{uuid.uuid4().hex[:12]}"


def version(key: str) -> str:
    current = cache.get(key)
    if current is None:
        fresh = _new_version()
        cache.add(key, fresh, timeout=None)
        current = cache.get(key) or fresh
    return current


def register_version() -> str:
    return version(REGISTER)


def institution_version(pk) -> str:
    return version(_institution_key(pk))


def version_moment(value: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(value.split(":", 1)[0]), tz=dt.timezone.utc)


def facts_changed(institution_id) -> None:
    """New versions for the institution (if any) and the register, now and after the commit."""
    keys = [REGISTER] + ([_institution_key(institution_id)] if institution_id else [])

    def bump():
        cache.set_many({key: _new_version() for key in keys}, timeout=None)

    bump()
    transaction.on_commit(bump)


def _page_key(request, versions: str) -> str:
    parts = [request.get_full_path(), get_language() or "", clock.today().isoformat(), versions,
             *(request.COOKIES.get(name, "") for name in DISPLAY_COOKIES)]
    return "public:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached_page(versions_of):
    """Cache a public page's 200 answers; `versions_of(**view_kwargs)` names the versions it depends on."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
            if timeout <= 0:
                return view(request, *args, **kwargs)
            key = _page_key(request, versions_of(**kwargs))
            stored = cache.get(key)
            if stored is not None:
                body = stored["body"].replace(CSRF_PLACEHOLDER, get_token(request).encode())
                return HttpResponse(body, content_type=stored["content_type"])
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                cache.set(key, {"body": CSRF_INPUT.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content),
                                "content_type": response["Content-Type"]}, timeout)
            return response
        return wrapped
    return decorator


# --- conditional GET for the open data ------------------------------------------------------------


def data_etag(request, code) -> str:
    """The open data change with the register, the day (publication windows) and the language."""
    parts = [code, request.GET.urlencode(), register_version(), clock.today().isoformat(), get_language() or ""]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def data_last_modified(request, code) -> dt.datetime:
    """The last change to the register, and never before today's start (windows end at midnight)."""
    midnight = timezone.make_aware(dt.datetime.combine(clock.today(), dt.time.min))
    return max(version_moment(register_version()), midnight)
