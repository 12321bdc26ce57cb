"""Settings for Campaign Performance Analytics, read from the environment (and an optional .env).

Every variable is documented in .env.example. DEBUG is off unless set.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
TESTING = "pytest" in sys.modules

# A fixed key is acceptable only where nothing is at stake: debugging and the test suite.
# Otherwise an unset key stays empty, and Django refuses (ImproperlyConfigured) the first time
# anything signs with it, while commands that sign nothing (reports, imports) still run.
SECRET_KEY = env.str("SECRET_KEY", default="") or (
    "insecure-key-for-debug-and-tests-only" if DEBUG or TESTING else ""
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "campaigns.apps.ScopedAdminConfig",
    "campaigns.apps.CampaignsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: the history records each write with the request's user.
    "campaigns.middleware.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "campaigns.middleware.PrivateResponsesMiddleware",
    # Below the middleware that add headers (CSP, frames, caching): the 405 page it renders in
    # place of an empty one gets them.
    "campaigns.middleware.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "campaigns.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default, tuned for a web server's concurrent use: WAL lets readers run beside a
# writer, IMMEDIATE takes the write lock at BEGIN so a writer waits (up to the timeout) instead
# of failing with "database is locked" when it upgrades a read transaction.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL;"
        "PRAGMA synchronous=NORMAL;"
        "PRAGMA busy_timeout=20000;"
        "PRAGMA foreign_keys=ON;"
    ),
}
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one IP address, that pair is locked out for AXES_COOLOFF_MINUTES (or until an admin removes
# the attempt in Django admin, "Axes > Access attempts"); a success resets the count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            # The manifest exists only after collectstatic, which development and tests skip.
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail (password reset now; alerts and reports later) through Django's mail API, configured
# by EMAIL_URL: consolemail:// (default: printed by the server), smtp+tls://user:pw@host:587.
# Django 6.1's MAILERS replaces the EMAIL_* settings: mailers_from() translates the URL.
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


def mailers_from(config: dict) -> dict:
    """MAILERS from django-environ's email_url() dict (EMAIL_BACKEND, EMAIL_HOST, …)."""
    backend = config["EMAIL_BACKEND"]
    if backend == CONSOLE_BACKEND:
        # Django's, printing bodies unwrapped: a link copied from the terminal works.
        backend = "campaigns.console_mail.EmailBackend"
    options = {}
    if backend.endswith("smtp.EmailBackend"):
        options = {
            "host": config.get("EMAIL_HOST"),
            "port": config.get("EMAIL_PORT"),
            "username": config.get("EMAIL_HOST_USER"),
            "password": config.get("EMAIL_HOST_PASSWORD"),
            "use_tls": config.get("EMAIL_USE_TLS"),
            "use_ssl": config.get("EMAIL_USE_SSL"),
        }
    elif backend.endswith("filebased.EmailBackend"):
        options = {"file_path": config.get("EMAIL_FILE_PATH")}
    return {"default": {"BACKEND": backend, "OPTIONS": {k: v for k, v in options.items() if v}}}


MAILERS = mailers_from(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Campaign Analytics <noreply@localhost>")
# The address the app is reached at, for links in e-mails sent without a request (scheduled
# reports, alert e-mails, unsubscribe links): scheme and host, no trailing slash.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# HTTPS in production, set from the environment. Off by default so that a plain-HTTP set-up
# (development, a load test on localhost) works; .env.example shows the production values.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)


def proxy_ssl_header(header: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from the name of the header a trusted proxy sets to "https"
    (e.g. X-Forwarded-Proto); None when no proxy is trusted."""
    if not header:
        return None
    return ("HTTP_" + header.strip().upper().replace("-", "_"), "https")


# Set only behind a proxy that always sets (or strips) this header: it makes Django trust it.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(env.str("SECURE_PROXY_SSL_HEADER", default=""))
SECURE_CONTENT_TYPE_NOSNIFF = True
# A strict Content-Security-Policy: scripts, styles and everything else only from this site.
# No page uses inline scripts, inline styles or eval (chart data travels in json_script).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"

# Alerts: an active campaign with no day recorded for this many days raises "no data received".
ALERT_NO_DATA_DAYS = env.int("ALERT_NO_DATA_DAYS", default=3)

# Invitations to a location (Members page): how many days the e-mailed link stays valid.
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=7)

# Caches: the default cache holds the pages' computed figures (keyed by each location's data
# version, so a write is seen at once), the signed-in user's memberships and the API rate
# counts. Local memory by default: one cache per process. With several server processes or
# hosts, point CACHE_URL at a shared cache, e.g. redis://127.0.0.1:6379/1 (django-environ's
# URL forms; Redis needs the `redis` package).
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
# How long a page's cached report is kept at most (seconds; 0 turns the page cache off). A
# write shows at once whatever this is: the key holds the location's data version.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=3600)

# Sessions: with a cache every process shares (Redis, Memcached), read from it and written
# through to the database (one query less per request). Not with a cache per process: a
# sign-out in one process would leave the session in the others' caches.
SESSION_ENGINE = "django.contrib.sessions.backends." + (
    "cached_db"
    if CACHES["default"]["BACKEND"].startswith(
        ("django.core.cache.backends.redis.", "django.core.cache.backends.memcached.")
    )
    else "db"
)

# API rate limit: each token may make API_RATE_LIMIT_REQUESTS requests per
# API_RATE_LIMIT_WINDOW seconds (then 429 with Retry-After), counted in the cache named by
# API_RATE_LIMIT_CACHE. CACHES is Django's default, local memory: one count per process. With
# several server processes, configure a shared cache (the database cache, Redis, Memcached).
API_RATE_LIMIT_REQUESTS = env.int("API_RATE_LIMIT_REQUESTS", default=120)
API_RATE_LIMIT_WINDOW = env.int("API_RATE_LIMIT_WINDOW", default=60)
API_RATE_LIMIT_CACHE = env.str("API_RATE_LIMIT_CACHE", default="default")

# Background work (django.tasks): the database backend of django-tasks-db keeps tasks in a
# table that `manage.py db_worker` runs; `manage.py run_scheduler` enqueues due work. The test
# suite runs tasks inline (ImmediateBackend) unless a test chooses the database backend.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            default=(
                "django.tasks.backends.immediate.ImmediateBackend"
                if TESTING
                else "django_tasks_db.DatabaseBackend"
            ),
        )
    }
}

# CSV import: the largest file accepted, and where uploads wait (on this server's disk) between
# their preview and their commit. Staged files are deleted on commit and expire after a day.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
IMPORT_STAGING_DIR = Path(env.str("IMPORT_STAGING_DIR", default=str(BASE_DIR / "var" / "imports")))
# The most data rows one file may have (a larger file is refused before its rows are parsed),
# how many uploads one user may keep waiting, and after how many hours `clear_stale_imports`
# (run it from cron) deletes a waiting upload.
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
IMPORT_MAX_STAGED_PER_USER = env.int("IMPORT_MAX_STAGED_PER_USER", default=5)
IMPORT_STAGED_MAX_AGE_HOURS = env.int("IMPORT_STAGED_MAX_AGE_HOURS", default=24)
# A file of more lines than this is read, previewed and committed by the task worker, with a
# progress page, instead of in the request.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=50_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print its records a second time.
        "django": {"handlers": [], "propagate": True},
        # WeasyPrint narrates every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}
