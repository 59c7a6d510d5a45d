"""Reads of the agenda: what is coming, what is past, one event's page. The letter reads ``upcoming_events`` and
``replays``; the pages read the rest. Published events only, always."""

from django.db.models import Prefetch

from rendezvous.models import Event
from resources.models import Fiche
from resources.models.fiche import with_card_levers


def upcoming_events(*, after, limit):
    """Published events not ended at ``after``, the soonest first, at most ``limit`` (levers prefetched)."""
    return Event.objects.upcoming(after).prefetch_related("levers")[:limit]


def upcoming_cards(*, after, limit):
    """``upcoming_events`` as their cards show them: their levers read by ``with_card_levers`` (~0.5 ms less than a
    prefetch for the home page's two events)."""
    return with_card_levers(Event.objects.upcoming(after)[:limit])


def replays(*, since, until):
    """Published events with a replay address that ended in [``since``, ``until``), the latest first."""
    return (Event.objects.published().exclude(replay_url="").filter(ends_at__gte=since, ends_at__lt=until)
            .order_by("-ends_at", "-pk").prefetch_related("levers"))


def event_for_page(slug):
    """The published event at ``slug`` with its counts, levers and published fiches (in French alphabetical order:
    the folded ``sort_title``, where « Équilibrer » comes before « Hybrider »), or None."""
    fiches = Fiche.objects.published().only("pk", "title", "slug").order_by("sort_title", "pk")
    return (Event.objects.published().with_counts().filter(slug=slug)
            .prefetch_related("levers", Prefetch("fiches", queryset=fiches)).first())
