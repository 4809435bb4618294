"""Settings for the supervision system, read from the environment.

The embedded default (no environment at all apart from DEBUG=1) runs on SQLite with
background work in-process. Production sets DATABASE_URL (PostgreSQL), REDIS_URL
(Celery broker and cache), SECRET_KEY and ALLOWED_HOSTS; see README.md.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from supervision.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET = "dev-only-insecure-key-do-not-use-in-production-0123456789"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and (SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of 50+ characters when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The public address, for links that leave the request: email links, QR codes on printed notices.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else None).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "supervision.static_files",  # its collectstatic leaves out build leftovers: before staticfiles
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "supervision.core",
    "supervision.accounts",
    "supervision.staff",
    "supervision.registry",
    "supervision.inspections",
    "supervision.sampling",
    "supervision.rectification",
    "supervision.credit",
    "supervision.notifications",
    "supervision.documents",
    "supervision.disclosure",
    "supervision.filings",
    "supervision.listings",
    "supervision.concerns",
    "workflows.spot_check",
    "workflows.rectification",
    "workflows.inspection",
    "workflows.filing",
    "workflows.listing",
    "supervision.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "supervision.core.security.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "supervision.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "supervision.accounts.middleware.IdleTimeoutMiddleware",
    "supervision.accounts.middleware.LoginRequiredMiddleware",
    "supervision.accounts.middleware.TwoFactorMiddleware",
    "supervision.core.audit.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "viewflow.middleware.SiteMiddleware",
    "viewflow.middleware.HotwireTurboMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

if not DEBUG:
    # Static files straight from the app server in production (runserver serves them in DEBUG).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "supervision.urls"
WSGI_APPLICATION = "supervision.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "supervision.core.context_processors.calendar_warnings",
            ],
        },
    },
]

_DATABASE_URL = env_str("DATABASE_URL", "")
if not _DATABASE_URL:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _DATABASE_URL = f"sqlite:///{VAR_DIR / 'supervision.sqlite3'}"
DATABASES = {"default": parse_database_url(_DATABASE_URL, base_dir=BASE_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Guardian's anonymous user row is not wanted: the public site never uses object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_MONKEY_PATCH_USER = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "supervision.accounts.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12, minimum=8)}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English as the alternative. Message ids in code are English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "supervision" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 30 * 1024 * 1024, minimum=1024)

# Email: console by default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "supervision@localhost")

# Background work: Celery on Redis in production; without REDIS_URL the same tasks run
# in-process (supervision.core.background) and periodic work runs in the demo runner.
REDIS_URL = env_str("REDIS_URL", "")
BACKGROUND_INPROCESS = not REDIS_URL
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = BACKGROUND_INPROCESS
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Security: strict unless DEBUG. `manage.py check --deploy` passes with DEBUG off.
# Trust X-Forwarded-Proto only behind a TLS-terminating proxy that sets it (nginx, a load balancer).
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
# Preloading commits the whole registrable domain to HTTPS in browsers for months: the domain
# owner's decision, so off unless asked for, and its deploy-check warning (W021) silenced then.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The CSRF cookie stays readable (the field app's JavaScript sends it back; Django's advice); the
# language cookie, set by the language switch's form, is HttpOnly and secure like the session's.
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [] if SECURE_HSTS_PRELOAD else ["security.W021"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SITE_TITLE = _("Elderly-care institution supervision")

# Double-random draws: how often a plan's draw may be discarded and drawn again (each time with a
# ground from the fixed list, a second head's approval, and publication of the discarded draw).
SPOT_CHECK_MAX_REDRAWS = env_int("SPOT_CHECK_MAX_REDRAWS", 2, minimum=0)

# Inspections (养老机构行政检查办法; DOMAIN.md §2): the 检查通知书 goes out this many working days
# before an announced check, and the result is published (一公开) within this many working days
# of the submitted record. Defaults from the rules as established; an administrator may change them.
INSPECTION_NOTICE_WORKING_DAYS = env_int("INSPECTION_NOTICE_WORKING_DAYS", 3, minimum=0)
INSPECTION_PUBLICITY_WORKING_DAYS = env_int("INSPECTION_PUBLICITY_WORKING_DAYS", 20, minimum=1)

# Filing (备案, 养老机构管理办法 Art. 10; DOMAIN.md §3): the institution files within this many
# working days of its first resident (a locality may set its own: FilingDeadlineRule in the admin);
# the on-site verification is due within this many working days of the filing (or of the day an
# unfiled institution was found housing residents); reminders go out this many working days ahead.
FILING_DEADLINE_WORKING_DAYS = env_int("FILING_DEADLINE_WORKING_DAYS", 10, minimum=1)
FILING_VERIFICATION_WORKING_DAYS = env_int("FILING_VERIFICATION_WORKING_DAYS", 20, minimum=1)
FILING_REMINDER_WORKING_DAYS = env_int("FILING_REMINDER_WORKING_DAYS", 3, minimum=0)
# A residential institution (养老机构) has at least this many beds [V].
FILING_MIN_RESIDENTIAL_BEDS = env_int("FILING_MIN_RESIDENTIAL_BEDS", 10, minimum=1)
# The blacklist and the watch list (民发〔2019〕103号, 国办发〔2020〕49号, 国办发〔2025〕22号; DOMAIN.md §7, §6).
# The representation period after the prior notice [U]; how long partner departments have to
# acknowledge a joint-punishment notice before they are reminded, and the department to decide a
# repair application [U]; how long a listing lasts before repair may be applied for and when
# publication ends by itself (joint-punishment list: 2 years by 103号 Art. 11, 3 years by 22号;
# watch list: the general class of 22号, 3 months to 1 year [U]).
LISTING_REPRESENTATION_WORKING_DAYS = env_int("LISTING_REPRESENTATION_WORKING_DAYS", 5, minimum=1)
LISTING_ACKNOWLEDGEMENT_WORKING_DAYS = env_int("LISTING_ACKNOWLEDGEMENT_WORKING_DAYS", 5, minimum=1)
LISTING_REPAIR_DECISION_WORKING_DAYS = env_int("LISTING_REPAIR_DECISION_WORKING_DAYS", 15, minimum=1)
BLACKLIST_MINIMUM_MONTHS = env_int("BLACKLIST_MINIMUM_MONTHS", 24, minimum=1)
BLACKLIST_MAXIMUM_MONTHS = env_int("BLACKLIST_MAXIMUM_MONTHS", 36, minimum=1)
WATCH_LIST_MINIMUM_MONTHS = env_int("WATCH_LIST_MINIMUM_MONTHS", 3, minimum=1)
WATCH_LIST_MAXIMUM_MONTHS = env_int("WATCH_LIST_MAXIMUM_MONTHS", 12, minimum=1)
for _list, _minimum, _maximum in (("BLACKLIST", BLACKLIST_MINIMUM_MONTHS, BLACKLIST_MAXIMUM_MONTHS),
                                  ("WATCH_LIST", WATCH_LIST_MINIMUM_MONTHS, WATCH_LIST_MAXIMUM_MONTHS)):
    if _minimum > _maximum:
        raise ImproperlyConfigured(f"{_list}_MINIMUM_MONTHS={_minimum} exceeds {_list}_MAXIMUM_MONTHS={_maximum}.")

# The field app's limits (issue 19): checked by the sync API's schema and announced to the tablet
# in its bootstrap JSON, so that it warns while the inspector is still at the institution.
FIELD_MAX_NOTE_CHARS = env_int("FIELD_MAX_NOTE_CHARS", 2000, minimum=1)
FIELD_MAX_PHOTOS_PER_INSPECTION = env_int("FIELD_MAX_PHOTOS_PER_INSPECTION", 100, minimum=1)
FIELD_MAX_PHOTOS_PER_ITEM = env_int("FIELD_MAX_PHOTOS_PER_ITEM", 10, minimum=1)
FIELD_MAX_OPEN_UPLOADS = env_int("FIELD_MAX_OPEN_UPLOADS", 20, minimum=1)
FIELD_MAX_PHOTO_BYTES = env_int("FIELD_MAX_PHOTO_BYTES", 8 * 1024 * 1024, minimum=1)
# Evidence files an operator may attach to one finding of a rectification report.
RECTIFICATION_MAX_FILES_PER_ITEM = env_int("RECTIFICATION_MAX_FILES_PER_ITEM", 10, minimum=1)
# Credit (supervision/credit): the highest fine a penalty record may carry, in yuan. 养老机构管理办法
# (民政部令第66号) Art. 46: order to correct and a warning; if serious, a fine of up to ¥30,000.
CREDIT_PENALTY_MAX_FINE_YUAN = env_int("CREDIT_PENALTY_MAX_FINE_YUAN", 30000, minimum=0)
# Concerns from the public (supervision/concerns): daily caps, counted in the database, and the
# fewest seconds between showing the form and its sending (a person reads and types; a bot does not).
CONCERNS_PER_ADDRESS_PER_DAY = env_int("CONCERNS_PER_ADDRESS_PER_DAY", 3, minimum=1)
CONCERNS_PER_INSTITUTION_PER_DAY = env_int("CONCERNS_PER_INSTITUTION_PER_DAY", 20, minimum=1)
CONCERN_FORM_MIN_SECONDS = env_int("CONCERN_FORM_MIN_SECONDS", 5, minimum=0)
# The public institution page and search are cached this long (0: not at all); a change to the
# facts behind a page invalidates it at once (supervision/disclosure/cache.py).
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300, minimum=0)

# Accounts and security headers (issue 19; supervision/accounts, supervision/core/security.py).
# Login lockout (django-axes): this many failed logins for one user name, or from one address, lock
# it for LOGIN_LOCKOUT_MINUTES; an administrator unlocks early in the admin (登录失败记录: delete
# the attempt) or with `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30, minimum=1))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "supervision.core.ratelimit.client_address"
AXES_USERNAME_FORM_FIELD = "username"
# Two-factor authentication (TOTP, django-otp): required of officials and administrators (enrolment on
# their first login), optional for institution operators. Only the demo turns it off (make demo).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "养老机构监管")
TWO_FACTOR_RECOVERY_CODES = 10
# Logged out after this many minutes without a request (SESSION_COOKIE_AGE stays the longest day).
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
# Rate limits (supervision/core/ratelimit.py): requests per client and period, "N/s|m|h|d".
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "20/10m"),
    "public_search": env_str("RATE_LIMIT_PUBLIC_SEARCH", "60/m"),
    "open_data": env_str("RATE_LIMIT_OPEN_DATA", "60/m"),
    "field_sync": env_str("RATE_LIMIT_FIELD_SYNC", "300/m"),
    "concern_track": env_str("RATE_LIMIT_CONCERN_TRACK", "30/m"),
}
# Content-Security-Policy: scripts and everything else from this site only, no inline scripts, never
# framed. Inline styles remain (the desk's and Viewflow's templates); data: images (QR codes, the
# field app's photo previews), blob: for photos taken on the tablet.
CONTENT_SECURITY_POLICY = env_str("CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'", "worker-src 'self'",
    "manifest-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
]))
