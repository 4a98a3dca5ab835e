"""Longlist settings. Configuration comes only from environment variables (see README, "Settings")."""

import os
from datetime import timedelta
from pathlib import Path

import environ
import sentry_sdk
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from recruiting.log_filters import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("LONGLIST_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# pytest sets PYTEST_VERSION for its run, so the suite, its xdist workers and the Celery workers the tests
# start all sign with the development key.
TESTING = "PYTEST_VERSION" in os.environ
DEVELOPMENT_SECRET_KEY = "django-insecure-longlist-development-key-change-me"
SECRET_KEY = env.str("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG or TESTING else "")


def is_real_secret_key(key: str) -> bool:
    """Django's own bar (`check --deploy`): 50+ characters, 5+ different ones, not a django-insecure- key."""
    return len(key) >= 50 and len(set(key)) >= 5 and not key.startswith("django-insecure-")


if not (DEBUG or TESTING or is_real_secret_key(SECRET_KEY)):
    # The unsubscribe, preference and tracking links in every email are signed with it: a known or guessable
    # key lets anyone forge them.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value (50 or more characters) when DEBUG is off, e.g. "
        "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
        "For development, set DEBUG=1 (make run does)."
    )
# 1 allows the demo data (`seed_demo`) and its users, whose password is public, with DEBUG off (a demo server).
# Without it `seed_demo` refuses to run with DEBUG off, and `check --deploy` and gunicorn (gunicorn.conf.py)
# refuse to start while a demo user still signs in with the demo password.
DEMO = env.bool("DEMO", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Apply forms one address may send to the careers page in an hour, valid or not (counted in the cache).
CAREERS_APPLY_RATE_LIMIT = env.int("CAREERS_APPLY_RATE_LIMIT", default=10)
# Cards a board column shows on first paint, and loads per "show more".
BOARD_COLUMN_PAGE_SIZE = env.int("BOARD_COLUMN_PAGE_SIZE", default=20)
# Search results are counted exactly up to this many; past it the page says "10,000+" (candidates/search.py).
SEARCH_COUNT_BOUND = env.int("SEARCH_COUNT_BOUND", default=10_000)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "django_countries",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "axes",
    "anymail",
    "recruiting",
    "outreach",
    "pipelines",
    "candidates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: the django_language cookie (the careers pages' switcher), else Accept-Language, else English;
    # after the session, before CommonMiddleware (Django's documented place).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A signed-in user's own language (their preferences) wins over the cookie and the browser.
    "recruiting.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username and address before any other
    "rules.permissions.ObjectPermissionBackend",
    "recruiting.sso.LocalPasswordBackend",  # Django's username and password, unless LOCAL_LOGIN is off
    "recruiting.sso.OpenIDConnectBackend",  # the OpenID provider's callback (recruiting/sso.py)
]

ROOT_URLCONF = "recruiting.urls"
WSGI_APPLICATION = "recruiting.wsgi.application"

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
                "recruiting.context_processors.navigation",
                "recruiting.context_processors.candidate_actions",
                "recruiting.context_processors.card_actions",
                "recruiting.context_processors.rejection_templates",
            ],
            "builtins": ["candidates.templatetags.longlist"],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# How alike a typed name must be to a candidate's full name to match it misspelt (pg_trgm's similarity, set
# for each PostgreSQL connection); a misspelt part of a name matches by word similarity (pg_trgm's 0.6).
SEARCH_NAME_SIMILARITY = env.float("SEARCH_NAME_SIMILARITY", default=0.45)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (
        f"{_options.get('options', '')} -c pg_trgm.similarity_threshold={SEARCH_NAME_SIMILARITY}".strip()
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# English is the default and the source language; German and French are complete for everything candidates see
# (docs/translations.md). A candidate's emails are in their own language (Candidate.language) where known.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))

# --- Security -------------------------------------------------------------------------------------
# FORCE_HTTPS=1 when the site is served over TLS (directly or behind a proxy that sets X-Forwarded-Proto). Not
# named HTTPS: runserver's WSGI handler reads an environment variable HTTPS as the CGI one (every request secure).
FORCE_HTTPS = env.bool("FORCE_HTTPS", default=False)
SECURE_SSL_REDIRECT = FORCE_HTTPS
SESSION_COOKIE_SECURE = FORCE_HTTPS
CSRF_COOKIE_SECURE = FORCE_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if FORCE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = FORCE_HTTPS
SECURE_HSTS_PRELOAD = FORCE_HTTPS
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Health checks and the metrics scraper call the app over plain http from inside its network.
SECURE_REDIRECT_EXEMPT = [r"^healthz/$", r"^metrics$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The careers pages' language switcher keeps the choice in this cookie (Django's set_language).
LANGUAGE_COOKIE_SECURE = FORCE_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Scripts, styles and requests from our own origin only: no inline script or style (templates keep none; htmx's
# own indicator style is off through its meta config and lives in longlist.css). The careers page's brand colours
# are the one inline <style>, with the request's nonce; its logo may be an image from any https address.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Failed logins (the login page and POST /api/token/, through django-axes): LOGIN_FAILURE_LIMIT failures for one
# username from one address lock that pair out for LOGIN_LOCKOUT_MINUTES; the address is the careers page's.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "pipelines.careers_views.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# --- Single sign-on (OpenID Connect through mozilla-django-oidc: recruiting/sso.py, docs/integrations.md) -----
# The provider: its issuer (endpoints read from its discovery document), or each endpoint set explicitly.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_URI", default="")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env.str("OIDC_SIGN_ALGO", default="RS256")
# The button's words: "Sign in with <name>".
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="single sign-on")
# First values of the admins' Single sign-on page (SingleSignOnSettings): the claim holding groups or roles,
# `value=Role` pairs separated by semicolons, and the role of someone whose values map to none ("" refuses).
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="groups")
OIDC_ROLE_MAPPING = env.str("OIDC_ROLE_MAPPING", default="")
OIDC_DEFAULT_ROLE = env.str("OIDC_DEFAULT_ROLE", default="Employee")
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_CREATE_USER = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "login"
# 0: the login page shows only the provider's button and refuses usernames and passwords (the page and POST
# /api/token/), except a superuser's, whose form stays at /accounts/login/?local=1 for when the provider is down.
LOCAL_LOGIN = env.bool("LOCAL_LOGIN", default=True)

# --- Email ----------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# A provider through django-anymail, e.g. EMAIL_BACKEND=anymail.backends.mailgun.EmailBackend.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_CONFIG["EMAIL_BACKEND"])
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    # The same backend, telling a lost answer to a whole message apart from a refusal (the dispatcher needs it).
    EMAIL_BACKEND = "outreach.email.SMTPBackend"
# The provider's settings for django-anymail, from ANYMAIL_* variables without the prefix: ANYMAIL_MAILGUN_API_KEY
# becomes ANYMAIL["MAILGUN_API_KEY"] (docs/operations.md, "Email").
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value for name, value in os.environ.items() if name.startswith("ANYMAIL_")
}
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Longlist <recruiting@longlist.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Shared secret of the inbound-email webhook (POST /api/inbound-email/); empty refuses every call.
INBOUND_EMAIL_SECRET = env.str("INBOUND_EMAIL_SECRET", default="")
# Fernet keys (comma-separated, newest first) that encrypt stored mail passwords (outreach/fields.py). Unset:
# one key derived from SECRET_KEY, so rotating SECRET_KEY then needs the passwords entered again.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# --- Dispatcher (outreach/dispatch.py; README "The nurture engine") ------------------------------------------
# Seconds between two runs of the dispatcher by Celery beat.
DISPATCH_INTERVAL_SECONDS = env.float("DISPATCH_INTERVAL_SECONDS", default=60.0)
# How long a claim holds a touch; renewed while the batch is worked through, and before each send.
DISPATCH_LEASE_SECONDS = env.int("DISPATCH_LEASE_SECONDS", default=300)
# 1: a message whose answer never came after the server had all of it is sent again (at-least-once) instead
# of being marked "possibly delivered" for a person to resend.
DISPATCH_RESEND_AMBIGUOUS = env.bool("DISPATCH_RESEND_AMBIGUOUS", default=False)
# Emails with no sender identity (a sequence without a sender) go out from DEFAULT_FROM_EMAIL at most this many
# a day, spread over the whole day (UTC); every identity has its own limit (outreach/pacing.py).
SITE_EMAIL_DAILY_LIMIT = env.int("SITE_EMAIL_DAILY_LIMIT", default=1000)
# Seconds one DNS lookup of the deliverability page may take before it says "could not check", and the DNS
# servers it asks (IP addresses, comma-separated; empty: the system's resolver) on DELIVERABILITY_DNS_PORT.
DELIVERABILITY_DNS_TIMEOUT = env.float("DELIVERABILITY_DNS_TIMEOUT", default=3.0)
DELIVERABILITY_DNS_SERVERS = env.list("DELIVERABILITY_DNS_SERVERS", default=[])
DELIVERABILITY_DNS_PORT = env.int("DELIVERABILITY_DNS_PORT", default=53)

# --- Outgoing webhooks (recruiting/webhooks/; docs/integrations.md) -------------------------------------------
# 1 lets endpoints resolve to private, loopback, link-local or reserved addresses (a receiver inside your own
# network); off, such an endpoint is refused when saved and each request is refused at send time.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
# Seconds to connect, and to wait for each part of the answer.
WEBHOOK_CONNECT_TIMEOUT_SECONDS = env.float("WEBHOOK_CONNECT_TIMEOUT_SECONDS", default=3.0)
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10.0)
# Attempts before a delivery is failed; the wait after the n-th failure is the base times 2^(n-1).
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=60)
# How long a claim holds a delivery (at least the slowest request): a dead worker's delivery is sent again after.
WEBHOOK_LEASE_SECONDS = env.int("WEBHOOK_LEASE_SECONDS", default=60)

# --- Redis, cache and Celery ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # In the database, so every process (gunicorn workers, Celery) counts the careers page's rate limit
    # together; `manage.py createcachetable` makes the table (`make run` and the Docker image run it, and
    # Django's test database creation does too).
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "longlist_cache"}
    }
    # The embedded default: a broker kept in files under var/, so `make run` needs no server.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds between two passes over the inbound mailboxes (IMAP), and how long one IMAP call may wait.
INBOUND_POLL_SECONDS = env.int("INBOUND_POLL_SECONDS", default=120)
IMAP_TIMEOUT = env.int("IMAP_TIMEOUT", default=30)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-touches": {
        "task": "outreach.tasks.dispatch_due_touches",
        "schedule": DISPATCH_INTERVAL_SECONDS,
    },
    "refresh-engagement-scores": {"task": "outreach.tasks.refresh_engagement_scores", "schedule": 86400.0},
    "send-meeting-reminders": {"task": "outreach.tasks.send_meeting_reminders", "schedule": 300.0},
    "request-interview-feedback": {"task": "outreach.tasks.request_interview_feedback", "schedule": 900.0},
    "send-due-webhooks": {"task": "recruiting.webhooks.tasks.send_due_webhooks", "schedule": 60.0},
    "poll-mailboxes": {"task": "outreach.tasks.poll_mailboxes", "schedule": float(INBOUND_POLL_SECONDS)},
    "expire-data-requests": {"task": "outreach.tasks.expire_data_requests", "schedule": 3600.0},
}
# A candidate's copy of their data (GDPR Art. 15/20, asked from the preference centre): days the file can be
# downloaded before it is deleted, hours the emailed confirmation link is valid, requests a person may make a day.
DATA_REQUEST_FILE_DAYS = env.int("DATA_REQUEST_FILE_DAYS", default=7)
DATA_REQUEST_CONFIRM_HOURS = env.int("DATA_REQUEST_CONFIRM_HOURS", default=24)
DATA_REQUESTS_PER_DAY = env.int("DATA_REQUESTS_PER_DAY", default=3)
# Hours before a meeting that its reminder goes to the candidate and the hosts.
MEETING_REMINDER_HOURS = env.int("MEETING_REMINDER_HOURS", default=24)
# Minutes between turning someone down with an email and the email going out: the time to undo.
REJECTION_EMAIL_DELAY_MINUTES = env.int("REJECTION_EMAIL_DELAY_MINUTES", default=60)
# Résumés are read on a queue of their own, so the dispatcher and the other tasks never wait behind them; its
# workers (the `resumes` process of the Procfile, the `resume-worker` service of docker-compose) take only it.
CELERY_TASK_ROUTES = {"candidates.tasks.extract_resume_text": {"queue": "resumes"}}
# CPU seconds a résumé's text may take to read (in a child process that is killed after twice this plus 5 s of
# wall-clock time, or past 512 MB: candidates/resume_parsing.py); a file that hits a bound is "too complex".
RESUME_PARSE_SECONDS = env.int("RESUME_PARSE_SECONDS", default=20)
# Soft and hard time limits per task (seconds; enforced by the prefork pool): the soft limit raises inside the
# task, the hard one kills the process running it; either way the task fails and is logged.
CELERY_TASK_ANNOTATIONS = {
    "candidates.tasks.extract_resume_text": {
        "soft_time_limit": 2 * RESUME_PARSE_SECONDS + 65,  # the child's budget, the file, the database
        "time_limit": 2 * RESUME_PARSE_SECONDS + 95,
    },
    "candidates.imports.tasks.run_import_job": {"soft_time_limit": 3600, "time_limit": 3660},
    # A pass sends until nothing is due; a pass cut short leaves its claims to their lease.
    "outreach.tasks.dispatch_due_touches": {"soft_time_limit": 1800, "time_limit": 1860},
    "outreach.tasks.run_enrollment_batch": {"soft_time_limit": 900, "time_limit": 960},
    "outreach.tasks.refresh_engagement_scores": {"soft_time_limit": 1800, "time_limit": 1860},
    "pipelines.tasks.email_application_confirmation": {"soft_time_limit": 120, "time_limit": 150},
    "pipelines.tasks.email_new_application": {"soft_time_limit": 120, "time_limit": 150},
    "pipelines.tasks.email_decision": {"soft_time_limit": 120, "time_limit": 150},
    "recruiting.tasks.ping": {"soft_time_limit": 10, "time_limit": 20},
    "outreach.tasks.build_data_file": {"soft_time_limit": 300, "time_limit": 330},
    "outreach.tasks.expire_data_requests": {"soft_time_limit": 600, "time_limit": 660},
    "recruiting.webhooks.tasks.deliver_webhook": {"soft_time_limit": 120, "time_limit": 150},
    "recruiting.webhooks.tasks.send_due_webhooks": {"soft_time_limit": 1800, "time_limit": 1860},
}

# --- REST API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Longlist API",
    "DESCRIPTION": "The REST API of Longlist, the applicant tracking system for passive candidates.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's scripts and styles come from our static files (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "status" (or "source") with different choices: name each set.
    "ENUM_NAME_OVERRIDES": {
        "CandidateSourceEnum": "candidates.models.Source",
        "ReferralStatusEnum": "candidates.models.Referral.Status",
        "ImportJobStatusEnum": "candidates.models.ImportJob.Status",
        "RequisitionStatusEnum": "pipelines.models.Requisition.Status",
        "CardStatusEnum": "pipelines.models.Card.Status",
        "SequenceStatusEnum": "outreach.models.Sequence.Status",
        "EnrollmentStatusEnum": "outreach.models.Enrollment.Status",
        "EnrollmentBatchStatusEnum": "outreach.models.EnrollmentBatch.Status",
        "TouchStatusEnum": "outreach.models.Touch.Status",
        "ReplySourceEnum": "outreach.models.Reply.Source",
        "WebhookDeliveryStatusEnum": "recruiting.models.WebhookDelivery.Status",
        "WebhookEventEnum": "recruiting.models.WebhookEvent",
    },
}

# --- Logs, errors and metrics --------------------------------------------------------------------
# LOG_FORMAT=json: one JSON object per line (python-json-logger), for a log collector; `text` for people.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
if LOG_FORMAT == "json":
    # Celery's worker would otherwise put its own text handler on the root logger.
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The bearer token Prometheus sends to /metrics; empty: /metrics answers 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Errors of the web app and the Celery tasks go to Sentry (or a compatible service) when set.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,  # candidates' and users' details stay out of error reports
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_one_line": {"()": "recruiting.log_filters.ForbiddenOneLine"}},
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "loggers": {
        # Django's own console handler (DEBUG only) would print every django.* record a second time: the root
        # handler prints them all.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["forbidden_one_line"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

FORM_RENDERER = "recruiting.forms.FormRenderer"
