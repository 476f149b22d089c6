"""Settings for UPR Tracker: one module, every tunable read from the environment.

See README.md ("Configuration") and .env.example for the variables.
"""

import datetime
import re
import sys
from pathlib import Path

import dj_database_url
import dj_email_url
from corsheaders.defaults import default_headers
from django.core.exceptions import ImproperlyConfigured

from upr_tracker.env import env_bool, env_int, env_list, env_secret, env_str, read_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
# Development settings from the git-ignored `.env` that `make` writes (DEBUG=true), under the real
# environment's: every command run in a checkout sees what `make run` sees. Production has no such file;
# `check --deploy` warns about any value taken from one (core/checks.py).
ENV_FILE, ENV_FILE_VARIABLES = read_env_file(BASE_DIR / ".env")
VAR_DIR = Path(env_str("UPR_VAR_DIR") or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

_DEV_SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
SECRET_KEY = env_secret("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is false.")
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is false.")
if "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list host names; '*' is refused.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "upr_tracker.apps.AdminConfig",  # django.contrib.admin with two-factor login (upr_tracker/admin_site.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "csp",
    "rest_framework",
    # Hashed, expiring API tokens; the token model is recommendations.APIToken (KNOX_TOKEN_MODEL).
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "states",
    "recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy on every answer.
    "core.middleware.SiteCSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag on every GET/HEAD answer with a body, and 304 for If-None-Match / If-Modified-Since.
    "django.middleware.http.ConditionalGetMiddleware",
    # One data version for all the counts and reference tables a GET reads (core/counts.py).
    "core.middleware.OneDataVersionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The reader's language: Django's LocaleMiddleware (the /fr/ and /es/ prefixes), plus the redirect of an
    # unprefixed page to the language chosen before or asked by the browser, and ?lang= on the API
    # (core/locale.py). After the session, before CommonMiddleware (which may redirect to add a slash).
    "core.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed a TOTP check (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Audit: history rows written during a request name the request's user.
    "simple_history.middleware.HistoryRequestMiddleware",
    # A statement cancelled by DB_STATEMENT_TIMEOUT_MS is answered 503, not 500.
    "core.middleware.QueryTimeoutMiddleware",
    # Last, as django-axes asks: refuses logins from locked-out users.
    "axes.middleware.AxesMiddleware",
]

# Reverse proxies in front of the app (0: clients connect directly). With N, the client is the N-th address
# from the right of X-Forwarded-For (core/client.py), for the login lockout, every rate limit and the
# public form's limit. API_NUM_PROXIES, its former name when only the API read it, is still read when
# NUM_PROXIES is unset.
NUM_PROXIES = env_int("NUM_PROXIES", env_int("API_NUM_PROXIES", 0, minimum=0), minimum=0)

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is locked for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "upr_tracker.auth_backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# The address that is locked: the client's, behind NUM_PROXIES proxies too (core/client.py).
AXES_CLIENT_IP_CALLABLE = "core.client.client_ip"

# Two-factor login to the admin (django-otp, TOTP): required for staff who have a device; with
# ADMIN_REQUIRE_2FA=true, staff without one are refused until an administrator gives them one.
ADMIN_REQUIRE_2FA = env_bool("ADMIN_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "UPR Tracker"

# Email (watch digests, reader sign-up): EMAIL_URL such as smtp://user:password@host:587?tls=true or
# console:// (dj-email-url; EMAIL_URL_FILE reads it from a file). Unset: the console backend in
# development, SMTP to localhost:25 in production. Tests use Django's locmem backend (pytest-django).
_email = dj_email_url.parse(env_secret("EMAIL_URL") or ("console://" if DEBUG else "smtp://localhost:25"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST, EMAIL_PORT = _email["EMAIL_HOST"], _email["EMAIL_PORT"]
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_USER"], _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS, EMAIL_USE_SSL = _email["EMAIL_USE_TLS"], _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "UPR Tracker <noreply@localhost>")
# The site's public address, for links in emails and feeds written outside a request (send_digests).
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")
# Webhooks (recommendations/watches/webhooks.py): seconds to wait for an endpoint, the first retry's delay
# (doubled at each failure), and failures in a row before a webhook is disabled. WEBHOOK_ALLOW_PRIVATE=true
# lets webhooks post to http:// and private or loopback addresses (development and tests only).
WEBHOOK_TIMEOUT = env_int("WEBHOOK_TIMEOUT", 10, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 60, minimum=1)
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 8, minimum=1)
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", False)
# Hours a reader's sign-up confirmation link stays valid.
SIGNUP_LINK_HOURS = env_int("SIGNUP_LINK_HOURS", 48, minimum=1)

ROOT_URLCONF = "upr_tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "upr_tracker.wsgi.application"
ASGI_APPLICATION = "upr_tracker.asgi.application"

# Database: PostgreSQL only. DATABASE_URL selects a server; without it a private
# embedded server is started under var/pgdata (development and tests only).
DATABASE_URL = env_secret("DATABASE_URL")
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 60, minimum=0)
if DATABASE_URL:
    _default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    if _default_db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres:// or postgresql://).")
elif DEBUG or env_bool("UPR_EMBEDDED_DB", False):
    from upr_tracker.embedded_db import database_settings

    _default_db = database_settings(VAR_DIR / "pgdata")
    _default_db.update(CONN_MAX_AGE=CONN_MAX_AGE, CONN_HEALTH_CHECKS=True)
else:
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is false "
        "(set DEBUG=true or UPR_EMBEDDED_DB=true to use the embedded development server)."
    )
_default_db.setdefault("OPTIONS", {})
_default_db["OPTIONS"].setdefault("application_name", "upr_tracker")
# A connection attempt to an unreachable server must not pin a worker thread for minutes (seconds).
_default_db["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5, minimum=1))
# A runaway query must not pin a worker: cap every statement (milliseconds, 0 = off).
STATEMENT_TIMEOUT_MS = env_int("DB_STATEMENT_TIMEOUT_MS", 30_000, minimum=0)
# PostgreSQL's JIT compiles every query the planner costs high, which here means the facet counts of a
# search: compiling took longer than it saved (bench/NOTES.md).
DB_JIT = env_bool("DB_JIT", False)
_server_settings = [f"-c jit={'on' if DB_JIT else 'off'}"]
if STATEMENT_TIMEOUT_MS:
    _server_settings.append(f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")
_default_db["OPTIONS"]["options"] = " ".join(_server_settings)
# The few fixed statements most requests run (core/prepared.py) are prepared once per connection: planning the
# representation of one recommendation took as long as running it. Off behind a pooler that cannot keep
# prepared statements (PgBouncer in transaction mode before 1.21, or its max_prepared_statements at 0). Django's
# own statements are bound in the client and never prepared.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
_default_db["OPTIONS"]["prepare_threshold"] = 0 if DB_PREPARED_STATEMENTS else None
# Parallel test runs on one server need distinct test database names.
if env_str("UPR_TEST_DB_NAME"):
    _default_db["TEST"] = {"NAME": env_str("UPR_TEST_DB_NAME")}
DATABASES = {"default": _default_db}
# Read replica: with DATABASE_REPLICA_URL, reads go to the replica and writes to the primary
# (upr_tracker/db_router.py). Replication lag means a page read right after a write may not show it yet.
DATABASE_REPLICA_URL = env_secret("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    _replica_db = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=True)
    if _replica_db["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point at PostgreSQL (postgres:// or postgresql://).")
    _replica_db["OPTIONS"] = dict(_default_db["OPTIONS"])
    _replica_db["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica_db
DATABASE_ROUTERS = ["upr_tracker.db_router.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages of the site, the admin and the API, each named in itself (the switcher shows these names).
# English pages keep their unprefixed URLs; the others live under /fr/, /es/ (upr_tracker/urls.py).
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("es", "Español"),
]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# The catalogues: locale/<code>/LC_MESSAGES/django.po, compiled to the committed django.mo (`make messages`,
# `make compilemessages`; README, "Languages").
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates and numbers follow the reader's language (Django's formats for fr and es); English keeps the
# "31 January 2014" the site has always written (upr_tracker/formats/en/formats.py).
FORMAT_MODULE_PATH = ["upr_tracker.formats"]
# The language a visitor chose with the switcher, remembered for a year; sent to this site only, over HTTPS
# in production like the session and CSRF cookies.
LANGUAGE_COOKIE_NAME = "upr_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
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
# In development whitenoise serves straight from the finders; in production
# from STATIC_ROOT filled by collectstatic, compressed and with hashed names.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root: /favicon.ico (static/root/favicon.ico, the ICO of favicon.svg).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
# Uploaded evidence documents: outside the static root, never served directly
# (recommendations/site/evidence_files.py checks who may see each one).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT") or VAR_DIR / "private")

# The largest file anyone may upload (the admin import, evidence documents), in MB: past it the upload
# handler keeps none of the rest and the form names the limit (core/uploads.py). EVIDENCE_MAX_UPLOAD_MB,
# its former name when only evidence documents were capped, is still read when UPLOAD_MAX_MB is unset.
UPLOAD_MAX_MB = env_int("UPLOAD_MAX_MB", env_int("EVIDENCE_MAX_UPLOAD_MB", 20, minimum=1), minimum=1)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.UploadCapHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# The most a DOCX or XLSX file (an import, an evidence document) may unpack to, in MB, judged from its ZIP
# directory before anything is decompressed; limits on its parts' number and compression are in uploads.py.
ZIP_MAX_UNCOMPRESSED_MB = env_int("ZIP_MAX_UNCOMPRESSED_MB", 100, minimum=1)

# Files larger than this many rows are refused by the admin import and must go
# through the management command.
IMPORT_ADMIN_MAX_ROWS = env_int("IMPORT_ADMIN_MAX_ROWS", 20_000, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440, minimum=1024)

# Security. Production defaults are strict; each can be relaxed behind a proxy
# that already does the job (documented in the README).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Strict CSP: scripts, styles, fonts and images only from this site, no inline
# script anywhere, no framing (the embed pages set their own, framable policy).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Partner API (/api/v1/, docs/api.md). Rates are "<number>/<second|minute|hour|day>" (s, min, h, d too).
_RATE = re.compile(r"^[0-9]+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _api_rate(name: str, default: str) -> str:
    rate = env_str(name, default)
    if not _RATE.match(rate):
        raise ImproperlyConfigured(f"{name}={rate!r} is not a rate such as 120/min.")
    return rate


API_ANON_RATE = _api_rate("API_ANON_RATE", "120/min")
API_USER_RATE = _api_rate("API_USER_RATE", "1200/min")
# Anonymous visitors of the search page and the embed widget, per IP address (core/throttling.py).
SITE_ANON_RATE = _api_rate("SITE_ANON_RATE", "60/min")
# Anonymous exports, per IP address, on top of API_ANON_RATE; and the most rows one may hold.
EXPORT_ANON_RATE = _api_rate("EXPORT_ANON_RATE", "30/hour")
EXPORT_ANON_MAX_ROWS = env_int("EXPORT_ANON_MAX_ROWS", 100_000, minimum=1)
# API tokens (recommendations/models/tokens.py): only a digest is stored, the key is shown once; every
# token expires, API_TOKEN_DAYS after it was issued unless the administrator chose another lifetime,
# which may not exceed API_TOKEN_MAX_DAYS.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365, minimum=1)
if API_TOKEN_DAYS > API_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured(f"API_TOKEN_DAYS={API_TOKEN_DAYS} exceeds API_TOKEN_MAX_DAYS={API_TOKEN_MAX_DAYS}.")
KNOX_TOKEN_MODEL = "recommendations.APIToken"
# Knox's migrations would create a table for its own token model although it is swapped out: an
# unused table holding a foreign key to the users, which `flush` (and every transactional test) trips on.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=API_TOKEN_DAYS),
    "AUTH_HEADER_PREFIX": "Token",  # the scheme partner clients already send
    "AUTO_REFRESH": False,  # a token's expiry is the one its administrator chose
}
# Briefing PDFs (recommendations/site/briefings.py): a render holds a worker thread for seconds. Requests per anonymous
# client (every request counts, answers from the cache too); and the most renders one process runs at once
# (a request finding every slot taken is answered 503 with Retry-After at once, never queued).
BRIEFING_PDF_ANON_RATE = _api_rate("BRIEFING_PDF_ANON_RATE", "20/hour")
# Reader sign-ups sent from one IP address (each sends an email).
SIGNUP_RATE = _api_rate("SIGNUP_RATE", "5/hour")
BRIEFING_PDF_CONCURRENCY = env_int("BRIEFING_PDF_CONCURRENCY", 2, minimum=1)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous write is answered 401 with WWW-Authenticate: Token.
        "recommendations.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttling.AnonThrottle", "core.throttling.UserThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["core.api.JSONRenderer"],
    # DRF's JSON parser, refusing deep nesting and strings no text column holds (NUL, lone surrogates).
    "DEFAULT_PARSER_CLASSES": ["core.api_parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.KeysetPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    # Unused by our throttles, which ask core.client.client_ip; kept equal for any other DRF code.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "UPR Tracker API",
    "DESCRIPTION": "UN Universal Periodic Review recommendations and their implementation. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "ImplementationStatusEnum": "recommendations.models.ImplementationStatus",
        "StateStatusEnum": "states.models.State.Status",
        "RecommendationKindEnum": "recommendations.models.Recommendation.Kind",
        "EvidenceKindEnum": "recommendations.models.EvidenceSource.Kind",
        "DeletedObjectKindEnum": "recommendations.models.DeletedObject.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommendations.api.schema.add_language_parameter",
        "recommendations.api.schema.add_error_responses",
        # ETag/If-None-Match/304, anonymous reads first, nulls a strict OpenAPI 3.0 reader accepts.
        "recommendations.api.client_schema.describe_for_generated_clients",
    ],
}
# CORS: browser clients on these origins may read the API (GET/HEAD/OPTIONS only; writes are server-side).
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
if "*" in CORS_ALLOWED_ORIGINS:
    raise ImproperlyConfigured(
        "CORS_ALLOWED_ORIGINS must list origins such as https://partner.example.org; '*' is refused."
    )
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = [*default_headers, "if-none-match", "if-modified-since"]
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After", "Content-Disposition"]
CORS_ALLOW_CREDENTIALS = False
# The cache holds throttling counters, cached counts (core/counts.py) and cached
# answers (core/response_cache.py). The local-memory cache is per process: with N app
# processes an anonymous client gets up to N times API_ANON_RATE and each process counts and
# caches for itself. REDIS_URL shares one cache between every process and app server
# (e.g. redis://127.0.0.1:6379/0).
REDIS_URL = env_secret("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "upr"),
        }
    }
else:
    # Per process. Django's default of 300 entries is soon full with the search's cached counts (up to 15 per
    # search) and answers, and each overflow drops a third of them: the most used ones are recomputed too.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "upr-tracker",
            "OPTIONS": {"MAX_ENTRIES": env_int("LOCAL_CACHE_MAX_ENTRIES", 5000, minimum=100)},
        }
    }
# Facet counts and result totals are cached until the data changes, and at most this many seconds (0 = off).
COUNT_CACHE_SECONDS = env_int("COUNT_CACHE_SECONDS", 300, minimum=0)
# Whole answers to anonymous GETs of the recommendations API and the public pages
# (core/response_cache.py): kept until the data changes, at most this many seconds (0 = off),
# bodies up to RESPONSE_CACHE_MAX_BYTES.
RESPONSE_CACHE_SECONDS = env_int("RESPONSE_CACHE_SECONDS", 600, minimum=0)
RESPONSE_CACHE_MAX_BYTES = env_int("RESPONSE_CACHE_MAX_BYTES", 524_288, minimum=0)
# How long a process may reuse the data version it read to answer anonymous readers from that cache
# (milliseconds; 0 = read it for every request). Anonymous readers may then see a write that much later;
# writers, who read with their credentials, never. Off in development, so a change shows at once.
RESPONSE_CACHE_VERSION_MS = env_int("RESPONSE_CACHE_VERSION_MS", 0 if DEBUG else 200, minimum=0)
# How long browsers and proxies may keep those anonymous answers (Cache-Control: public, max-age; seconds).
# Anonymous readers may then see a write this much later; answers to signed-in users and tokens are never
# marked public (Vary: Authorization, Cookie). Off in development, so a change shows at once.
RESPONSE_CACHE_MAX_AGE = env_int("RESPONSE_CACHE_MAX_AGE", 0 if DEBUG else 5, minimum=0)

# django-axes says "AXES: BEGIN version …" at INFO whenever Django starts: in a server's log it tells that
# lockouts are on; at the top of every management command's output (an import report) it is noise. Only that
# start-up line (logger axes.apps) is quietened, and only for commands other than runserver: failed logins
# and lockouts are logged by axes.handlers, which keep their level.
_MANAGEMENT_COMMAND = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] != ["runserver"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO").upper()},
    # WeasyPrint logs every step of a briefing PDF and every CSS rule it ignores at INFO.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
        **({"axes.apps": {"level": "WARNING"}} if _MANAGEMENT_COMMAND else {}),
    },
}
