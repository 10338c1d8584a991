"""Plea settings: one module, configured by environment variables.

Development needs no environment at all (`make run` sets DJANGO_DEBUG=1). With
debug off, the secret key and host list are required and start-up stops with a
clear message when they are missing; see .env.example for every variable.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, *, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


def env_limits(name: str, *, default: str) -> list[tuple[int, int]]:
    """Rate limits written as "count/seconds" pairs: "1/60,5/300"; "off" for none."""
    value = os.environ.get(name, "").strip() or default
    if value.lower() == "off":
        return []
    try:
        return [(int(count), int(seconds)) for count, seconds in (pair.split("/") for pair in value.split(","))]
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must look like 1/60,5/300 (count/seconds), not {value!r}.") from error


def env_int(name: str, *, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


# Debug is off unless asked for: a production server that forgot its
# environment must fail closed, not show tracebacks to the world.
DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-never-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Give the host names this site is "
            "served under, comma-separated (e.g. plea.example.org)."
        )
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    # Trigram name search on PostgreSQL; its lookups are simply unused on SQLite.
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    # Before django_tasks_db: core's `db_worker` (claiming tasks in batches,
    # core/task_worker.py) shadows the library's command of that name.
    "core",
    "django_tasks_db",
    # Second factors (accounts/two_factor.py): authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Passkeys and security keys (WebAuthn; accounts/passkeys.py).
    "django_otp_webauthn",
    "accounts",
    "petitions",
    "cases",
    "organisers",
]

MIDDLEWARE = [
    # A stranger's GET of a cached petition page is answered here, before the
    # rest; it adds the headers the stack below added to that page.
    "petitions.shared_page.SharedPageMiddleware",
    # Refuses an oversized body before anything below reads it (CSRF reads POST).
    "core.body_limits.RequestBodyLimit",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.sessions.account_sessions",
    "accounts.two_factor.SecondFactorGate",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "config.outages.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", default=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock up front, so two concurrent
    # signers queue instead of failing with "database is locked" mid-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: those of the people who sign and read.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ur", _("Urdu")),
    ("ug", _("Uyghur")),
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
    ("tr", _("Turkish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed files in production; plain files where no collectstatic ran.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Scans of paper sheets, delivery photos, letters: never served by URL,
    # only through permission-checked views (petitions.uploads).
    "private": {"BACKEND": os.environ.get("PLEA_PRIVATE_STORAGE_BACKEND", "petitions.uploads.PrivateFileStorage")},
    # Published photos of cases (cases.photos), under MEDIA_ROOT/photos/ by
    # default; served by cases.photo_views on our own origin, never linked
    # to the storage itself.
    "photos": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
PLEA_PRIVATE_ROOT = Path(os.environ.get("PLEA_PRIVATE_ROOT") or BASE_DIR / "private")
# S3-compatible object storage (AWS, MinIO, Backblaze, Scaleway, …) for both
# kinds of upload, in one private bucket: every file is read by our views and
# served from our origin, so the bucket never needs to be public. Needs
# `pip install -r requirements-s3.txt` (django-storages and boto3).
PLEA_S3_BUCKET = os.environ.get("PLEA_S3_BUCKET", "")
if PLEA_S3_BUCKET:
    _s3 = {
        "bucket_name": PLEA_S3_BUCKET,
        "endpoint_url": os.environ.get("PLEA_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("PLEA_S3_REGION") or None,
        # Unset: boto3's own chain (AWS_ACCESS_KEY_ID, an instance role, …).
        "access_key": os.environ.get("PLEA_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("PLEA_S3_SECRET_ACCESS_KEY") or None,
        "default_acl": "private",
        "querystring_auth": True,
        # Names are never reused; a clash must fail, not overwrite.
        "file_overwrite": False,
    }
    STORAGES["private"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "private"}}
    STORAGES["photos"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "public"}}

# Uploaded files (local disk by default); scripts/backup.sh copies this directory.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"

# Without collectstatic (development, tests) whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# Cache (and with it rate limits): Redis when configured, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # A Redis that is down must not hold a request up: short timeouts, no
    # retries, and config/resilient_cache.py answers from memory meanwhile.
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    CACHES = {
        "default": {
            "BACKEND": "core.resilient_cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1, "retry": Retry(NoBackoff(), 0)},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "plea"}}

# Email: printed to the console in development; in production SMTP, to
# EMAIL_HOST or else a local mail transfer agent on localhost:25.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
if (EMAIL_HOST or not DEBUG) and os.environ.get("EMAIL_BACKEND", SMTP_BACKEND) == SMTP_BACKEND:
    MAILERS = {
        "default": {
            "BACKEND": SMTP_BACKEND,
            "OPTIONS": {
                "host": EMAIL_HOST or "localhost",
                "port": env_int("EMAIL_PORT", default=587 if EMAIL_HOST else 25),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST)),
                "timeout": 20,
            },
        }
    }
else:
    # Any other backend (console, locmem, dummy, a provider's API) gets no SMTP
    # options: Django refuses options a backend does not know, failing every send.
    MAILERS = {
        "default": {"BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")}
    }
del EMAIL_HOST  # deprecated as a setting since Django 6.1: MAILERS holds it
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Plea <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: run at once in development and tests; a database queue
# drained by `manage.py db_worker` in production.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django.tasks.backends.immediate.ImmediateBackend"),
    }
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Flash messages ride in a signed cookie (the session only if one overflows):
# kept in the session, each confirmation cost a session INSERT and a second
# commit, a third of the confirm click (bench/README.md).
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "organisers:dashboard"
LOGOUT_REDIRECT_URL = "petitions:list"
# Password reset links work for a day.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Organisers: invitations expire (failed sign-ins are throttled: PLEA_RATE_LIMITS).
PLEA_INVITATION_MAX_AGE = env_int("PLEA_INVITATION_MAX_AGE_DAYS", default=7) * 24 * 3600
# Sign-ins end after 12 hours without a request, and 7 days after signing in
# however active (accounts.sessions renews the idle expiry as they are used).
SESSION_COOKIE_AGE = env_int("PLEA_SESSION_IDLE_HOURS", default=12) * 3600
PLEA_SESSION_ABSOLUTE_AGE = env_int("PLEA_SESSION_ABSOLUTE_DAYS", default=7) * 24 * 3600
# Staff, petition owners and case editors must sign in with a second factor
# (accounts/two_factor.py): on unless debug is, so the demo stays open to try.
PLEA_REQUIRE_2FA = env_bool("PLEA_REQUIRE_2FA", default=not DEBUG)
# What authenticator apps show beside the account name.
OTP_TOTP_ISSUER = "Plea"
# Passkeys (accounts/passkeys.py) belong to SITE_URL's host name (the relying
# party ID) and are accepted from that origin only. Browsers allow them on
# https, or on http://localhost while developing, and never for an IP address:
# with the default http://127.0.0.1:8000 the passkey buttons are hidden (set
# SITE_URL=http://localhost:8000 and open that address to try them).
_SITE = urlsplit(SITE_URL)
PLEA_PASSKEYS = bool(_SITE.hostname) and (
    _SITE.scheme == "https" or (_SITE.scheme == "http" and _SITE.hostname == "localhost")
)
OTP_WEBAUTHN_RP_ID = _SITE.hostname or "localhost"
OTP_WEBAUTHN_RP_NAME = "Plea"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [SITE_URL]
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
# The library's own log of failed ceremonies (never credentials or addresses).
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "django_otp_webauthn"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    # Signing in with a passkey alone ("passwordless"): accounts.passkeys.
    "django_otp_webauthn.backends.WebAuthnBackend",
]
if not PLEA_PASSKEYS:
    # The library refuses an origin that is neither https nor localhost; here
    # passkeys are simply off (the pages offer none, the endpoints answer 404).
    SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E031"]
# Updates are mailed in batches of this many signers, one task per batch.
PLEA_UPDATE_BATCH_SIZE = env_int("PLEA_UPDATE_BATCH_SIZE", default=500)

# Signatures: how long a confirmation link stays valid, and how often a signer's
# address may be mailed again (re-sends, "you already signed" notes).
PLEA_CONFIRMATION_MAX_AGE = env_int("PLEA_CONFIRMATION_MAX_AGE_DAYS", default=7) * 24 * 3600
PLEA_REMAIL_INTERVAL = env_int("PLEA_REMAIL_INTERVAL_MINUTES", default=10) * 60
# After a petition stops taking signatures, those made before may still be
# confirmed for this long (people who signed in its last minutes are counted);
# then the count is final.
PLEA_CONFIRM_GRACE_HOURS = env_int("PLEA_CONFIRM_GRACE_HOURS", default=24)
# IP addresses are kept only as an HMAC under this key; rotating it unlinks old hashes.
PLEA_IP_HASH_KEY = os.environ.get("PLEA_IP_HASH_KEY", "") or SECRET_KEY
# Signers' normalised addresses are kept only as an HMAC under this key
# (petitions/email_keys.py). Empty: derived from the secret key, and
# `check --deploy` warns. Rotating it costs one-per-person on petitions still
# signing (SECURITY.md, "Rotating the signer email key").
PLEA_EMAIL_KEY = os.environ.get("PLEA_EMAIL_KEY", "")
# Keys that seal family contacts and testimonies at rest (core/encryption.py):
# the first encrypts, all decrypt. Empty: derived from the secret key.
PLEA_ENCRYPTION_KEYS = env_list("PLEA_ENCRYPTION_KEYS", default=[])

# Security headers. The CSP allows nothing from another origin: visitors may be watched.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
# The intake form takes five files; nothing takes more than ten.
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Whole bodies, files included, refused before they are read
# (core.body_limits): views that take files or only a few fields say their
# own limit; this is every other view's.
PLEA_REQUEST_BODY_MAX_BYTES = env_int("PLEA_REQUEST_BODY_MAX_BYTES", default=1024 * 1024)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # Disallowed hosts are noise from scanners, not errors.
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # One line per task start and end is noise at signing rates.
        "django.tasks": {"level": "WARNING"},
    },
}

# Anonymous petition pages are served from the cache for this many seconds
# (petitions/page_cache.py): the count strangers see lags by at most this. 0: off.
PLEA_PAGE_CACHE_SECONDS = env_int("PLEA_PAGE_CACHE_SECONDS", default=5)

# Open data (config/api.py, petitions/tallies.py). The JSON API and feeds are
# served from the cache for PLEA_PAGE_CACHE_SECONDS like the petition page
# (limited per client network: PLEA_RATE_LIMITS). A petition's signatures by
# day and country are counted again at most every PLEA_TALLY_SECONDS.
PLEA_TALLY_SECONDS = env_int("PLEA_TALLY_SECONDS", default=300)

# Each petition's transparency log (petitions/transparency.py). The signing key
# is a C2SP/Go signer key ("PRIVATE+KEY+<name>+<id>+<key>", made by
# `manage.py log_key`); without one, development derives a key from the secret
# key and `check --deploy` warns. PLEA_LOG_ORIGIN names the logs (default: the
# site's host + "/petition-logs"); a new key comes with a new origin
# (SECURITY.md). Checkpoints are signed by one job every few seconds.
PLEA_LOG_SIGNING_KEY = os.environ.get("PLEA_LOG_SIGNING_KEY", "")
PLEA_LOG_ORIGIN = os.environ.get("PLEA_LOG_ORIGIN", "")
PLEA_LOG_CHECKPOINT_SECONDS = env_int("PLEA_LOG_CHECKPOINT_SECONDS", default=5)

# How many reverse proxies (load balancer, nginx) sit in front of gunicorn and
# append to X-Forwarded-For. 0 means clients connect directly.
PLEA_TRUSTED_PROXIES = env_int("PLEA_TRUSTED_PROXIES", default=0)

# Every rate limit, by rule name (core/rate_limits.py): (count, seconds) pairs
# that all hold, counted per client network (an IPv4 address or an IPv6 /64,
# by its keyed hash) unless the name says otherwise; [] switches a rule off.
# Each is set by its own environment variable, "count/seconds" pairs or "off".
_LOGIN_FAILURES = [
    (
        env_int("PLEA_LOGIN_FAILURE_LIMIT", default=5),
        env_int("PLEA_LOGIN_FAILURE_WINDOW_MINUTES", default=15) * 60,
    )
]
PLEA_RATE_LIMITS = {
    # Signing follows the UK Parliament petitions site: per network per
    # petition, 1 a minute in a burst and 5 per 5 minutes; plus a cap per
    # network across all petitions. Over the limit, signing is refused with a
    # clear message and the refusal is tallied for the petition's organisers.
    "sign_per_petition": env_limits("PLEA_SIGN_LIMITS_PER_PETITION", default="1/60,5/300"),
    "sign": env_limits("PLEA_SIGN_LIMITS_PER_IP", default="20/3600"),
    "resend": env_limits("PLEA_RESEND_LIMITS_PER_IP", default="5/300"),
    # What families send: a few in a burst (a family may send a case and
    # then a correction) and 10 a day.
    "intake": env_limits("PLEA_INTAKE_LIMITS_PER_IP", default="3/600,10/86400"),
    # The JSON API and feeds; the data set downloads are heavier and limited harder.
    "api": env_limits("PLEA_API_LIMITS_PER_IP", default="120/60,2000/3600"),
    "dataset": env_limits("PLEA_DATASET_LIMITS_PER_IP", default="10/3600"),
    # Failures counted from the first one, per network and per account.
    "sign_in": _LOGIN_FAILURES,
    "second_factor": _LOGIN_FAILURES,
    # Reset links mailed to one address.
    "reset_mail": [(3, 3600)],
    # An owner asking whether an address signed, per account: enough to
    # answer a signer's request, too few to test a list of addresses.
    "address_lookup": [(20, 3600)],
}
# A person takes longer than this to fill the sign form; scripts usually don't.
PLEA_MIN_FILL_SECONDS = env_int("PLEA_MIN_FILL_SECONDS", default=3)
# ...and a sign form shown longer ago than this has expired: one start token
# cannot serve a script for days.
PLEA_FORM_MAX_AGE = env_int("PLEA_FORM_MAX_AGE_MINUTES", default=120) * 60
# Signers' personal data is wiped this many days after a petition closes
# (`manage.py wipe_signer_data`, or the task of the same name on a schedule).
PLEA_SIGNER_DATA_RETENTION_DAYS = env_int("PLEA_SIGNER_DATA_RETENTION_DAYS", default=90)
# What families send: a closed submission (never one turned into a case) is
# erased this many days after it was closed (`manage.py erase_closed_submissions`).
PLEA_CLOSED_SUBMISSION_RETENTION_DAYS = env_int("PLEA_CLOSED_SUBMISSION_RETENTION_DAYS", default=90)
# Decoding uploads (core.uploads): each file in a process of its own with
# this much memory. A public form's files are each at most 12 megapixels (a
# phone photo) and 40 together, and a PDF at most 10 pages, all decoded in
# at most 1.5 s of CPU per submission; organisers, who are signed in and
# send scans, get 40 megapixels a picture, 50 pages and 20 s a file.
PLEA_UPLOAD_MEMORY_MB = env_int("PLEA_UPLOAD_MEMORY_MB", default=768)
PLEA_PUBLIC_UPLOAD_MAX_PIXELS = env_int("PLEA_PUBLIC_UPLOAD_MAX_PIXELS", default=12_000_000)
PLEA_PUBLIC_UPLOAD_PIXEL_BUDGET = env_int("PLEA_PUBLIC_UPLOAD_PIXEL_BUDGET", default=40_000_000)
PLEA_PUBLIC_UPLOAD_MAX_PAGES = env_int("PLEA_PUBLIC_UPLOAD_MAX_PAGES", default=10)
PLEA_PUBLIC_UPLOAD_CPU_SECONDS = float(os.environ.get("PLEA_PUBLIC_UPLOAD_CPU_SECONDS") or 1.5)
PLEA_ORGANISER_UPLOAD_MAX_PIXELS = env_int("PLEA_ORGANISER_UPLOAD_MAX_PIXELS", default=40_000_000)
PLEA_ORGANISER_UPLOAD_MAX_PAGES = env_int("PLEA_ORGANISER_UPLOAD_MAX_PAGES", default=50)
PLEA_ORGANISER_UPLOAD_CPU_SECONDS = float(os.environ.get("PLEA_ORGANISER_UPLOAD_CPU_SECONDS") or 20)
# Families answer case editors' questions by replying: a mailbox the case
# editors read (never one person's own address).
PLEA_INTAKE_REPLY_TO = os.environ.get("PLEA_INTAKE_REPLY_TO", "") or DEFAULT_FROM_EMAIL
# Fraud signals on the organiser dashboard: signatures in one hour from one
# IP hash, or from one email domain, at or above these numbers are flagged.
PLEA_FRAUD_IP_PER_HOUR = env_int("PLEA_FRAUD_IP_PER_HOUR", default=10)
PLEA_FRAUD_DOMAIN_PER_HOUR = env_int("PLEA_FRAUD_DOMAIN_PER_HOUR", default=50)
# A signature's fraud signals (its network hash and email domain) are kept
# this long after signing, then cleared by the retention job: long enough for
# organisers to review a surge after a holiday, and for the confirmation
# window (7 days) and the count's grace to have passed twice over; short
# enough that a small organisation's domain (which names its people) does
# not sit next to a name for the campaign's whole life.
PLEA_FRAUD_REVIEW_DAYS = env_int("PLEA_FRAUD_REVIEW_DAYS", default=30)
