"""Settings, all read from the environment in this one place (documented in .env.example).

The zero-setup defaults (SQLite, a broker on a SQLite file) serve `make run`; production sets
DATABASE_URL and CELERY_BROKER_URL/REDIS_URL and turns DEBUG off.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["localhost", "127.0.0.1", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
    SECURE_SSL_REDIRECT=(bool, True),
    SECURE_HSTS_SECONDS=(int, 31536000),
    SECURE_PROXY_SSL_HEADER=(bool, False),
    LOGIN_FAILURE_LIMIT=(int, 5),
    LOGIN_COOLOFF_MINUTES=(int, 15),
    SESSION_COOKIE_AGE=(int, 60 * 60 * 12),
    AUDIT_RETENTION_DAYS=(int, 730),
    API_TOKEN_MAX_DAYS=(int, 365),
    LOG_LEVEL=(str, "INFO"),
)
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env("DEBUG")

_INSECURE_PREFIX = "django-insecure-"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = _INSECURE_PREFIX + "development-key-never-used-with-debug-off-0123456789"
if not DEBUG and (
    not SECRET_KEY
    or SECRET_KEY.startswith(_INSECURE_PREFIX)
    or len(set(SECRET_KEY)) < 5
    or len(SECRET_KEY) < 50
):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

# Secrets stored in the database (provider API keys, trunk passwords) are encrypted with these
# keys; the first encrypts, all decrypt, so keys can be rotated. Derived from SECRET_KEY if unset.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

ALLOWED_HOSTS = env("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")

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
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "portal",
    "tenants",
    "dids",
    "trunks",
    "messaging",
]
# The Wavix sandbox (sandbox/wavix/, a fake Wavix API for `make run`, tests and benchmarks) is
# installed only when enabled: with it off (production) it has no tables, no URLs and no tasks.
# A deploy check refuses it with DEBUG off.
WAVIX_SANDBOX_ENABLED = env.bool("WAVIX_SANDBOX_ENABLED", default=DEBUG)
# The flag turns on every provider's fake (sandbox/<provider>/), each beside the Wavix one.
if WAVIX_SANDBOX_ENABLED:
    INSTALLED_APPS.append("sandbox.wavix")
    # The flag turns on every provider's fake, beside Wavix's: DIDWW's (sandbox/didww/),
    # Apidaze's (sandbox/apidaze/) and the HTTP SMS gateways' (sandbox/gateways/).
    INSTALLED_APPS.append("sandbox.didww")
    INSTALLED_APPS.append("sandbox.apidaze")
    INSTALLED_APPS.append("sandbox.gateways")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.AuditContextMiddleware",
    "portal.middleware.AdminUnscopedMiddleware",
    "portal.middleware.AdminDateLookupMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The providers' webhooks (/hooks/) run only these of MIDDLEWARE, in its order (portal/handlers.py).
WEBHOOK_MIDDLEWARE = [
    name
    for name in MIDDLEWARE
    if name
    in {
        "django.middleware.security.SecurityMiddleware",
        "portal.middleware.RequestIdMiddleware",
        "django.middleware.common.CommonMiddleware",
        "portal.middleware.AuditContextMiddleware",
    }
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "tenants.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and immediate transactions let the web process and the Celery worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so tests with several threads share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-portal.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tenants.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "tenants.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling: a username from one address is locked out after the limit.
AXES_FAILURE_LIMIT = env("LOGIN_FAILURE_LIMIT")
AXES_COOLOFF_TIME = timedelta(minutes=env("LOGIN_COOLOFF_MINUTES"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# The same e-mail in another case is the same account, so it is the same lockout.
AXES_USERNAME_CALLABLE = "tenants.auth.axes_username"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Sessions, cookies and transport security.
SESSION_COOKIE_AGE = env("SESSION_COOKIE_AGE")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from the portal's own
# static files only; no inline script, handler or style attribute, no eval (htmx's is off).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap's CSS draws form controls' icons as data: SVGs.
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Celery: a broker on a SQLite file by default, so `make run` needs no server.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # A task not acknowledged within this time is redelivered (acks are late).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "audit-retention": {
        "task": "portal.tasks.purge_old_audit_entries",
        "schedule": timedelta(hours=6),
    },
    "sweep-lost-jobs": {
        "task": "portal.tasks.sweep_lost_jobs",
        "schedule": timedelta(minutes=5),
    },
    "sync-wavix-inventory": {
        "task": "dids.tasks.sync_all_accounts",
        "schedule": timedelta(minutes=env.int("WAVIX_SYNC_INTERVAL_MINUTES", default=60)),
    },
    "expire-api-tokens": {
        "task": "tenants.tasks.revoke_expired_api_tokens",
        "schedule": timedelta(minutes=15),
    },
    "reconcile-trunks": {
        "task": "trunks.tasks.reconcile_trunks",
        "schedule": timedelta(minutes=env.int("TRUNK_RECONCILE_INTERVAL_MINUTES", default=30)),
    },
    "pull-cdrs": {
        "task": "trunks.tasks.pull_cdrs",
        "schedule": timedelta(minutes=env.int("CDR_PULL_INTERVAL_MINUTES", default=15)),
    },
    "reconcile-e911": {
        "task": "dids.tasks.e911_reconcile_all",
        "schedule": timedelta(minutes=env.int("E911_RECONCILE_INTERVAL_MINUTES", default=60)),
    },
    # --- messaging: outbox ------------------------------------------------------------------
    # Lost sends taken up, expired messages ended, channels with due retries kicked.
    "messaging-outbox-tick": {
        "task": "messaging.tasks.outbox_tick",
        "schedule": timedelta(minutes=1),
    },
    # --- messaging: delivery reports --------------------------------------------------------
    "look-up-stale-messages": {
        "task": "messaging.tasks.look_up_stale_messages",
        "schedule": timedelta(
            minutes=env.int("MESSAGE_STATUS_LOOKUP_INTERVAL_MINUTES", default=10)
        ),
    },
    # --- messaging: sender IDs --------------------------------------------------------------
    # Allow-listing on Wavix and the opt-out lists of every channel with sender IDs.
    "sync-sender-ids": {
        "task": "messaging.tasks.sync_sender_ids",
        "schedule": timedelta(minutes=env.int("SENDER_ID_SYNC_INTERVAL_MINUTES", default=10)),
    },
    # --- messaging: opt-outs ----------------------------------------------------------------
    "messaging-retention": {
        "task": "messaging.tasks.purge_send_leftovers",
        "schedule": timedelta(hours=1),
    },
    # --- messaging: inbound (part A) --------------------------------------------------------
    # Inbound events nobody took (a lost kick, a lost worker's batch) are processed.
    "messaging-inbound-pending": {
        "task": "messaging.tasks.process_pending_inbound",
        "schedule": timedelta(minutes=2),
    },
    # --- messaging: routing, tenant webhooks, e-mail (part B) -------------------------------
    # E-mail digests whose minutes are up; webhook deliveries whose task was lost.
    "messaging-mail-digests": {
        "task": "messaging.tasks.send_due_mail_notices",
        "schedule": timedelta(minutes=1),
    },
    "messaging-webhooks-due": {
        "task": "messaging.tasks.deliver_due_webhooks",
        "schedule": timedelta(minutes=1),
    },
    "messaging-webhooks-purge": {
        "task": "messaging.tasks.purge_webhook_deliveries",
        "schedule": timedelta(hours=6),
    },
    # --- messaging: statistics ---------------------------------------------------------------
    # Today's and yesterday's roll-up recounted, and older days whose messages changed.
    "messaging-stats-refresh": {
        "task": "messaging.tasks.refresh_message_stats",
        "schedule": timedelta(minutes=1),
    },
    # --- messaging: gateway balances ------------------------------------------------------
    # Each gateway channel's balance is checked when its own interval (5 min, hour, day) is up.
    "check-gateway-balances": {
        "task": "messaging.tasks.check_gateway_balances",
        "schedule": timedelta(minutes=5),
    },
    # --- messaging: conversations (part C) --------------------------------------------------
    # Open conversations silent for longer than their number's auto-close days are closed.
    "auto-close-conversations": {
        "task": "messaging.tasks.auto_close_conversations",
        "schedule": timedelta(
            minutes=env.int("CONVERSATION_AUTO_CLOSE_INTERVAL_MINUTES", default=15)
        ),
    },
}
# Metrics for operators (/metrics, Prometheus's format): the bearer token a scraper sends (blank:
# no /metrics at all); the folder where each web process keeps the metrics it measures, added up
# at each scrape (prometheus_client reads PROMETHEUS_MULTIPROC_DIR from the environment when it
# is imported, after the settings).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="") or str(
    VAR_DIR / "prometheus"
)
Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = PROMETHEUS_MULTIPROC_DIR

# Messaging. The outbox: seconds before each retry after a transient failure, then every
# MESSAGING_RETRY_THEN seconds, up to the message's validity; how long a provider has to list a
# message whose send got no answer before it is sent again; a worker's lease on a send; how
# long one pump task sends before handing over.
MESSAGING_RETRY_SCHEDULE = tuple(
    env.list("MESSAGING_RETRY_SCHEDULE", cast=float, default=[10, 30, 60, 120, 300, 600, 1800])
)
MESSAGING_RETRY_THEN = env.float("MESSAGING_RETRY_THEN", default=3600)
MESSAGING_UNKNOWN_SETTLE_SECONDS = env.float("MESSAGING_UNKNOWN_SETTLE_SECONDS", default=60)
MESSAGING_LEASE_SECONDS = env.float("MESSAGING_LEASE_SECONDS", default=120)
MESSAGING_PUMP_SECONDS = env.float("MESSAGING_PUMP_SECONDS", default=10)
# Seconds a web process keeps a channel the inbound webhook looked up (0: never): a change to
# a channel applies within them in the other processes.
MESSAGING_INTAKE_CHANNEL_SECONDS = env.float("MESSAGING_INTAKE_CHANNEL_SECONDS", default=2)
# A message accepted or sent this long ago with no final report is looked up on the provider.
MESSAGE_STATUS_LOOKUP_AFTER_MINUTES = env.int("MESSAGE_STATUS_LOOKUP_AFTER_MINUTES", default=60)
# Where uploaded MMS files are kept (default: var/mms/), and for how long; how long an API
# send's Idempotency-Key is remembered.
MESSAGING_MEDIA_ROOT = env.str("MESSAGING_MEDIA_ROOT", default="")
MESSAGING_MEDIA_RETENTION_DAYS = env.int("MESSAGING_MEDIA_RETENTION_DAYS", default=30)
MESSAGING_IDEMPOTENCY_KEY_HOURS = env.int("MESSAGING_IDEMPOTENCY_KEY_HOURS", default=24)
# Days a provider's webhook event (an inbound message or delivery report as it arrived) is
# kept once processed (support staff read them in the Django admin).
MESSAGING_WEBHOOK_EVENT_DAYS = env.int("MESSAGING_WEBHOOK_EVENT_DAYS", default=30)
# --- messaging: inbound (part A) ------------------------------------------------------------
# --- messaging: routing, tenant webhooks, e-mail (part B) -----------------------------------
# A tenant webhook's event is retried (30 s, doubling, at most an hour apart) this long.
TENANT_WEBHOOK_GIVE_UP_HOURS = env.int("TENANT_WEBHOOK_GIVE_UP_HOURS", default=24)
# Days the delivery log keeps a finished delivery.
TENANT_WEBHOOK_LOG_DAYS = env.int("TENANT_WEBHOOK_LOG_DAYS", default=30)
# Tenant webhooks may go to loopback and private-network addresses over http (make run's demo
# receiver). Off by default in production: a tenant cannot make the portal call hosts on its
# own network.
TENANT_WEBHOOK_PRIVATE_HOSTS = env.bool("TENANT_WEBHOOK_PRIVATE_HOSTS", default=DEBUG)
# --- messaging: conversations (part C) ------------------------------------------------------
AUDIT_RETENTION_DAYS = env("AUDIT_RETENTION_DAYS")
API_TOKEN_MAX_DAYS = env("API_TOKEN_MAX_DAYS")

# E-mail (invitations), as EMAIL_URL: smtp://user:password@host:587 (smtp+tls://, smtp+ssl://
# also), consolemail://. With DEBUG and no EMAIL_URL, mails are files in var/mail/.
EMAIL_URL = env.str("EMAIL_URL", default="") or ("" if DEBUG else "smtp://localhost:25")
if EMAIL_URL:
    vars().update(environ.Env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT_SECONDS", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Telecom portal <portal@localhost>")
# The portal's address as people reach it, for links in e-mails (sent by tasks, with no request).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=7)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "portal.api.filters.FilterBackend",
        "portal.api.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
    "EXCEPTION_HANDLER": "portal.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Telecom portal API",
    "DESCRIPTION": "Tenants, users, DIDs, SIP trunks, call records and E911. Authenticate "
    "with `Authorization: Bearer <token>`; tokens are created in the portal. `/api/v1/` lists "
    "the API's addresses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs are for the API's users: signed in, or with a token.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; each enum gets a name of its own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "TenantStatusEnum": "tenants.models.Tenant.Status",
        "DidStatusEnum": "dids.models.Did.Status",
        "SyncRunStatusEnum": "dids.models.SyncRun.Status",
        "MessageStatusEnum": "messaging.models.MessageStatus",
        "MessageDirectionEnum": "messaging.models.Direction",
        "MessageSourceEnum": "messaging.models.MessageSource",
        "MessageEventSourceEnum": "messaging.models.MessageEvent.Source",
        "OptOutSourceEnum": "messaging.models.OptOut.Source",
        "SenderKindEnum": "messaging.models.SenderKind",
        "ChannelKindEnum": "messaging.models.ChannelKind",
        "ConversationStateEnum": "messaging.models.ConversationState",
        "SenderCountryStateEnum": "messaging.models.SenderCountry.State",
        "CallDirectionEnum": "trunks.models.Cdr.Direction",
        "ValidationTypeEnum": "dids.models.ValidationJob.Type",
    },
}

# DID pools: the most numbers one range and one pool may hold, the largest pool CSV file read
# (checked before parsing), and the size up to which a file is checked while the user waits
# (larger files are checked and applied by a background job with progress).
DID_POOL_MAX_RANGE_NUMBERS = env.int("DID_POOL_MAX_RANGE_NUMBERS", default=1_000_000)
DID_POOL_MAX_NUMBERS = env.int("DID_POOL_MAX_NUMBERS", default=10_000_000)
DID_POOL_IMPORT_MAX_BYTES = env.int("DID_POOL_IMPORT_MAX_BYTES", default=20_000_000)
DID_POOL_IMPORT_INLINE_BYTES = env.int("DID_POOL_IMPORT_INLINE_BYTES", default=100_000)

# Wavix. The key the sandbox (WAVIX_SANDBOX_ENABLED, above) always accepts.
WAVIX_SANDBOX_API_KEY = env.str("WAVIX_SANDBOX_API_KEY", default="sandbox-key-0123456789")
# The sandbox's review of an uploaded number document: approved (or, when its file name says
# "reject", rejected) this many seconds after the upload, at the next read of the numbers.
WAVIX_SANDBOX_DOC_REVIEW_SECONDS = env.int("WAVIX_SANDBOX_DOC_REVIEW_SECONDS", default=20)
WAVIX_TIMEOUT_SECONDS = env.float("WAVIX_TIMEOUT_SECONDS", default=15.0)
# The number validator: a synchronous request of up to 1,000 numbers takes Wavix about 30
# seconds, so it has a longer timeout; an asynchronous one is polled this often.
WAVIX_VALIDATION_TIMEOUT_SECONDS = env.float("WAVIX_VALIDATION_TIMEOUT_SECONDS", default=60.0)
WAVIX_VALIDATION_POLL_SECONDS = env.int("WAVIX_VALIDATION_POLL_SECONDS", default=5)
# SIP trunks: Wavix takes single addresses, so a network among a trunk's allowed addresses is
# sent as all its addresses. The most addresses one network may cover (32: IPv4 /27, IPv6 /123;
# a network is at most the largest power of two within it) and one trunk in all. Then the days
# of CDRs the first pull reads, and the SIP server tenants' PBXs register with.
TRUNK_MAX_NETWORK_ADDRESSES = env.int("TRUNK_MAX_NETWORK_ADDRESSES", default=32)
TRUNK_MAX_ALLOWED_ADDRESSES = env.int("TRUNK_MAX_ALLOWED_ADDRESSES", default=64)
if not 1 <= TRUNK_MAX_NETWORK_ADDRESSES <= TRUNK_MAX_ALLOWED_ADDRESSES:
    raise ImproperlyConfigured(
        "TRUNK_MAX_NETWORK_ADDRESSES must be at least 1 and at most TRUNK_MAX_ALLOWED_ADDRESSES "
        f"(got {TRUNK_MAX_NETWORK_ADDRESSES} and {TRUNK_MAX_ALLOWED_ADDRESSES})."
    )
CDR_INITIAL_DAYS = env.int("CDR_INITIAL_DAYS", default=30)
# A transcription request without Wavix's webhook polls for the transcript this often, and
# gives up after this many polls.
TRANSCRIPTION_POLL_SECONDS = env.int("TRANSCRIPTION_POLL_SECONDS", default=20)
TRANSCRIPTION_MAX_POLLS = env.int("TRANSCRIPTION_MAX_POLLS", default=30)
# The longest date range of a speech search, in days.
SPEECH_SEARCH_MAX_DAYS = env.int("SPEECH_SEARCH_MAX_DAYS", default=92)
TRUNK_SIP_HOST = env.str("TRUNK_SIP_HOST", default="sip.wavix.net")
# E911 address validation runs while the user waits: a tighter timeout than other calls.
E911_VALIDATE_TIMEOUT_SECONDS = env.float("E911_VALIDATE_TIMEOUT_SECONDS", default=8.0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "portal.logging.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # The development server's request lines (`make run`), redacted like every other line:
        # a webhook's address holds its secret token.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
