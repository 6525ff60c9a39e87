"""Django settings for socmap, read from the environment.

Production differs from local use by environment variables only. Defaults suit a laptop:
SQLite under ``var/``, a secret key generated into ``var/``, DEBUG off unless asked for.
A wrong environment stops start-up with one line naming the variable (``ConfigurationError``).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import environ
from csp.constants import NONCE, NONE, SELF

from socmap.errors import ConfigurationError

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()

VAR_DIR = Path(env.str("SOCMAP_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

SOCMAP_ENV = env.str("SOCMAP_ENV", default="local")
if SOCMAP_ENV not in {"local", "production", "test"}:
    raise ConfigurationError(f"SOCMAP_ENV must be local, production or test, not {SOCMAP_ENV!r}")
PRODUCTION = SOCMAP_ENV == "production"

DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION and DEBUG:
    raise ConfigurationError(
        "DJANGO_DEBUG is on in production (SOCMAP_ENV=production): debug pages show settings and data"
    )

# A production key must be long and random: Django's own check asks for 50 characters and 5
# different ones; the placeholders people paste from examples are refused by name.
MIN_SECRET_KEY_LENGTH = 50
KNOWN_PLACEHOLDERS = ("changeme", "change-me", "secret", "django-insecure", "insecure", "example", "xxx")


def _check_secret(key: str) -> None:
    weak = (
        len(key) < MIN_SECRET_KEY_LENGTH
        or len(set(key)) < 5
        or any(key.lower().startswith(p) for p in KNOWN_PLACEHOLDERS)
    )
    if weak:
        raise ConfigurationError(
            f"DJANGO_SECRET_KEY is too weak for production: use at least {MIN_SECRET_KEY_LENGTH} random "
            "characters (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )


def _secret_key() -> str:
    key = str(env.str("DJANGO_SECRET_KEY", default="") or env.str("SECRET_KEY", default=""))
    if key:
        if PRODUCTION:
            _check_secret(key)
        return key
    if PRODUCTION:
        raise ConfigurationError(
            "SECRET_KEY is not set: production mode (SOCMAP_ENV=production) needs DJANGO_SECRET_KEY"
        )
    # Local use: generate once and keep it, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])


# WAL lets the web app read while a background ingest writes; NORMAL sync is safe with WAL and spares
# an fsync per transaction, which dominated ingest time on SQLite.
SQLITE_OPTIONS = {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 30}


def _database(variable: str = "DATABASE_URL") -> dict[str, Any]:
    raw = env.str(variable, default="")
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "socmap.sqlite3"),
            "OPTIONS": SQLITE_OPTIONS,
        }
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigurationError(
            f"{variable} is malformed: expected sqlite:///PATH or postgres://USER@HOST:PORT/NAME, "
            f"got scheme {scheme or '(none)'!r}"
        )
    try:
        config: dict[str, Any] = dict(environ.Env.db_url_config(raw))
    except Exception as exc:  # django-environ raises several kinds; all mean the same to the user
        raise ConfigurationError(f"{variable} is malformed: {exc}") from exc
    if not config.get("NAME"):
        raise ConfigurationError(f"{variable} is malformed: it names no database")
    if config["ENGINE"].endswith("sqlite3"):
        config.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    if config["ENGINE"].endswith("postgresql"):
        config.setdefault("CONN_MAX_AGE", 60)
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 5)
        # No JIT compilation: a page's query estimated above jit_above_cost (the statements of a
        # person's 196 records, estimated at 14,764 rows for 485) spent 8 ms compiling to run in 3.
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
        if env.bool("SOCMAP_WEB", default=False):
            # A web process asks for a person's few hundred rows at a time: a parallel worker's
            # start cost more than it saved, and its plan ANDed the owner's BRIN index in (the
            # links of a person at five million rows: 20 ms so, 4.4 ms by one index scan).
            # Ingest, resolution and network runs keep parallel scans of whole tables.
            options["options"] += " -c max_parallel_workers_per_gather=0"
    return config


DATABASES = {"default": _database()}
# PostgreSQL: the owner role runs the migrations; the application connects as DATABASE_URL's role,
# which owns nothing and cannot bypass the append-only tables (socmap/apps/core/dbroles.py).
if env.str("SOCMAP_OWNER_DATABASE_URL", default=""):
    DATABASES["owner"] = _database("SOCMAP_OWNER_DATABASE_URL") | {"TEST": {"MIRROR": "default"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "socmap.apps.core",
    "socmap.apps.inspections",
    "socmap.apps.intel",
    "socmap.apps.resolution",
    "socmap.apps.network",
    "socmap.apps.assessment",
    "socmap.apps.tasking",
    "socmap.apps.workforce",
    "socmap.apps.places",
    "socmap.apps.lifetime",
    "socmap.apps.partnership",
    "socmap.apps.profile",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "socmap.apps.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "socmap.apps.core.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "socmap.apps.core.middleware.SecurityHeadersMiddleware",
    "socmap.apps.core.middleware.SocmapErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "socmap.urls"
WSGI_APPLICATION = "socmap.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "socmap" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "socmap.apps.core.context_processors.shell",
            ],
        },
    }
]

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lockout after repeated failures (django-axes), by username and address together.
AXES_FAILURE_LIMIT = env.int("SOCMAP_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SOCMAP_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "socmap.apps.core.views.lockout_response"
AXES_VERBOSE = False

# Personal API tokens expire: by default 90 days after they are made. 0 means never, which is refused
# in production.
SOCMAP_TOKEN_DAYS = env.int("SOCMAP_TOKEN_DAYS", default=90)
if SOCMAP_TOKEN_DAYS < 0 or (PRODUCTION and SOCMAP_TOKEN_DAYS == 0):
    raise ConfigurationError(
        "SOCMAP_TOKEN_DAYS must be a number of days above 0 in production (API tokens must expire)"
    )

# Optional TOTP second factor, switched on by configuration.
SOCMAP_OTP_REQUIRED = env.bool("SOCMAP_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = "socmap"

# Sessions and cookies: secure cookies whenever the service is behind HTTPS (production).
SESSION_COOKIE_AGE = env.int("SOCMAP_SESSION_SECONDS", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("SOCMAP_SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "socmap.apps.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SOCMAP_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SOCMAP_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None

# Content Security Policy: scripts and styles from our own origin only, inline code by nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "socmap" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app and vendor folders, so no collectstatic step is needed to run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "uploads"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Uploads above that size are received into this folder, not the system's temporary one: a file cut
# off by a server killed mid-request is then found and removed by the next worker (core/workers.py).
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / "receiving")
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)
# A partial upload (being received, or being copied into the ingest folder) not written to for this
# many seconds was cut off: workers remove it.
SOCMAP_UPLOAD_STALE_SECONDS = env.int("SOCMAP_UPLOAD_STALE_SECONDS", default=3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
SOCMAP_UPLOAD_MAX_BYTES = env.int("SOCMAP_UPLOAD_MAX_BYTES", default=200 * 1024 * 1024)
# Partnership: days before an agreement's end date that its leads are reminded to renew it, and days
# a safeguarding referral waits for its outcome before it is listed as overdue (local practice).
SOCMAP_AGREEMENT_RENEWAL_DAYS = env.int("SOCMAP_AGREEMENT_RENEWAL_DAYS", default=60)
SOCMAP_REFERRAL_OUTCOME_DAYS = env.int("SOCMAP_REFERRAL_OUTCOME_DAYS", default=14)
# What one ingested file may hold (socmap.engines.ingest.InputLimits): over a row's bound the row is
# quarantined with the reason, over a file's bound (rows, an XLSX that unpacks too large) it is refused.
SOCMAP_INGEST_LIMITS: dict[str, int] = {
    key: env.int(f"SOCMAP_INGEST_{key.upper()}")
    for key in (
        "max_value_chars",
        "max_row_chars",
        "max_cells",
        "max_rows",
        "max_json_depth",
        "max_unpacked_bytes",
        "max_pack_ratio",
    )
    if env.str(f"SOCMAP_INGEST_{key.upper()}", default="")
}

# Long work (ingest) runs in a background worker (`socmap worker`, started by `socmap serve`) that
# takes tasks from the database. SOCMAP_TASKS=immediate runs them in the request instead.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if env.str("SOCMAP_TASKS", default="database") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

# Shown in the phase banner; `socmap demo` serves with it on.
SOCMAP_DEMO = env.bool("SOCMAP_DEMO", default=False)
SOCMAP_SERVICE_NAME = "socmap"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("SOCMAP_LOG_LEVEL", default="WARNING")},
    "loggers": {"socmap": {"level": env.str("SOCMAP_LOG_LEVEL", default="INFO")}},
}

# Entity resolution thresholds (match probability): at or above UPPER the model merges, between LOWER
# and UPPER an analyst reviews, below LOWER the pair is not kept. UPPER unset: each full run merges from
# the operating point the model calibrates (docs/adr/0017); LOWER's default is the engine's.
SOCMAP_RESOLVE_UPPER = env.float("SOCMAP_RESOLVE_UPPER", default=None)
SOCMAP_RESOLVE_LOWER = env.float("SOCMAP_RESOLVE_LOWER", default=0.5)
# The estimated pair precision the calibrated merge threshold must reach. Clusters compound a pair's
# error along chains, so at regional scale it must be near perfect (docs/adr/0017: 0.9995 chose 0.99 on
# the medium demo, F1 0.977; the engine's 0.995 chose 0.95, F1 0.963).
SOCMAP_RESOLVE_MIN_PRECISION = env.float("SOCMAP_RESOLVE_MIN_PRECISION", default=0.9995)
# DuckDB's memory for training and scoring; beyond it DuckDB spills to temporary files. Unset, DuckDB
# takes 80 % of the machine: a million-record run grew past 7 GB while scoring 32 million pairs.
SOCMAP_RESOLVE_MEMORY = env.str("SOCMAP_RESOLVE_MEMORY", default="1500MB")
# A person model file to start from before any run has trained one (e.g. one trained on a whole region).
SOCMAP_RESOLVE_MODEL = env.str("SOCMAP_RESOLVE_MODEL", default="")
# Where resolution scores candidate pairs: "duckdb" (in the process that runs it) or "spark" (Splink's
# Spark backend; install the 'spark' extra). Same model file, rules and thresholds either way (ADR 0018).
SOCMAP_RESOLVE_BACKEND = env.str("SOCMAP_RESOLVE_BACKEND", default="duckdb")
# The Spark master: local[2] runs Spark inside the resolving process on two threads; spark://host:7077,
# yarn or k8s://... send the work to a cluster (README: "Resolution on Spark").
SOCMAP_SPARK_MASTER = env.str("SOCMAP_SPARK_MASTER", default="local[2]")
# Folder the records go to Spark in and the scored pairs come back in, as Parquet. On a cluster it
# must be storage every executor and this process reach (hdfs://, s3a:// or a shared mount); empty:
# a temporary folder (local mode only).
SOCMAP_SPARK_WORKDIR = env.str("SOCMAP_SPARK_WORKDIR", default="")
# Shuffle partitions of Spark's joins: a few per core of the cluster.
SOCMAP_SPARK_PARTITIONS = env.int("SOCMAP_SPARK_PARTITIONS", default=8)
# The threat scoring model new assessments use (empty: the one socmap ships, morile-v1.yaml).
SOCMAP_ASSESS_MODEL = env.str("SOCMAP_ASSESS_MODEL", default="")
# The region's capability register for tasking: rules of use, and the capacity the workforce register
# does not yet hold (see socmap/apps/tasking/register.py).
SOCMAP_TASKING_CAPABILITIES = env.str("SOCMAP_TASKING_CAPABILITIES", default="")

# The catalogue of orders and partner powers every 4P plan considers, with review cycles, workload
# weights and alert lead times (empty: the one socmap ships, socmap/engines/lifetime/catalogue.yaml).
SOCMAP_LIFETIME_CATALOGUE = env.str("SOCMAP_LIFETIME_CATALOGUE", default="")
