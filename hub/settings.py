"""Settings of the hub: one file, driven by the environment (see README « Configuration »)."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from core.env import env_bool, env_int, env_list, env_site_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY est obligatoire quand DJANGO_DEBUG est désactivé.")
    # Bandit: a development-only key; without debug the start is refused above.
    SECRET_KEY = "dev-only-insecure-key-never-used-with-debug-off"  # nosec B105
elif not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY doit compter au moins 50 caractères en production.")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS est obligatoire quand DJANGO_DEBUG est désactivé.")

# HTTPS-only cookies, redirect and HSTS; on by default outside debug, off behind a plain-HTTP test server.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)

# Links sent by e-mail (password reset, sign-up) start with this address, never with the request's Host header: a
# forged Host, or just its port, would end up in the link. Default: `make run`'s address in debug, else the first
# allowed host (which a wildcard cannot be).
_first_host = ALLOWED_HOSTS[0] if ALLOWED_HOSTS else ""
if not DEBUG and "HUB_SITE_URL" not in os.environ and (_first_host.startswith(".") or "*" in _first_host):
    raise ImproperlyConfigured("HUB_SITE_URL est obligatoire quand DJANGO_ALLOWED_HOSTS commence par un joker.")
HUB_SITE_URL = env_site_url(
    "HUB_SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"{'https' if HTTPS else 'http'}://{_first_host}"
)

INSTALLED_APPS = [
    # Django's admin on the hub's site, in French with each model's gender (hub/admin_french.py).
    "hub.apps.HubAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver serves files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "hub.apps.TaggitConfig",  # taggit, named « Mots-clés »
    "reversion",  # every save of content kept, compared and reverted (README « Historique »)
    "import_export",  # CSV and XLSX import and export of content in the admin
    "core",
    "resources",
    "parcours",
    "diagnostic",
    "accounts",
    "rendezvous",
    "hub.apps.HubConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hub.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session's layer: sees what every other layer read or wrote in the session (hub/middleware.py).
    "hub.middleware.PrivatePagesMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, reading the account the session was read with (accounts/sessions.py).
    "accounts.sessions.SessionAccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Innermost: sees the views' own 405 (hub/middleware.py), with the request's user and messages.
    "hub.middleware.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "hub.urls"
WSGI_APPLICATION = "hub.wsgi.application"

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
                "hub.context_processors.site",
            ],
            # « 0 fiche » in every template: Django's pluralize would say « 0 fiches ».
            "builtins": ["core.templatetags.french", "core.templatetags.remembered_urls"],
        },
    },
]

DATABASES = {
    "default": parse_database_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"), base_dir=BASE_DIR)
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Reusing connections tripled throughput in our measurements (STACK-NOTES); health checks drop dead ones.
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache shared by every app server when REDIS_URL is set (core/redis_cache.py); otherwise each process
# keeps its own in memory, which is right for one process only (runserver, tests).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.HubRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("HUB_CACHE_PREFIX", "hub"),
            "TIMEOUT": 300,
            # An unreachable Redis must not hold a request for seconds: every use of the cache has a fallback, and
            # after a failure Redis is skipped for this many seconds before one request probes it again.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            "BREAKER_SECONDS": env_int("HUB_REDIS_RETRY_SECONDS", 10),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hub"}}
# Sessions live in the database only, with or without Redis: a log-out, a password change or a deleted account
# ends the session for good even while Redis is away (a copy in Redis could outlive a deletion that failed to
# reach it). One primary-key read per request that carries a session cookie, joined to the session's account
# (accounts/sessions.py), which is then not read again.
SESSION_ENGINE = "accounts.sessions"
AUTHENTICATION_BACKENDS = ["accounts.sessions.AccountBackend"]

# Anonymous content pages, and the parts of other pages that are the same for everyone, are kept this many seconds
# in the cache and dropped at once when staff change content (core/content_cache.py). Off by default without Redis:
# several processes would each keep their own copy, and a page edited through one would stay stale in the others;
# and in development a template being edited would not show. One process may turn it on with locmem.
HUB_PAGE_CACHE_SECONDS = env_int("HUB_PAGE_CACHE_SECONDS", 600 if REDIS_URL else 0)
# New entries one visitor (one address, one IPv6 /64) may add to that cache in HUB_PAGE_CACHE_SECONDS for what
# anyone can make up (filter combinations, searches, a host name with a port): past it their pages are served, not
# stored, so a script cannot fill Redis; the common queries are stored by the first visitors who ask for them.
HUB_CACHE_ENTRIES_PER_CLIENT = env_int("HUB_CACHE_ENTRIES_PER_CLIENT", 30)


# Covering indexes (INCLUDE) serve PostgreSQL only; SQLite builds them without the extra columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "hub:dashboard"
# Password reset links stay valid for one day.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# E-mail (password reset): printed to the console in development, sent through SMTP in production.
EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Le hub <ne-pas-repondre@hub.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names let browsers cache static files for a year; debug keeps plain names for quick edits.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "core.static_storage.StaticStorage"  # whitenoise's, addresses remembered
    },
}

# Taggit keeps a tag's first spelling; folded slugs avoid « bénévolat » and « benevolat » as two tags.
TAGGIT_CASE_INSENSITIVE = True
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Security headers, always on: they cost nothing under HTTP either.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content-Security-Policy sent by hub.middleware: no inline script or style anywhere on the public site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)

# Import and export of content in the admin (resources.import_export): importing changes content, so it needs the
# « change » permission of the model; exporting only reads it, so « view » is enough.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# Reverse proxies in front of the app (each appends to X-Forwarded-For): the log-in throttle and the cache's budget
# per visitor read the visitor's address from there; 0 when gunicorn faces the network itself.
HUB_PROXY_COUNT = env_int("HUB_PROXY_COUNT", 0)
if HTTPS and HUB_PROXY_COUNT > 0:
    # The TLS-terminating proxy sets X-Forwarded-Proto; without a proxy, the client itself would write it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No page needs a camera, a microphone, the position or payments: browsers refuse them to any script.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_without_traceback": {"()": "core.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A refused request (400, 403) logs one line; a server error (500) keeps its traceback. WeasyPrint (the
    # dossier's PDF) warns about each rule of our stylesheets only a browser knows, a hundred lines a PDF: its
    # errors (an address refused, a file missing) are kept.
    "loggers": {
        "django.request": {"filters": ["client_errors_without_traceback"]},
        "weasyprint": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

SITE_NAME = "Le hub des modèles socio-économiques"
# Shown on « Accessibilité » and « Mentions légales »: where people report a problem.
HUB_CONTACT_EMAIL = os.environ.get("HUB_CONTACT_EMAIL", "contact@hub.example.org")

# Facet counts may lag a content change by this many seconds (resources.facet_index): one query saved a page.
FACET_INDEX_VERSION_TTL = env_int("HUB_FACET_INDEX_TTL", 2)

# check_links (hub/link_checker.py), polite to the sites the content cites: seconds before a silent server counts
# as unreachable, requests per second overall, and seconds between two requests to the same site.
HUB_LINK_CHECK_TIMEOUT = env_int("HUB_LINK_CHECK_TIMEOUT", 10)
HUB_LINK_CHECK_RATE = env_int("HUB_LINK_CHECK_RATE", 2)
HUB_LINK_CHECK_HOST_DELAY = env_int("HUB_LINK_CHECK_HOST_DELAY", 2)
if HUB_LINK_CHECK_TIMEOUT < 1 or HUB_LINK_CHECK_RATE < 1 or HUB_LINK_CHECK_HOST_DELAY < 0:
    raise ImproperlyConfigured(
        "HUB_LINK_CHECK_TIMEOUT et HUB_LINK_CHECK_RATE valent au moins 1, HUB_LINK_CHECK_HOST_DELAY au moins 0."
    )
