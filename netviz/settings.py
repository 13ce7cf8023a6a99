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

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "netviz.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "netviz.web.middleware.SecurityHeaders",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

NETVIZ_MAX_UPLOAD_MB = env_int("NETVIZ_MAX_UPLOAD_MB", 20, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = NETVIZ_MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("NETVIZ_MAX_FILES", 200, minimum=1)
# Limits handed to the YAML reader so one upload cannot exhaust the server.
NETVIZ_MAX_DOCUMENTS = env_int("NETVIZ_MAX_DOCUMENTS", 20000, minimum=1)
NETVIZ_MAX_ALIASES = env_int("NETVIZ_MAX_ALIASES", 100, minimum=0)
NETVIZ_MAX_DEPTH = env_int("NETVIZ_MAX_DEPTH", 64, minimum=1)

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
