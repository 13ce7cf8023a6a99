"""Django settings for netviz; everything that varies comes from the environment (netviz.env)."""

from __future__ import annotations

from pathlib import Path

from netviz.env import ConfigError, database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("NETVIZ_DEBUG", default=False)
PRODUCTION = env_bool("NETVIZ_PRODUCTION", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ConfigError("SECRET_KEY must be set when NETVIZ_PRODUCTION is on")
    SECRET_KEY = "netviz-development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

if PRODUCTION:
    # Fail at start-up, not at the first request: a half-configured server must not come up.
    if DEBUG:
        raise ConfigError("NETVIZ_DEBUG must be off when NETVIZ_PRODUCTION is on")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ConfigError(
            "SECRET_KEY must be at least 50 random characters in production, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not env_str("ALLOWED_HOSTS", "").strip():
        raise ConfigError(
            "ALLOWED_HOSTS must be set when NETVIZ_PRODUCTION is on (comma-separated)"
        )
    if "*" in ALLOWED_HOSTS:
        raise ConfigError("ALLOWED_HOSTS must name the hosts; '*' is refused in production")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "netviz.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "netviz.web.middleware.SecurityHeaders",
    # gzip for pages, JSON and (in development) static files; never pages with a POST form.
    "netviz.web.compression.Compress",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "netviz.web.middleware.UploadSizeLimit",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "netviz.urls"
WSGI_APPLICATION = "netviz.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL"), BASE_DIR)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several gunicorn workers (and the task worker) share the file: WAL lets readers run during
    # a write, IMMEDIATE takes the write lock at the start of a transaction instead of failing
    # half-way, and the timeout waits for the lock rather than answering "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif PRODUCTION:
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files in every mode: from the source folders in development, from
# collectstatic's compressed, content-hashed copies (cached forever) in production.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT = env_str("NETVIZ_STATIC_ROOT") or None
if PRODUCTION:
    STATIC_ROOT = STATIC_ROOT or str(BASE_DIR / "staticfiles")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

NETVIZ_MAX_UPLOAD_MB = env_int("NETVIZ_MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = NETVIZ_MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("NETVIZ_MAX_FILES", 1000, minimum=1)
# Above this many connections the review page carries namespace aggregates instead of every edge,
# and fetches a namespace's edges as it opens (netviz.web.views.data).
NETVIZ_PAGE_EDGES = env_int("NETVIZ_PAGE_EDGES", 50_000, minimum=0)
# Limits handed to the YAML reader so one upload cannot exhaust the server.
NETVIZ_MAX_DOCUMENTS = env_int("NETVIZ_MAX_DOCUMENTS", 50000, minimum=1)
NETVIZ_MAX_ALIASES = env_int("NETVIZ_MAX_ALIASES", 100, minimum=0)
NETVIZ_MAX_DEPTH = env_int("NETVIZ_MAX_DEPTH", 64, minimum=1)

# HTTPS: on by default in production (for a TLS-terminating proxy, also set
# NETVIZ_PROXY_SSL_HEADER=1 so that X-Forwarded-Proto is believed). NETVIZ_HTTPS=0 is for plain
# HTTP on a private network or loopback only.
HTTPS = env_bool("NETVIZ_HTTPS", default=PRODUCTION)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = env_int("NETVIZ_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("NETVIZ_HSTS_SUBDOMAINS", default=True)
    # Asking browsers to hard-code HTTPS for the whole domain is the domain owner's decision.
    SECURE_HSTS_PRELOAD = env_bool("NETVIZ_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_SECURE = True
if env_bool("NETVIZ_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
CSRF_COOKIE_HTTPONLY = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Large uploads are analysed off the request path by `manage.py db_worker` (django-tasks with its
# database backend: the same database, SQLite or PostgreSQL; run several workers on PostgreSQL).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Uploads up to this size are analysed in the request itself; larger ones by the worker.
NETVIZ_BACKGROUND_KB = env_int("NETVIZ_BACKGROUND_KB", 512, minimum=0)
# Drafts (what-if) of revisions with more endpoints than this are evaluated by the task worker.
NETVIZ_DRAFT_BACKGROUND_ENDPOINTS = env_int("NETVIZ_DRAFT_BACKGROUND_ENDPOINTS", 2000, minimum=0)
# A job still running after this long is taken for dead (its worker was killed) and shown failed.
NETVIZ_ANALYSIS_TIMEOUT = env_int("NETVIZ_ANALYSIS_TIMEOUT", 900, minimum=10)

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Tokens are in URLs: never send them anywhere. Pages with a POST form get "same-origin" instead
# (netviz.web.middleware.SecurityHeaders), since with "no-referrer" browsers send `Origin: null`
# on the form's POST and Django's CSRF check refuses it.
SECURE_REFERRER_POLICY = "no-referrer"

# Request paths carry review tokens: every handler masks them (netviz.web.logredact).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "netviz.web.logredact.RedactTokens"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
}
