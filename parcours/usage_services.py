"""Writes of « Par où commencer ? »: the counts staff read (no personal data) and the paths people keep.

A person keeps a path in their account; a visitor keeps it in their session, and it joins the account at sign-up
or log-in (``kept_paths_merge_session``), as parcours progress does. Views ask ``kept_paths_for(request)`` and never
care which one they got.
"""

import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from parcours.models import KeptUsagePath, UsageFirstOpenCount, UsagePathCount

SESSION_KEY = "hub_usage_paths"
MAX_KEPT = 12  # per person: a list one can still read in « Mon espace », and a bounded session
KEY_LENGTH = 12


def _month():
    return timezone.localdate().replace(day=1)


def _increment(model, **fields):
    """One more in the row of ``fields`` (created at zero if new): two queries, safe under concurrency."""
    model.objects.bulk_create([model(**fields, count=0)], ignore_conflicts=True)
    model.objects.filter(**fields).update(count=F("count") + 1)


def count_path_shown(answers):
    _increment(UsagePathCount, month=_month(), profile=answers.profile, aim=answers.aim,
               maturity=answers.maturity, time=answers.time)


def count_first_item_opened(key):
    _increment(UsageFirstOpenCount, month=_month(), item=key)


def new_key():
    return secrets.token_hex(KEY_LENGTH // 2)


def is_key(value):
    return isinstance(value, str) and len(value) == KEY_LENGTH and all(c in "0123456789abcdef" for c in value)


def _done_list(done):
    return [key for key in done if isinstance(key, str) and len(key) <= 40][:50] if isinstance(done, list) else []


class TooMany(Exception):
    """The person already keeps MAX_KEPT paths."""


class AccountPaths:
    is_anonymous = False

    def __init__(self, user):
        self.user = user

    def all(self):
        return list(KeptUsagePath.objects.filter(user=self.user).values("key", "query", "entries", "done", "kept_at"))

    def get(self, key):
        if not is_key(key):
            return None
        return KeptUsagePath.objects.filter(user=self.user, key=key).values(
            "key", "query", "entries", "done", "kept_at").first()

    def find(self, query):
        """The kept path of these answers ({key, done}), or None."""
        return KeptUsagePath.objects.filter(user=self.user, query=query).values("key", "done").first()

    @transaction.atomic
    def keep(self, query, entries):
        """The key of the kept path for these answers: the one already kept, or a new one."""
        if existing := self.find(query):
            return existing["key"]
        if KeptUsagePath.objects.filter(user=self.user).count() >= MAX_KEPT:
            raise TooMany
        KeptUsagePath.objects.bulk_create(
            [KeptUsagePath(user=self.user, key=new_key(), query=query, entries=entries)], ignore_conflicts=True)
        return self.find(query)["key"]  # ours, or the one a concurrent request kept first

    @transaction.atomic
    def set_done(self, key, item, done):
        row = KeptUsagePath.objects.select_for_update().filter(user=self.user, key=key).first()
        if row is None:
            return False
        marked = [k for k in _done_list(row.done) if k != item]
        row.done = [*marked, item] if done else marked
        row.save(update_fields=["done", "updated_at"])
        return True

    def remove(self, key):
        return KeptUsagePath.objects.filter(user=self.user, key=key).delete()[0] > 0


class SessionPaths:
    """The same verbs over the visitor's session: a list of {key, query, entries, done, kept_at} (JSON)."""

    is_anonymous = True

    def __init__(self, session):
        self.session = session

    def _rows(self):
        rows = self.session.get(SESSION_KEY)
        return [row for row in rows if isinstance(row, dict) and is_key(row.get("key"))] if isinstance(rows, list) else []

    def _write(self, rows):
        self.session[SESSION_KEY] = rows

    def all(self):
        return [{**row, "kept_at": _parse(row.get("kept_at"))} for row in self._rows()]

    def get(self, key):
        return next((row for row in self.all() if row["key"] == key), None) if is_key(key) else None

    def find(self, query):
        return next(({"key": row["key"], "done": _done_list(row.get("done"))} for row in self._rows()
                     if row.get("query") == query), None)

    def keep(self, query, entries):
        if existing := self.find(query):
            return existing["key"]
        rows = self._rows()
        if len(rows) >= MAX_KEPT:
            raise TooMany
        key = new_key()
        self._write([{"key": key, "query": query, "entries": entries, "done": [],
                      "kept_at": timezone.now().isoformat()}, *rows])
        return key

    def set_done(self, key, item, done):
        rows = self._rows()
        row = next((row for row in rows if row["key"] == key), None)
        if row is None:
            return False
        marked = [k for k in _done_list(row.get("done")) if k != item]
        row["done"] = [*marked, item] if done else marked
        self._write(rows)
        return True

    def remove(self, key):
        rows = self._rows()
        kept = [row for row in rows if row["key"] != key]
        self._write(kept)
        return len(kept) < len(rows)


def _parse(value):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    return parsed if parsed is not None and timezone.is_aware(parsed) else None


def kept_paths_for(request):
    if request.user.is_authenticated:
        return AccountPaths(request.user)
    return SessionPaths(request.session)


@transaction.atomic
def kept_paths_merge_session(*, user, data):
    """Fold a visitor's kept paths into an account: a path the account already keeps (same answers) gains the
    visitor's done items; the others are added, up to MAX_KEPT. Returns the number of paths added."""
    if not isinstance(data, list):
        return 0
    rows = [row for row in data if isinstance(row, dict) and isinstance(row.get("query"), str)
            and len(row["query"]) <= 300 and isinstance(row.get("entries"), list)]
    existing = {path.query: path for path in KeptUsagePath.objects.select_for_update().filter(user=user)}
    keys = {path.key for path in existing.values()}
    added = []
    for row in rows:
        done = _done_list(row.get("done"))
        if row["query"] in existing:
            path = existing[row["query"]]
            path.done = [*_done_list(path.done), *(k for k in done if k not in path.done)]
            path.save(update_fields=["done", "updated_at"])
        elif len(existing) + len(added) < MAX_KEPT and row["query"] not in {p.query for p in added}:
            # The visitor's key stays: the page they signed up from is still theirs after the log-in.
            key = row["key"] if is_key(row.get("key")) and row["key"] not in keys else new_key()
            keys.add(key)
            added.append(KeptUsagePath(user=user, key=key, query=row["query"], entries=row["entries"], done=done))
    KeptUsagePath.objects.bulk_create(added, ignore_conflicts=True)
    return len(added)
