"""Django settings, driven entirely by the environment (docs/configuration.md lists every variable).

Two modes, chosen by the environment alone:
- stack: DATABASE_URL and REDIS_URL set -> PostgreSQL, Redis as Celery broker, cache, channel layer;
- embedded: both unset -> SQLite under var/, in-memory channel layer, tasks run in-process.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import dj_database_url

from apps.core.logging import log_handlers
from riskmonitor.env import LOG_LEVELS, Env, EnvironmentProblems

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

DEBUG = env.flag("DJANGO_DEBUG", False)
_secret = env.optional_str("SECRET_KEY")
_database_url = env.url("DATABASE_URL", ("postgres", "postgresql", "sqlite"))
_redis_url = env.url("REDIS_URL", ("redis", "rediss"))
if bool(_database_url) != bool(_redis_url):
    missing = "REDIS_URL" if _database_url else "DATABASE_URL"
    env.problems.append(
        f"environment: {missing}: must be set too: stack mode needs both DATABASE_URL and "
        'REDIS_URL, embedded mode neither, got ""'
    )
if not DEBUG and _secret is None:
    env.problems.append('environment: SECRET_KEY: required when DJANGO_DEBUG is off, got ""')

RISK_MONITOR: dict[str, Any] = {
    "PORT": env.port("RISK_MONITOR_PORT", 8080),
    "GRPC_PORT": env.port("RISK_MONITOR_GRPC_PORT", 50055),
    # The worker's own /metrics (0: none); for containers, whose metrics files are not shared.
    "WORKER_METRICS_PORT": env.integer(
        "RISK_MONITOR_WORKER_METRICS_PORT", 0, minimum=0, maximum=65535
    ),
    "LOG_LEVEL": env.choice("RISK_MONITOR_LOG_LEVEL", "info", LOG_LEVELS),
    "CONFIG_DIR": Path(env.text("RISK_MONITOR_CONFIG_DIR", str(BASE_DIR / "config"))),
    # Exchange name -> "KEY:SECRET" or {account label: "KEY:SECRET"}; checked against the
    # venues at start (riskmonitor/conf/exchange_keys.py), read by the venue connectors.
    "EXCHANGE_API_KEYS": env.json_object("EXCHANGE_API_KEYS"),
    "CHECK_INTERVAL_SECONDS": env.integer(
        "RISK_CHECK_INTERVAL_SECONDS", 5, minimum=1, maximum=3600
    ),
    # How often /debug/risk-calculations' trace is rebuilt; 0 = every cycle. A large book's
    # trace costs a fifth of its evaluation (docs/risk-methodology.md section 20).
    "TRACE_INTERVAL_SECONDS": env.integer(
        "RISK_TRACE_INTERVAL_SECONDS", 60, minimum=0, maximum=86_400
    ),
    # Threads per process for venue calls: every call of a cycle's wave in flight at once.
    "INGEST_CALL_THREADS": env.integer("RISK_INGEST_CALL_THREADS", 256, maximum=4096),
    "ALERT_RETENTION_DAYS": env.integer("ALERT_RETENTION_DAYS", 90),
    "AUDIT_LOG_RETENTION_DAYS": env.integer("AUDIT_LOG_RETENTION_DAYS", 365),
    "CIRCUIT_BREAKER_ENABLED": env.flag("CIRCUIT_BREAKER_ENABLED", True),
    "CIRCUIT_BREAKER_AUTO_LIQUIDATE": env.flag("CIRCUIT_BREAKER_AUTO_LIQUIDATE", False),
    "DASHBOARD_ENABLED": env.flag("DASHBOARD_ENABLED", True),
    "EMIT_COMPLIANCE_SIGNALS": env.flag("EMIT_COMPLIANCE_SIGNALS", True),
    "REGULATORY_REPORTING_ENABLED": env.flag("REGULATORY_REPORTING_ENABLED", True),
    "ALERT_WEBHOOK_URL": env.url("ALERT_WEBHOOK_URL", ("http", "https")),
    # The simulators' scenario (embedded mode and the Procfile start them on it).
    "SCENARIO": env.file_or_name(
        "RISK_MONITOR_SCENARIO", "default", BASE_DIR / "simulators" / "scenarios", ".yaml"
    ),
}
# Secrets stay out of RISK_MONITOR so that a configuration summary can never leak them.
CUSTODIAN_API_KEY = env.optional_str("CUSTODIAN_API_KEY")
MARKET_DATA_API_KEY = env.optional_str("MARKET_DATA_API_KEY")

MODE = "stack" if _database_url and _redis_url else "embedded"
ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.csv("CSRF_TRUSTED_ORIGINS", [])

try:
    env.raise_if_problems()
except EnvironmentProblems as exc:
    # Settings are read by every entry point (web, worker, beat, grpc, manage.py): one clear
    # message per problem and a non-zero exit beats a traceback.
    print("\n".join(exc.problems), file=sys.stderr)
    raise SystemExit(2) from None

# A development key only ever exists with DEBUG on; the check above refuses it otherwise.
SECRET_KEY = _secret or "dev-insecure-key-only-for-DJANGO_DEBUG-true-never-in-production-0123456789"

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_prometheus",
    "axes",
    "apps.core",
    "apps.audit",
    "apps.dashboard",
    "apps.venues",
    "apps.marketdata",
    "apps.positions",
    "apps.risk",
    "apps.limits",
    "apps.alerts",
    "apps.monitoring",
    "apps.breaker",
    "apps.grpcapi",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # django-axes wants to be last so that it sees the final authentication outcome.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "riskmonitor.urls"
ASGI_APPLICATION = "riskmonitor.asgi.application"
WSGI_APPLICATION = None

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

# Runtime files (SQLite, beat schedule, metrics of several processes); tests point it elsewhere.
VAR_DIR = Path(env.text("RISK_MONITOR_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
if MODE == "stack":
    # No persistent connections: under ASGI every request runs in a thread of its own, so a kept
    # connection is never reused and they pile up until PostgreSQL refuses new clients (seen at 32
    # concurrent API clients). A pooler (pgbouncer, or psycopg's pool) is the way to reuse them.
    DATABASES = {"default": dj_database_url.parse(str(_database_url), conn_max_age=0)}
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Reads wait past the layer's 5 s blocking pop: at redis-py's default socket
            # timeout (also 5 s) a busy server makes an idle consumer's read time out first,
            # and the WebSocket closes with 1011 (docs/websocket.md).
            "CONFIG": {
                "hosts": [{"address": _redis_url, "socket_timeout": 15}],
                "prefix": "riskmonitor",
            },
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "riskmonitor.sqlite3"),
            # Several threads (web, scheduler, gRPC) share the file: wait rather than fail.
            # WAL: readers never wait for a writer, so pages stay quick while a cycle's
            # batch of writes (the first one backfills two years of candles) commits.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Celery: Redis in stack mode; in embedded mode the in-process scheduler runs tasks eagerly.
# Eager sends still open a producer; the host only keeps kombu from warning that none was given.
CELERY_BROKER_URL = _redis_url or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = MODE == "embedded"
CELERY_TASK_ACKS_LATE = True  # idempotent tasks: a crashed worker's task runs again
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

REST_FRAMEWORK = {
    # Token first: DRF answers a request without valid credentials with the first class's
    # scheme (401 + WWW-Authenticate: Token); sessions still authenticate the browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The refusals every door shares (401, 403, 400, 404) are declared once there.
    "DEFAULT_SCHEMA_CLASS": "apps.core.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.errors.api_exception_handler",
    # Request bodies are JSON, as the schema says; a form or multipart body gets 415.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Risk Monitor API",
    "VERSION": "1.0.0",
    # Schema and docs page: any authenticated user, as every door but /health (docs/api.md).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # The docs page's Swagger UI comes from our own static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.openapi.serializer_constraints",
    ],
    # Alert severity and peak severity share one choice set: name it once.
    "ENUM_NAME_OVERRIDES": {
        "SeverityEnum": "apps.alerts.models.Severity",
        "AlertStatusEnum": "apps.alerts.models.AlertStatus",
        "ComplianceStateEnum": "apps.limits.states.STATES",
        "TripReasonEnum": "apps.breaker.models.TripReason",
        "BreakerStateEnum": "apps.breaker.models.BreakerState",
        "TradeKindEnum": ["spot", "perpetual"],
    },
    # Request bodies get their own components, so they state what input may not be (blank).
    "COMPONENT_SPLIT_REQUEST": True,
}

# Sessions expire: a risk desk terminal left open should not stay logged in overnight.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    # Production sits behind a TLS-terminating proxy; health and metrics stay reachable over
    # plain HTTP for probes and scrapers inside the network.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.flag("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health$", r"^metrics$"]
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

_LOG_LEVEL = {"warn": "WARNING"}.get(
    str(RISK_MONITOR["LOG_LEVEL"]), str(RISK_MONITOR["LOG_LEVEL"]).upper()
)
# Stack mode: JSON on stdout for the log shipper. Embedded mode (a first run in a terminal): one
# short line per event on the console, the full JSON in var/risk-monitor.log.
LOG_FILE = VAR_DIR / "risk-monitor.log"
_LOG_HANDLERS = log_handlers(MODE, LOG_FILE)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "apps.core.logging.JsonFormatter"},
        "console": {"()": "apps.core.logging.ConsoleFormatter"},
    },
    "filters": {"quiet_libraries": {"()": "apps.core.logging.QuietLibrariesFilter"}},
    "handlers": _LOG_HANDLERS,
    "root": {"handlers": list(_LOG_HANDLERS), "level": _LOG_LEVEL},
    "loggers": {
        "django.server": {"level": "WARNING"},
        "daphne": {"level": "WARNING"},
    },
}

# Alert e-mails (apps.alerts): printed to the console in development, sent over SMTP otherwise.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)

# The live dashboard (apps/dashboard): its own login page, and plotly.js served from the
# installed plotly package as a static file. WhiteNoise serves finders' files directly, so a
# stack started without collectstatic (tests, a Procfile run) still has them.
LOGIN_URL = "dashboard-login"
LOGIN_REDIRECT_URL = "home"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "apps.dashboard.vendorfiles.PlotlyFinder",
]
WHITENOISE_USE_FINDERS = True
