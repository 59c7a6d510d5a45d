"""The content cache: values built from content alone, and whole anonymous pages, dropped the moment content changes.

One API: ``cached(kind, *values, build=…)`` keeps what ``build()`` returns under a key made of its kind and the
values it depends on (never a request); ``shared_page`` keeps a whole anonymous page the same way.

Every stored value carries the *content version* it was built under; the version is one cache key that any
change of content replaces. Content models are declared once: their default manager is built on
``ContentQuerySet`` (whose bulk writes, which send no signal, bump the version themselves), or, for a library's
models, ``declare_content``; their saves, deletions and many-to-many changes bump it through signals, once at the
change and once at its commit. A page is served from the cache only when
its version is the current one, so an edit in the admin shows on the next request, on every app server
sharing the cache. A hit asks the shared cache for the version only when this process still holds the page
(``recent``), for the page too otherwise.

Only a request that can carry nothing personal is answered from the cache, and only a response that holds
nothing personal is stored:
- the request: GET, no query string, no session or messages cookie (so not logged in, no visitor progress);
- the response: 200, no cookie set, no CSRF token used (a form would be bound to one visitor), no session
  written and no message added (their cookies are set after the view).
Pages built from a person's data (parcours progress, « Mon espace », diagnostics, the fiche page and its
« Sauvegarder » button) are never decorated; the parts of them that are the same for everyone go through
``cached``, under the same version, rendered without the request.

What a visitor can make up is bounded, so that anonymous requests cannot fill the shared cache: a key holds only
the values a page reads (the catalogue keeps only its own parameters, ``shared_page`` only whether the results
alone were asked for: ``X-Hub-Partial: 1``), and what anyone can vary without end (a filter combination, a search,
a host name with a port) is stored within a budget per visitor (``client``): HUB_CACHE_ENTRIES_PER_CLIENT new
entries per HUB_PAGE_CACHE_SECONDS, after which their pages are still served, not stored.

Per-process copies (this module's recent entries, the facet index, the search lexicon) register their reset with
``process_cache``; ``reset_process_caches()`` forgets them all.
"""

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.db import DatabaseError, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils import timezone
from django.utils.http import urlencode

from core.clients import client_group
from core.redis_cache import CacheUnavailable

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
# Cookies whose presence means the page may differ for this browser.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
# Sent by static/js/catalogue.js to ask for the results alone; « 1 » is its only value (any other is ignored).
PARTIAL_HEADER = "X-Hub-Partial"
BUDGET_KEY = "content-budget:"
_declared = set()
_process_resets = []
_schedules = []
# How long a version lives when the schedule of publications was not read (see _new_version).
UNKNOWN_SCHEDULE_SECONDS = 60


class ContentQuerySet(models.QuerySet):
    """The queryset of every content model (what cached pages show: the référentiel, the fiches, the parcours).

    People's own rows (progress, notes, saved fiches, diagnostics, sessions) are not content. Saves and
    deletions of single rows bump the version through signals; the bulk writes below send none, so they bump it
    themselves once they have changed something.
    """

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        if rows:
            bump_content_version()
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            bump_content_version()
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        if rows:
            bump_content_version()
        return rows

    def delete(self):
        deleted = super().delete()
        if deleted[0]:
            bump_content_version()
        return deleted

    update.alters_data = bulk_create.alters_data = bulk_update.alters_data = delete.alters_data = True
    delete.queryset_only = True


def detached_copy(instance):
    """A fresh instance of the same row, sharing no cache with ``instance``: relations prefetched on it to render
    a fragment never travel into the cache with ``instance``."""
    names = [field.attname for field in instance._meta.concrete_fields]
    return type(instance).from_db(None, names, [getattr(instance, name) for name in names])


def declare_content(*content_models):
    """Content models whose manager is a library's (taggit's tags): declared here, watched like the others."""
    for model in content_models:
        _declared.add(model)
        _watch(model)


def is_content_model(model):
    owner = model._meta.auto_created or model  # an m2m table belongs to the model that declares it
    return owner in _declared or isinstance(owner._default_manager.get_queryset(), ContentQuerySet)


def watch_content_models():
    """Connect the version bump to every content model's saves, deletions and many-to-many changes (at start-up,
    from core.apps). Content models only: a receiver on every model would deny Django its fast deletes."""
    for model in apps.get_models(include_auto_created=True):
        if is_content_model(model):
            _watch(model)


def _watch(model):
    uid = model._meta.label_lower
    post_save.connect(bump_on_content_change, sender=model, dispatch_uid=f"content-cache-save-{uid}")
    post_delete.connect(bump_on_content_change, sender=model, dispatch_uid=f"content-cache-delete-{uid}")
    m2m_changed.connect(bump_on_content_change, sender=model, dispatch_uid=f"content-cache-m2m-{uid}")


def process_cache(reset):
    """Register the reset of a per-process copy of content (kept only where a measurement justified it)."""
    _process_resets.append(reset)
    return reset


def kept_per_content_version(build):
    """``build`` made into a function that keeps its result in this process until the content version changes (staff
    saved some content): for the small tables a page reads whatever its parameters. Built again at each call when
    the version cannot be read."""
    kept = {}
    process_cache(kept.clear)

    @functools.wraps(build)
    def current():
        version = content_version()
        if version is not None and kept.get("version") == version:
            return kept["value"]
        value = build()
        if version is not None:
            kept.update(version=version, value=value)
        return value

    return current


def reset_process_caches():
    """Forget every per-process copy at once (tests; a process that must start afresh)."""
    for reset in _process_resets:
        reset()


def scheduled_content(next_change):
    """Register ``next_change(now)``: the next moment after ``now`` some content appears or disappears by its dates
    alone (a fiche or an event scheduled ahead, or withdrawn at a date), or None. The version expires at the
    earliest of them (see ``_new_version``), so a page cached before that moment is not served after it."""
    _schedules.append(next_change)
    return next_change


def bump_content_version(**_signal_kwargs):
    """Make every cached page stale now (the change is visible to this connection) and again once it is
    committed: a page rendered elsewhere while the change's transaction was still open shows the old content,
    and must not outlive it. Outside a transaction the second bump runs at once. The first bump does not read the
    schedule (the open transaction may still change it): its version lives at most a minute; the second reads it."""
    _read_schedule.deadline = _UNREAD  # changed content: the schedule is read again after the commit
    _new_version(read_schedule=False)
    transaction.on_commit(_committed_version)


# The schedule read after a commit, kept until this thread changes content again: a commit of many rows (a
# content load, a restore) runs one callback per row, all reading the same committed schedule.
_read_schedule = threading.local()
_UNREAD = object()


def _committed_version():
    deadline = getattr(_read_schedule, "deadline", _UNREAD)
    if deadline is _UNREAD:
        deadline = _read_schedule.deadline = _next_scheduled_change()
    _new_version(deadline=deadline)


def _next_scheduled_change():
    """The deadline of a new version: the next scheduled appearance or withdrawal, as a timestamp, or None when
    nothing is scheduled. If the schedule cannot be read, a minute from now (the version then expires and the next
    request reads it)."""
    now = timezone.now()
    try:
        moments = [moment for next_change in _schedules if (moment := next_change(now)) is not None]
    except DatabaseError:
        logger.warning("Calendrier des publications illisible : version des contenus valable une minute")
        return now.timestamp() + UNKNOWN_SCHEDULE_SECONDS
    return min(moments).timestamp() if moments else None


def _new_version(read_schedule=True, deadline=_UNREAD):
    """A new random version: two servers bumping at once cannot collide. It carries its deadline (« hex@time »):
    the moment scheduled content appears or disappears, when any page built under it becomes wrong (read now, or
    given as ``deadline``)."""
    if deadline is _UNREAD:
        deadline = (_next_scheduled_change() if read_schedule
                    else timezone.now().timestamp() + UNKNOWN_SCHEDULE_SECONDS)
    version = uuid.uuid4().hex + ("" if deadline is None else f"@{deadline:.3f}")
    _remember(version)
    try:
        cache.set(VERSION_KEY, version, None)
    except Exception as error:  # the cache being down must not block an edit; pages expire on their own
        _failed(error, "Version des contenus non mise à jour dans le cache")


def _failed(error, message):
    """An outage is logged once by the cache's breaker (core.redis_cache), not on every request; any other error
    with its traceback."""
    if isinstance(error, CacheUnavailable):
        logger.debug("%s : %s", message, error)
    else:
        logger.exception(message)


def content_version():
    """The current version (read once per request, as the caches read it), or None when the cache cannot be
    read."""
    try:
        return _current_version()
    except Exception:
        return None


def bump_on_content_change(sender, **kwargs):
    bump_content_version()


def wants_partial(request):
    """Whether the catalogue's script asked for the results alone: the one value of the header a page reads."""
    return request.headers.get(PARTIAL_HEADER) == "1"


def _cacheable_request(request):
    return (
        request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and not any(name in request.COOKIES for name in PERSONAL_COOKIES)
    )


def _storable_response(request, response):
    # Cookies are set by the middleware after the view: what will set them is checked at the source.
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not getattr(getattr(request, "_messages", None), "added_new", False)
    )




class _RecentEntries:
    """This process's copy of the entries it served last, so that a hit asks the shared cache for the version
    only (a few bytes) rather than for the whole page again. Always checked against the shared version: a copy
    from an older version is never used."""

    def __init__(self, size):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, version):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != version:
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self):
        with self.lock:
            self.entries.clear()


recent = _RecentEntries(size=256)
process_cache(recent.clear)


# The version read by this thread during the current request: a page that takes several entries from the cache
# asks for it once. Forgotten when the next request starts, and after a second outside requests.
_seen = threading.local()
SEEN_FOR = 1.0


def forget_seen_version(**_signal_kwargs):
    _seen.version = None


request_started.connect(forget_seen_version, dispatch_uid="page-cache-forget-version")
process_cache(forget_seen_version)


def _remember(version):
    _seen.version, _seen.at = version, time.monotonic()
    return version


def _expired(version):
    """Whether scheduled content appeared or disappeared since ``version`` was made (its deadline passed)."""
    _, _, deadline = version.partition("@")
    return bool(deadline) and timezone.now().timestamp() >= float(deadline)


def _current_version():
    version = getattr(_seen, "version", None)
    if version is not None and time.monotonic() - _seen.at < SEEN_FOR and not _expired(version):
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        # A cache started empty: the schedule is not read on a page request (its queries are counted), so this
        # version lives a minute, and the one after it carries the schedule's deadline.
        version = f"{uuid.uuid4().hex}@{timezone.now().timestamp() + UNKNOWN_SCHEDULE_SECONDS:.3f}"
        if not cache.add(VERSION_KEY, version, None):  # another server set one first: use theirs
            version = cache.get(VERSION_KEY, version)
    if _expired(version):
        # Servers that see it at the same time each make one: a few extra misses, never a stale page.
        _new_version()
        return _seen.version
    return _remember(version)


def _read(key):
    """(current version, entry stored under it or None): from this process's recent copies when it has the
    current one (one small round trip), else from the shared cache (two)."""
    version = _current_version()
    entry = recent.get(key, version)
    if entry is None:
        entry = cache.get(key)
        if entry is None or entry[0] != version:
            return version, None
        recent.put(key, entry)
    return version, entry


def _store(key, entry):
    cache.set(key, entry, settings.HUB_PAGE_CACHE_SECONDS)
    recent.put(key, entry)


def canonical_query(params):
    """A QueryDict's parameters in a fixed order: « ?a=1&b=2 » and « ?b=2&a=1 » share an entry.
    The values of a repeated parameter keep their order (the last one may be the one that counts)."""
    return urlencode(sorted(((name, value) for name, values in params.lists() for value in values),
                            key=lambda pair: pair[0]))


def cache_key(kind, *values):
    """The key of a value of this kind built from these values (strings, numbers, booleans)."""
    return f"content:{kind}:" + hashlib.sha256(repr(values).encode()).hexdigest()


def _within_budget(client):
    """Whether ``client`` (a visitor, core.clients.client_group; None for no budget) may add one more entry: its
    new entries are counted in the shared cache, atomically (add, then incr), for HUB_PAGE_CACHE_SECONDS, which is
    also how long they live, so one visitor holds at most about twice its budget at any time. A count that cannot
    be kept says no: the store that would follow could not be made either."""
    if client is None:
        return True
    key, lifetime = BUDGET_KEY + hashlib.sha256(client.encode()).hexdigest(), settings.HUB_PAGE_CACHE_SECONDS
    try:
        if cache.add(key, 1, lifetime):
            count = 1
        else:
            count = cache.incr(key)
            if count == 1:  # Redis' INCR restarted a count that expired since add(), with no lifetime: give it one
                cache.touch(key, lifetime)
    except ValueError:  # the count expired between add() and incr(): this one entry is not stored
        return False
    except Exception as error:  # the cache failing after the read: not stored, the page is served all the same
        _failed(error, "Nouvelles entrées du visiteur non comptées : contenu non mis en cache")
        return False
    return count <= settings.HUB_CACHE_ENTRIES_PER_CLIENT


def cached(kind, *values, build, keep=None, client=None):
    """What ``build()`` returns, built from content and ``values`` alone, the same for every visitor (objects, an
    HTML fragment), kept in the cache under the content version like the pages. ``build`` may return None:
    nothing is kept then (an unknown address must not fill the cache), or ``keep(value)`` may say no. The
    objects returned are shared with this process's later requests: read them, never change them.
    When anyone can make up ``values`` (a query, a search), ``client`` is who asked (core.clients.client_group):
    past its budget of new entries, the value is built and returned but not kept."""
    if settings.HUB_PAGE_CACHE_SECONDS <= 0:
        return build()
    key = cache_key(kind, *values)
    try:
        version, entry = _read(key)
    except Exception as error:
        _failed(error, "Cache des contenus indisponible")
        return build()
    if entry is not None:
        return entry[1]
    value = build()
    if value is not None and (keep is None or keep(value)) and _within_budget(client):
        try:
            _store(key, (version, value))
        except Exception as error:
            _failed(error, "Contenu non mis en cache")
    return value


# Fragments of personal pages, kept by this process only (see ``remembered``).
fragments = _RecentEntries(size=1024)
process_cache(fragments.clear)


# Whole personal pages with the person's own values left as slots (core/personal_pages.py): fewer, and larger.
page_skeletons = _RecentEntries(size=256)
process_cache(page_skeletons.clear)


def remembered(kind, *values, build, store=fragments):
    """What ``build()`` returns (an HTML fragment of a personal page), built from content and ``values`` alone,
    kept by this process under the content version, never in the shared cache: the values are a person's state
    (the statuses of a parcours' steps), too many combinations to share, yet the same for most people at a time.
    Its values must say everything the fragment shows that is not content."""
    if settings.HUB_PAGE_CACHE_SECONDS <= 0:
        return build()
    try:
        version = _current_version()
    except Exception as error:
        _failed(error, "Cache des contenus indisponible")
        return build()
    key = cache_key(kind, *values)
    entry = store.get(key, version)
    if entry is None:
        entry = (version, build())
        store.put(key, entry)
    return entry[1]


def shared_page(view):
    """Serve this view's anonymous responses from the shared cache (see the module's docstring): a whole page
    is one more value of ``cached``, kept only when nothing personal went into it."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        rendered = {}

        def build():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            rendered["response"] = response
            if not _storable_response(request, response):
                return None
            vary = [part.strip() for part in response.get("Vary", "").split(",") if part.strip()]
            return response["Content-Type"], vary, response.content

        def offered(_page):
            rendered["offered"] = True
            return True

        # The catalogue's script asks for the results alone (X-Hub-Partial: 1): not the same page; any other value
        # of the header is the full page, and the same entry. A host name listed as such in ALLOWED_HOSTS is one
        # of a few; another one that Django accepts (a port added, a subdomain of a « .example.org ») can be
        # varied without end: its pages count against the visitor's budget.
        host = request.get_host()
        page = cached("page", host, request.path, wants_partial(request), build=build, keep=offered,
                      client=None if host in settings.ALLOWED_HOSTS else client_group(request))
        response = rendered.get("response")
        if response is None:  # served from the cache
            content_type, vary, content = page
            response = HttpResponse(content, content_type=content_type)
            # What the rendered page varied on (X-Hub-Partial…), and Cookie: a logged-in person gets another page.
            patch_vary_headers(response, [*vary, "Cookie"])
            response["X-Hub-Cache"] = "hit"
        elif rendered.get("offered"):
            response["X-Hub-Cache"] = "miss"
            patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
