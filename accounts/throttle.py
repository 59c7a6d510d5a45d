"""Limits on password checks: they stop guessing without locking the owner out.

Counted in the database (``AttemptCount``), never in the cache: the limits hold while Redis is away, and each count
changes under a row lock, so parallel attempts cannot slip past a limit. An attempt is counted *before* the
password is checked (``begin``) and given back when it succeeds (``succeeded``): six parallel requests with four
failures behind them get one check, not six.

- One account from one address: from the 3rd failure, wait 30 s, then 60 s; at the 5th, 15 minutes.
- One address, whatever the accounts: 20 failures, 15 minutes.
- One account from everywhere: 50 failures (so from 3 addresses at least: one address alone never locks an
  account for everyone), 15 minutes, except for a browser this account already logged in from or reset its
  password in (a signed cookie): during a storm against an account, its owner still gets in.
- A password reset through the e-mail lifts every lock on the account.
- E-mails asked for (password reset, sign-up): 3 an hour to one e-mail address, 10 an hour from one network
  address, whether or not an account exists (the limits tell nothing about it).
- E-mails asked for by the rendez-vous' forms (registration, alert, letter): 6 an hour to one address, 30 an hour
  from one network address (an IPv6 /64), counted apart.
- Corrections proposed by readers on a fiche (no e-mail is sent): 10 an hour from one network address.

Django-axes was considered (README « Sécurité »): it applies one failure limit to all its parameter sets, has no
progressive wait and no exemption for the owner's browser.
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.text import normalise_email
from accounts.forms import login_username
from accounts.models import AttemptCount
from core.clients import client_address, client_group

MINUTE = datetime.timedelta(minutes=1)
KNOWN_COOKIE = "hub_connu"
KNOWN_SALT = "accounts.throttle.known-browser"
KNOWN_MAX_AGE = 400 * 24 * 60 * 60  # the longest browsers keep a cookie
KNOWN_ACCOUNTS = 5  # accounts remembered by one browser (a shared computer in an office)


@dataclass(frozen=True)
class Rule:
    kind: str
    limit: int  # failures that lock
    window: datetime.timedelta  # a count is forgotten this long after its last failure, and a lock lasts as long
    slow_from: int = 0  # from this many failures, wait SLOW_WAIT, doubled at each further one (0: never)
    spares_known_browsers: bool = False


SLOW_WAIT = datetime.timedelta(seconds=30)
PAIR = Rule("pair", limit=5, window=15 * MINUTE, slow_from=3)
ADDRESS = Rule("address", limit=20, window=15 * MINUTE)
ACCOUNT = Rule("account", limit=50, window=15 * MINUTE, spares_known_browsers=True)
MAIL_TO = Rule("mail-to", limit=3, window=60 * MINUTE)
MAIL_FROM = Rule("mail-from", limit=10, window=60 * MINUTE)
# The rendez-vous' forms (registration, alert, letter): a person may register for several events in an hour, so
# their own counts, apart from the account e-mails'.
RDV_TO = Rule("rdv-to", limit=6, window=60 * MINUTE)
RDV_FROM = Rule("rdv-from", limit=30, window=60 * MINUTE)
# Readers' corrections: enough for someone who reads closely, too few to flood the editors' list.
CORRECTION_FROM = Rule("correction-from", limit=10, window=60 * MINUTE)


def _now():
    return timezone.now()


def _hash(*parts):
    return salted_hmac("accounts.throttle", "\x1f".join(parts), algorithm="sha256").hexdigest()


def account_of(username):
    """The same account whether typed as e-mail or username, in any case, with spaces around."""
    return _hash("account", login_username(username or "").strip().lower())


def _login_entries(request, username):
    account, address = account_of(username), client_address(request)
    entries = [(_hash("pair", account, address), account, PAIR), (_hash("address", address), "", ADDRESS)]
    if account not in _known_accounts(request):
        entries.append((_hash("account", account), account, ACCOUNT))
    return entries


def _wait(rule, row, now):
    if row.expires_at <= now:
        return 0.0
    if row.count >= rule.limit:
        return (row.expires_at - now).total_seconds()
    if rule.slow_from and row.count >= rule.slow_from:
        pause = SLOW_WAIT * 2 ** (row.count - rule.slow_from)
        return max(0.0, (row.last_at + pause - now).total_seconds())
    return 0.0


def _reserve(entries):
    """Seconds to wait before trying (nothing counted then), or 0 once the attempt is counted under every key."""
    now = _now()
    keys = sorted({key for key, _, _ in entries})
    with transaction.atomic():
        rows = _locked_rows(entries, keys, now)
        wait = max(_wait(rule, rows[key], now) for key, _, rule in entries)
        if wait > 0:
            return wait
        for key, _, rule in entries:
            row = rows[key]
            row.count = 1 if row.expires_at <= now else row.count + 1
            row.last_at, row.expires_at = now, now + rule.window
        AttemptCount.objects.bulk_update([rows[key] for key in keys], ["count", "last_at", "expires_at"])
    return 0.0


def _locked_rows(entries, keys, now):
    """Every key's row, created when missing, locked in key order (two attempts sharing keys cannot wait for each
    other). A row the daily purge deletes between the insertion and the lock is created again."""
    for _ in range(5):
        AttemptCount.objects.bulk_create(
            sorted((AttemptCount(key=key, account=account, last_at=now, expires_at=now)
                    for key, account, _ in entries), key=lambda row: row.key),
            ignore_conflicts=True,
        )
        rows = {row.key: row for row in AttemptCount.objects.select_for_update().filter(key__in=keys).order_by("key")}
        if len(rows) == len(keys):
            return rows
    raise RuntimeError("Compteurs d’échecs introuvables après cinq essais")


def begin(request, username):
    """Before checking a password: seconds to wait (then check nothing), or 0 (the attempt now counts as a failure
    until ``succeeded``)."""
    return _reserve(_login_entries(request, username))


def succeeded(request, username):
    """The password was right: its pair's count is cleared, the others get the attempt back."""
    entries = _login_entries(request, username)
    _release([key for key, _, _ in entries], cleared=entries[0][0])


def not_checked(request, username):
    """No password was checked after all (a field left empty): the attempt is given back, nothing is cleared."""
    _release([key for key, _, _ in _login_entries(request, username)])


def _release(keys, cleared=None):
    # The rows are locked in key order first, as _reserve locks them, and only those rows are written afterwards
    # (a later statement could otherwise see, and lock out of order, a row inserted meanwhile): concurrent attempts
    # never wait for each other in a circle. A cleared count is set to zero, not deleted: a deletion would make
    # the attempts waiting on it insert the row again.
    with transaction.atomic():
        locked = list(AttemptCount.objects.select_for_update().filter(key__in=keys).order_by("key")
                      .values_list("key", flat=True))
        if cleared in locked:
            AttemptCount.objects.filter(key=cleared).update(count=0, expires_at=_now())
        AttemptCount.objects.filter(key__in=[key for key in locked if key != cleared], count__gt=0).update(
            count=F("count") - 1
        )


def lift(username):
    """A new password set through the reset e-mail: every lock on the account goes."""
    with transaction.atomic():
        keys = list(AttemptCount.objects.select_for_update().filter(account=account_of(username))
                    .order_by("key").values_list("key", flat=True))
        AttemptCount.objects.filter(key__in=keys).update(count=0, expires_at=_now())


def begin_email_request(request, email):
    """Before queuing an e-mail someone asked for (reset, sign-up): seconds to wait, or 0 (counted)."""
    entries = [(_hash("mail-to", normalise_email(email)), "", MAIL_TO),
               (_hash("mail-from", client_address(request)), "", MAIL_FROM)]
    return _reserve(entries)


def begin_rendezvous_request(request, email):
    """Before queuing an e-mail a rendez-vous form asked for (registration, alert, letter): seconds to wait, or 0
    (counted). Counted whether the address is known or not: the limit tells nothing about it."""
    entries = [(_hash("rdv-to", normalise_email(email)), "", RDV_TO),
               (_hash("rdv-from", client_group(request)), "", RDV_FROM)]
    return _reserve(entries)


def begin_correction(request):
    """Before storing a reader's correction: seconds to wait, or 0 (counted), per network address."""
    return _reserve([(_hash("correction-from", client_group(request)), "", CORRECTION_FROM)])


TOO_MANY_CORRECTIONS = "corrections envoyées depuis votre connexion"


def purge():
    """Forget the counts nobody needs any more (manage.py purge_attempts); returns how many."""
    return AttemptCount.objects.filter(expires_at__lte=_now()).delete()[0]


def _known_accounts(request):
    try:
        known = signing.loads(request.COOKIES.get(KNOWN_COOKIE, ""), salt=KNOWN_SALT, max_age=KNOWN_MAX_AGE)
    except signing.BadSignature:
        return []
    return [value for value in known if isinstance(value, str)] if isinstance(known, list) else []


def remember_browser(request, response, username):
    """This browser logged in to (or reset the password of) this account: a storm against the account from
    elsewhere will not lock it out."""
    account = account_of(username)
    known = [account, *[value for value in _known_accounts(request) if value != account]][:KNOWN_ACCOUNTS]
    response.set_cookie(
        KNOWN_COOKIE, signing.dumps(known, salt=KNOWN_SALT), max_age=KNOWN_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )


def throttled_admin_login(login_view):
    """The admin's log-in under the same limits: a locked account cannot try its luck there instead."""

    def view(request, extra_context=None):
        if request.method != "POST":
            return login_view(request, extra_context)
        username = request.POST.get("username", "")
        wait = begin(request, username)
        if wait:
            ctx = {"title": "Connexion", "throttle_message": wait_message(wait), "site_header": "Administration du hub"}
            return TemplateResponse(request, "admin/login_locked.html", ctx, status=429)
        response = login_view(request, extra_context)
        if response.status_code == 302:
            succeeded(request, username)
            remember_browser(request, response, username)
        return response

    return view


TOO_MANY_EMAILS = "demandes d’e-mail pour cette adresse ou depuis votre connexion"


RESET_WAY_OUT = "réinitialisez votre mot de passe"


def wait_message(seconds, tried="tentatives de connexion infructueuses", *, way_out=RESET_WAY_OUT):
    """« Trop de … : par sécurité, réessayez dans …, ou <way_out>. » (no way out when ``way_out`` is empty)."""
    # Rounded up: a wait announced too short would be refused again.
    if seconds < 60:
        count = max(1, math.ceil(seconds))
        delay = f"{count}\u00a0seconde{'s' if count > 1 else ''}"
    else:
        count = max(1, math.ceil(seconds / 60))
        delay = f"{count}\u00a0minute{'s' if count > 1 else ''}"
    hint = f", ou {way_out}" if way_out else ""
    return f"Trop de {tried}\u00a0: par sécurité, réessayez dans {delay}{hint}."
