"""Paradesk settings, read from environment variables with safe defaults for the embedded mode."""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("PARADESK_DATA_DIR", BASE_DIR.parent / "var"))
# The embedded database lives here; make it on first use so a fresh clone simply runs.
DATA_DIR.mkdir(parents=True, exist_ok=True)


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [part.strip() for part in value.split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip().lower() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def database_from_url(url: str) -> dict[str, object]:
    """A Django DATABASES entry from `sqlite:///path` or `postgres://user:pw@host:port/name`."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        return sqlite_database(Path(unquote(parsed.path)))
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")) or "paradesk",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


def sqlite_database(path: Path) -> dict[str, object]:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # WAL lets readers go on while one writer writes. IMMEDIATE takes the write lock at BEGIN, where
        # a busy writer is waited for (timeout, seconds); a deferred transaction that read first and then
        # writes gets "database is locked" at once, without waiting (50 paras syncing: 26 of 300 batches).
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": None},
    }


# --- Serving mode ----------------------------------------------------------------------------------
# "embedded" (the default: `make run`, tests) works out of the box; "production" (`make serve`) refuses
# to start on anything a district's data must not be served with. See docs/serving.md.
PARADESK_ENV = env_choice("PARADESK_ENV", ("embedded", "production"), "embedded")
PRODUCTION = PARADESK_ENV == "production"
EMBEDDED_SECRET_KEY = "embedded-mode-only-change-me-in-production"
LOCAL_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Django's own deployment check calls a key weak below 50 characters or 5 different characters.
SECRET_KEY_MIN_LENGTH = 50


def production_secret_key(value: str) -> str:
    """The key signs sessions, password-reset links and tokens: production has to bring its own."""
    if not value or value == EMBEDDED_SECRET_KEY:
        raise ImproperlyConfigured(
            "PARADESK_SECRET_KEY is not set: production mode needs a secret key of its own, e.g. "
            "PARADESK_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"PARADESK_SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random characters"
        )
    return value


def production_hosts(hosts: list[str]) -> list[str]:
    """`testserver` is the test client's host name: a real server never answers to it."""
    if "testserver" in hosts:
        raise ImproperlyConfigured("PARADESK_ALLOWED_HOSTS must not contain testserver in production mode")
    return hosts


def production_debug(debug: bool) -> bool:
    if debug:
        raise ImproperlyConfigured("PARADESK_DEBUG must be off in production mode: debug pages show data")
    return debug


if PRODUCTION:
    DEBUG = production_debug(env_bool("PARADESK_DEBUG", False))
    SECRET_KEY = production_secret_key(env_str("PARADESK_SECRET_KEY"))
    ALLOWED_HOSTS = production_hosts(env_list("PARADESK_ALLOWED_HOSTS", LOCAL_HOSTS))
else:
    DEBUG = env_bool("PARADESK_DEBUG", False)
    SECRET_KEY = env_str("PARADESK_SECRET_KEY", EMBEDDED_SECRET_KEY)
    ALLOWED_HOSTS = env_list("PARADESK_ALLOWED_HOSTS", [*LOCAL_HOSTS, "testserver"])
# --- end of serving mode ---------------------------------------------------------------------------
CSRF_TRUSTED_ORIGINS = env_list("PARADESK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "paradesk.people",
    "paradesk.access",
    "paradesk.plans",
    "paradesk.recording",
    "paradesk.schedules",
    "paradesk.progress",
    "paradesk.team",
    "paradesk.web",
    "paradesk.ops",
    "paradesk.demo",
]

# --- Multi-factor sign-in (django-otp: TOTP apps and one-time recovery codes) -------------------
INSTALLED_APPS += ["django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static"]
OTP_TOTP_ISSUER = env_str("PARADESK_OTP_ISSUER", "Paradesk")
# Each wrong code doubles the wait before the next try (1 s, 2 s, 4 s ... up to django-otp's cap).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# --- end of multi-factor sign-in ------------------------------------------------------------------

# Long work (report batches) runs as tasks; a worker (`paradesk db_worker`) takes them from the database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "paradesk.web.middleware.NoStoreMiddleware",  # pages and API answers: Cache-Control no-store
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "paradesk.access.middleware.LoginRequiredMiddleware",
    # Multi-factor sign-in: who verified with which device, then nothing else until they have.
    "django_otp.middleware.OTPMiddleware",
    "paradesk.access.middleware.MultiFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "paradesk.access.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "paradesk.urls"
WSGI_APPLICATION = "paradesk.wsgi.application"
AUTH_USER_MODEL = "people.Staff"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "paradesk.web.context_processors.navigation",
                "paradesk.team.notices.notifications",
                "paradesk.access.sessions.session_limits",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
DATABASES = {
    "default": database_from_url(DATABASE_URL)
    if DATABASE_URL
    else sqlite_database(DATA_DIR / "paradesk.sqlite3")
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even when it serves from the finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "PARADESK_STATICFILES_STORAGE",
            # Production serves collectstatic's hashed, compressed files, cached for ever by browsers.
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Sessions end after this long without activity and this long after sign-in, whichever comes first
# (paradesk/access/sessions.py); the pages warn this many minutes before.
PARADESK_IDLE_MINUTES = env_int("PARADESK_IDLE_MINUTES", 30)
PARADESK_SESSION_HOURS = env_int("PARADESK_SESSION_HOURS", 10)
PARADESK_SESSION_WARNING_MINUTES = 2
SESSION_COOKIE_AGE = 60 * 60 * PARADESK_SESSION_HOURS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# --- Behind HTTPS and a proxy (production mode turns these on) ------------------------------------
SESSION_COOKIE_SECURE = env_bool("PARADESK_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("PARADESK_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("PARADESK_HSTS_SECONDS", 365 * 24 * 60 * 60 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PARADESK_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# The header only lets a domain's owner submit it to the browsers' preload list; nothing is preloaded
# until someone does (docs/serving.md).
SECURE_HSTS_PRELOAD = env_bool("PARADESK_HSTS_PRELOAD", PRODUCTION)


def proxy_ssl_header(header: str) -> tuple[str, str] | None:
    """`X-Forwarded-Proto` (or `Name: value`) as Django's META key and the value meaning HTTPS.

    Only set it when a proxy always sets (or strips) that header: otherwise a client could claim HTTPS.
    """
    if not header.strip():
        return None
    name, _, value = header.partition(":")
    meta_key = "HTTP_" + name.strip().upper().replace("-", "_")
    return meta_key, value.strip() or "https"


SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env_str("PARADESK_PROXY_SSL_HEADER"))
# --- end of HTTPS and proxy ------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Log lines name ids, never a student's name (FERPA); see access/audit.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("PARADESK_LOG_LEVEL", "WARNING")},
}

DEMO_PASSWORD = "paradesk-demo-2026"
WHITENOISE_USE_FINDERS = not PRODUCTION  # embedded mode serves static files without collectstatic
# Dashboard: school days without data before "no recent data" (paradesk.progress.alerts.NO_DATA_SCHOOL_DAYS).
PROGRESS_NO_DATA_SCHOOL_DAYS = 5

# --- Accounts: sign-in throttling, password reset, email (issue 11) ----------------------------------
# Failed sign-ins are counted by account and by address (django-axes); at the limit both the password
# form and API tokens from that account or address are refused until the cool-off ends or an
# administrator unlocks the account (paradesk/access/lockout.py).
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PARADESK_SIGNIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("PARADESK_SIGNIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The sign-in form names its email field "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "paradesk.access.lockout.account_tried"
AXES_LOCKOUT_CALLABLE = "paradesk.access.lockout.locked_out_response"
AXES_VERBOSE = False

# Console in the embedded mode; SMTP when PARADESK_EMAIL_HOST is set, and always in production (a
# local relay on localhost unless it names another: the console would drop password-reset mail)
# (Django 6.1's MAILERS; the older EMAIL_* settings are deprecated there).
EMAIL_HOST_NAME = env_str("PARADESK_EMAIL_HOST", "localhost" if PRODUCTION else "")
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": EMAIL_HOST_NAME,
            "port": env_int("PARADESK_EMAIL_PORT", 587),
            "username": env_str("PARADESK_EMAIL_USER"),
            "password": env_str("PARADESK_EMAIL_PASSWORD"),
            "use_tls": env_bool("PARADESK_EMAIL_USE_TLS", True),
            "timeout": 20,
        },
    }
    if EMAIL_HOST_NAME
    else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
}
DEFAULT_FROM_EMAIL = env_str("PARADESK_EMAIL_FROM", "Paradesk <paradesk@localhost>")
# A reset or invitation link works for three days (Django's default is three too; said here so the
# invitation's wording and the setting cannot drift apart).
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
