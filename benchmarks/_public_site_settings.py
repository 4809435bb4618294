"""Settings for bench_public.py's gunicorn: the project's, with the URLs of _public_site_urls."""

from supervision.settings import *  # noqa: F401,F403

ROOT_URLCONF = "_public_site_urls"
