"""Log-in throttling: after too many failures for one account (or from one network address), wait.

Both log-in pages (the site's and the admin's) share the counts. They live in Django's cache: per process
with the default local-memory cache, shared by every app server once a shared cache is configured.
Only failures count; a successful log-in or password reset clears the account's count.
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

from accounts.forms import login_username

logger = logging.getLogger(__name__)

FAILURES_PER_ACCOUNT = 5
FAILURES_PER_CLIENT = 20  # one network address trying many accounts
WINDOW = 15 * 60  # seconds: failures older than this are forgotten, and a lock lasts this long


def _now():
    return time.time()


def client_address(request):
    """The visitor's address: behind HUB_PROXY_COUNT trusted proxies, the one they saw in X-Forwarded-For
    (never an address the client wrote itself), else REMOTE_ADDR."""
    proxies = settings.HUB_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _keys(request, username):
    # The same account whether typed as e-mail or username.
    account = hashlib.sha256(login_username(username or "").lower().encode()).hexdigest()
    client = hashlib.sha256(client_address(request).encode()).hexdigest()
    return [(f"login-fail:account:{account}", FAILURES_PER_ACCOUNT), (f"login-fail:client:{client}", FAILURES_PER_CLIENT)]


def _recent(key):
    now = _now()
    return [moment for moment in cache.get(key, []) if now - moment < WINDOW]


def _tolerant(default):
    """While the cache is down, log-ins go on unthrottled (and logged) rather than all failing."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                logger.exception("Frein aux connexions indisponible (cache injoignable)")
                return default

        return wrapper

    return decorate


@_tolerant(default=0)
def seconds_locked(request, username):
    """How long this log-in must still wait (0 when it may try)."""
    waits = []
    for key, limit in _keys(request, username):
        failures = _recent(key)
        if len(failures) >= limit:
            waits.append(WINDOW - (_now() - failures[-limit]))
    return max(waits, default=0)


@_tolerant(default=None)
def record_failure(request, username):
    for key, _ in _keys(request, username):
        cache.set(key, [*_recent(key), _now()][-FAILURES_PER_CLIENT:], WINDOW)


@_tolerant(default=None)
def clear(request, username):
    cache.delete(_keys(request, username)[0][0])


def throttled_admin_login(login_view):
    """The admin's log-in under the same limits: a locked account cannot try its luck there instead."""

    def view(request, extra_context=None):
        username = request.POST.get("username", "") if request.method == "POST" else ""
        wait = seconds_locked(request, username) if request.method == "POST" else 0
        if wait:
            from django.template.response import TemplateResponse

            ctx = {"title": "Connexion", "throttle_message": wait_message(wait), "site_header": "Administration du hub"}
            return TemplateResponse(request, "admin/login_locked.html", ctx, status=429)
        response = login_view(request, extra_context)
        if request.method == "POST":
            if response.status_code == 302:
                clear(request, username)
            else:
                record_failure(request, username)
        return response

    return view


def wait_message(seconds):
    minutes = max(1, round(seconds / 60))
    return (
        "Trop de tentatives de connexion infructueuses\u00a0: par sécurité, réessayez dans "
        f"{minutes}\u00a0minute{'s' if minutes > 1 else ''}, ou réinitialisez votre mot de passe."
    )
