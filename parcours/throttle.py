"""Log-in throttling: after too many failures for one address (or from one network address), wait.

Counts live in Django's cache, shared by every app server once the cache is (Redis in production).
Only failures count; a successful log-in clears the address's count.
"""

import hashlib
import time

from django.core.cache import cache

FAILURES_PER_ACCOUNT = 5
FAILURES_PER_CLIENT = 20  # one network address trying many accounts
WINDOW = 15 * 60  # seconds: failures older than this are forgotten, and a lock lasts this long


def _now():
    return time.time()


def _keys(request, username):
    account = hashlib.sha256((username or "").strip().lower().encode()).hexdigest()
    client = request.META.get("REMOTE_ADDR", "")
    return [(f"login-fail:account:{account}", FAILURES_PER_ACCOUNT), (f"login-fail:client:{client}", FAILURES_PER_CLIENT)]


def _recent(key):
    now = _now()
    return [moment for moment in cache.get(key, []) if now - moment < WINDOW]


def seconds_locked(request, username):
    """How long this log-in must still wait (0 when it may try)."""
    waits = []
    for key, limit in _keys(request, username):
        failures = _recent(key)
        if len(failures) >= limit:
            waits.append(WINDOW - (_now() - failures[-limit]))
    return max(waits, default=0)


def record_failure(request, username):
    for key, _ in _keys(request, username):
        cache.set(key, [*_recent(key), _now()][-FAILURES_PER_CLIENT:], WINDOW)


def clear(request, username):
    cache.delete(_keys(request, username)[0][0])


def wait_message(seconds):
    minutes = max(1, round(seconds / 60))
    return (
        "Trop de tentatives de connexion infructueuses\u00a0: par sécurité, réessayez dans "
        f"{minutes}\u00a0minute{'s' if minutes > 1 else ''}, ou réinitialisez votre mot de passe."
    )
