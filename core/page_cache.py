"""Whole-page cache for the anonymous content pages, dropped the moment staff change content.

Every stored page carries the *content version* it was rendered under; the version is one cache key that any
save or deletion of content replaces (signals connected in ``resources.apps``, once at the save and once at
its commit; bulk changes call ``bump_content_version`` themselves). A page is served from the cache only when
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
``content_cached``, under the same version, rendered without the request.
"""

import functools
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_started
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode

logger = logging.getLogger(__name__)

VERSION_KEY = "content-version"
# Cookies whose presence means the page may differ for this browser.
PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")
CONTENT_APPS = {"resources", "taggit"}
CONTENT_MODELS = {"parcours.parcours", "parcours.step"}


def is_content_model(model):
    """Content that cached pages show: the référentiel, the fiches and their tags, the parcours and steps.
    People's own rows (progress, notes, saved fiches, diagnostics, sessions) are not content."""
    owner = model._meta.auto_created or model  # an m2m table belongs to the model that declares it
    return owner._meta.app_label in CONTENT_APPS or owner._meta.label_lower in CONTENT_MODELS


def bump_content_version(**_signal_kwargs):
    """Make every cached page stale now (the change is visible to this connection) and again once it is
    committed: a page rendered elsewhere while the change's transaction was still open shows the old content,
    and must not outlive it. Outside a transaction the second bump runs at once."""
    _new_version()
    transaction.on_commit(_new_version)


def _new_version():
    """A new random version: two servers bumping at once cannot collide."""
    version = uuid.uuid4().hex
    _remember(version)
    try:
        cache.set(VERSION_KEY, version, None)
    except Exception:  # the cache being down must not block an edit; pages expire on their own
        logger.exception("Version des contenus non mise à jour dans le cache")


def content_version():
    """The current version (read once per request, as the caches read it), or None when the cache cannot be
    read."""
    try:
        return _current_version()
    except Exception:
        return None


def bump_on_content_change(sender, **kwargs):
    bump_content_version()


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


def _page_name(request):
    # The catalogue's script asks for the results alone (X-Hub-Partial): not the same page.
    return f"page:{request.get_host()}{request.path}|{request.headers.get('X-Hub-Partial', '')}"


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


# The version read by this thread during the current request: a page that takes several entries from the cache
# asks for it once. Forgotten when the next request starts, and after a second outside requests.
_seen = threading.local()
SEEN_FOR = 1.0


def forget_seen_version(**_signal_kwargs):
    _seen.version = None


request_started.connect(forget_seen_version, dispatch_uid="page-cache-forget-version")


def _remember(version):
    _seen.version, _seen.at = version, time.monotonic()
    return version


def _current_version():
    version = getattr(_seen, "version", None)
    if version is not None and time.monotonic() - _seen.at < SEEN_FOR:
        return version
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(VERSION_KEY, version, None):  # another server set one first: use theirs
            version = cache.get(VERSION_KEY, version)
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


def canonical_query(request):
    """The query string with its parameters in a fixed order: « ?a=1&b=2 » and « ?b=2&a=1 » share an entry.
    The values of a repeated parameter keep their order (the last one may be the one that counts)."""
    return urlencode(sorted(((name, value) for name, values in request.GET.lists() for value in values),
                            key=lambda pair: pair[0]))


def content_cached(name, build, keep=None):
    """A value built from content alone, the same for every visitor (objects, an HTML fragment), kept in the
    cache under the content version like the pages. ``build`` may return None: nothing is kept then (an
    unknown address must not fill the cache), or ``keep(value)`` may say no. The objects returned are shared
    with this process's later requests: read them, never change them."""
    if settings.HUB_PAGE_CACHE_SECONDS <= 0:
        return build()
    key = "content:" + hashlib.sha256(name.encode()).hexdigest()
    try:
        version, entry = _read(key)
    except Exception:
        logger.exception("Cache des contenus indisponible")
        return build()
    if entry is not None:
        return entry[1]
    value = build()
    if value is not None and (keep is None or keep(value)):
        try:
            _store(key, (version, value))
        except Exception:
            logger.exception("Contenu non mis en cache")
    return value


def shared_page(view):
    """Serve this view's anonymous responses from the shared cache (see the module's docstring): a whole page
    is one more value of ``content_cached``, kept only when nothing personal went into it."""

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

        page = content_cached(_page_name(request), build, keep=offered)
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
