"""Whose diagnostic is it: an account's, or a browser's without one.

A browser's diagnostics belong to a ``Visitor`` row whose key is a hash of the session key: every tab of the
browser sends the same session cookie, so parallel requests all find the same owner, and nothing about ownership
is written into the session (a list of ids kept there lost entries when two requests saved it at once, and each
request counted the list it had read: 25 parallel posts made 25 diagnostics and left 5 unreachable). The table
holds no session key, and a hash of 32 random characters cannot be turned back into one; no secret goes into
it, so rotating SECRET_KEY leaves every browser its diagnostics. The session key changes at log-in, which
claims the visitor of the key the browser came with (its cookie), and at log-out, after which the browser
starts afresh.
"""

import hashlib

from django.conf import settings
from django.db.models import Q

from diagnostic.models import Organisation

# Before visitors had a row, the ids of their diagnostics were listed in the session under this key. Those
# lists are still honoured for diagnostics created then (visitor empty) until such sessions have expired; the
# next creation or the log-in moves them to the visitor or the account.
SESSION_KEY = "hub_diagnostics"
VISITOR_SALT = "diagnostic.ownership.visitor"


def session_ids(session):
    """The ids of an old-style session list; anything but a list of plain integers counts as none."""
    ids = session.get(SESSION_KEY)
    return [pk for pk in ids if type(pk) is int] if isinstance(ids, list) else []


def _key_of(session_key):
    return hashlib.sha256(f"{VISITOR_SALT}:{session_key}".encode()).hexdigest()


def visitor_key(session, *, create=False):
    """This browser's visitor key; "" when it has no session, unless ``create`` starts one.

    The session is loaded first: a cookie naming a session the store does not know (expired, made up) is the
    browser's claim, not a proof, and loading drops it.
    """
    session.keys()
    if session.session_key is None and create:
        session.create()
    return _key_of(session.session_key) if session.session_key else ""


def visitor_key_at_login(request):
    """The visitor key of the session the browser came with: when ``user_logged_in`` is sent, login() has already
    given the session a new key, so the old one is read from the cookie the request carried."""
    cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    return _key_of(cookie) if cookie and len(cookie) <= 64 and cookie.isascii() and cookie.isalnum() else ""


def organisations_for(request):
    """The organisations this person may see: theirs, the spaces they are a member of, or those created in this
    browser without an account (never a space: its owners are empty too)."""
    if request.user.is_authenticated:
        return Organisation.objects.filter(Q(user=request.user) | Q(is_space=True, memberships__user=request.user))
    key = visitor_key(request.session)
    mine = Q(visitor__key=key) if key else Q(pk__in=[])
    legacy = Q(pk__in=session_ids(request.session), visitor__isnull=True)
    return Organisation.objects.filter(mine | legacy, user__isnull=True, is_space=False)


