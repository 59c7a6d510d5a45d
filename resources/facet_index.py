"""Facet counts from bitmaps, the way search engines count facets.

The published catalogue is loaded once into a ``FacetIndex``: one Python integer per facet value, whose
bit *i* says whether the *i*-th published fiche carries that value. A count under any combination of
filters is then a few ``&`` and one ``bit_count()``, microseconds, whatever the catalogue size. The index
is kept per process and rebuilt when the catalogue's version changes (number of published fiches, last
update, highest id), checked with one cheap query per request.
"""

import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max

from core.content_cache import content_version, process_cache
from resources.models import Fiche
from resources.tags import fiche_tagged_items

TAG_LIMIT = 200
# The index's bit order: the catalogue's « recent » sort (resources.filters), so that the most recent fiches under
# any combination of filters are the lowest bits set, and a page of that sort is read from the bits.
RECENT_ORDER = ("-published_at", "pk")


@dataclass
class FacetIndex:
    version: tuple
    positions: dict = field(default_factory=dict)  # fiche pk -> bit position (RECENT_ORDER)
    order: list = field(default_factory=list)  # bit position -> fiche pk
    everything: int = 0
    postings: dict = field(default_factory=dict)  # facet name -> {value key -> bitmap}

    def bits_of(self, pks):
        positions = self.positions
        return _bitmap([positions[pk] for pk in pks if pk in positions])

    def ranked(self, bits, start, stop):
        """The pks of the bits set in ``bits`` ranked ``start`` to ``stop - 1`` in the index's order (RECENT_ORDER):
        a page of the « recent » sort under the filters that gave ``bits``."""
        digits = bin(bits)[:1:-1]  # digits[i] is bit i
        found, rank, position = [], 0, digits.find("1")
        while position >= 0 and rank < stop:
            if rank >= start:
                found.append(self.order[position])
            rank += 1
            position = digits.find("1", position + 1)
        return found


_lock = threading.Lock()
_current = {"index": None, "version": None, "checked": 0.0, "shared": None}


def catalogue_version():
    """Changes whenever a fiche is published, unpublished, deleted, created or saved, or a tag is put on or
    taken off a fiche (two queries).

    Read again at most every ``FACET_INDEX_VERSION_TTL`` seconds, and at once when the shared content version
    changes (any edit saved by staff): a page cached right after an edit never shows the old counts.
    """
    ttl = getattr(settings, "FACET_INDEX_VERSION_TTL", 0)
    now = time.monotonic()
    shared = content_version()
    if _current["version"] is None or shared != _current["shared"] or now - _current["checked"] >= ttl:
        row = Fiche.objects.published().aggregate(n=Count("pk"), last=Max("updated_at"), top=Max("pk"))
        # Tags can change from taggit's own admin, without touching any fiche.
        tags = fiche_tagged_items().aggregate(n=Count("pk"), top=Max("pk"))
        _current["version"] = (row["n"], row["last"], row["top"], tags["n"], tags["top"])
        _current["checked"] = now
        _current["shared"] = shared
    return _current["version"]


def _bitmap(positions_list):
    if not positions_list:
        return 0
    buffer = bytearray(max(positions_list) // 8 + 1)
    for position in positions_list:
        buffer[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(buffer, "little")


def _build(version, filters):
    published = Fiche.objects.published()
    rows = list(published.order_by(*RECENT_ORDER).values_list("pk", "family"))
    index = FacetIndex(version=version, positions={pk: i for i, (pk, _) in enumerate(rows)},
                       order=[pk for pk, _ in rows])
    index.everything = (1 << len(rows)) - 1
    by_value = {}
    for position, (_, family) in enumerate(rows):
        by_value.setdefault(family, []).append(position)
    index.postings["famille"] = {key: _bitmap(value) for key, value in by_value.items()}
    ids = published.values("pk")
    for name, filter_ in filters.items():
        if name in ("famille", "q", "tri"):
            continue
        if name == "tag":
            pairs = fiche_tagged_items().filter(object_id__in=ids).values_list("object_id", "tag_id")
        else:
            through, own, target = filter_.through
            pairs = through.objects.filter(**{f"{own}_id__in": ids}).values_list(f"{own}_id", f"{target}_id")
        by_value = {}
        for fiche_pk, value in pairs.iterator(chunk_size=10_000):
            position = index.positions.get(fiche_pk)  # None: published after the first read
            if position is not None:
                by_value.setdefault(value, []).append(position)
        index.postings[name] = {key: _bitmap(value) for key, value in by_value.items()}
    return index


def current_index(filters):
    """The index of the catalogue as it is now: one version query, a rebuild only after a change."""
    version = catalogue_version()
    index = _current["index"]
    if index is None or index.version != version:
        with _lock:
            index = _current["index"]
            if index is None or index.version != version:
                index = _current["index"] = _build(version, filters)
    return index


@process_cache
def reset_index():
    """Forget the index and its version (core.content_cache.reset_process_caches)."""
    _current.update(index=None, version=None, checked=0.0, shared=None)


def _selected_bits(index, name, values):
    postings = index.postings.get(name, {})
    bits = 0
    for value in values:
        bits |= postings.get(value if name == "famille" else value.pk, 0)
    return bits


def facet_counts_and_matches(filterset, names):
    """({facet name: {value key: count}}, matched, index): each option counted with every *other* active filter
    applied, and the bits of the fiches with all of them applied (``matched.bit_count()`` is the list's count,
    without a COUNT over the matches; ``index.ranked(matched, …)`` a page of the « recent » sort)."""
    cleaned = getattr(filterset.form, "cleaned_data", {})
    index = current_index(filterset.filters)
    base = index.everything
    if cleaned.get("q"):
        matched = filterset.filters["q"].filter(Fiche.objects.published(), cleaned["q"])
        base &= index.bits_of(matched.order_by().values_list("pk", flat=True))
    active = {
        name: _selected_bits(index, name, cleaned[name])
        for name in filterset.filters if name not in ("q", "tri") and cleaned.get(name)
    }
    counts = {}
    for name in names:
        scope = base
        for other, bits in active.items():
            if other != name:
                scope &= bits
        facet = {key: (bits & scope).bit_count() for key, bits in index.postings.get(name, {}).items()}
        counts[name] = {key: n for key, n in facet.items() if n or name != "tag"}
        if name == "tag":
            counts[name] = dict(sorted(counts[name].items(), key=lambda item: -item[1])[:TAG_LIMIT])
    everything = base
    for bits in active.values():
        everything &= bits
    return counts, everything, index
