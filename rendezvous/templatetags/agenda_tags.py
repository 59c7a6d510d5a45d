"""Template filters of the agenda: when an event takes place, in Paris time (rendezvous.event_dates)."""

from django import template
from django.utils import timezone

from rendezvous.event_dates import start_label, when_label
from resources.models.fiche import card_levers_of

register = template.Library()


@register.filter
def quand(event):
    """« jeudi 14 janvier 2027, 14 h 00 – 15 h 30 (heure de Paris) »."""
    return when_label(event.starts_at, event.ends_at)


@register.filter
def debut(event):
    """« jeudi 14 janvier 2027 à 14 h 00 »."""
    return start_label(event.starts_at)


@register.filter
def iso_paris(moment):
    """The moment for a <time datetime="…"> attribute, with Paris's offset."""
    return timezone.localtime(moment).isoformat(timespec="minutes")


@register.simple_tag
def card_levers(event):
    """[(theme, label)] of the event's levers: ``card_levers`` when read by with_card_levers, else from its
    prefetched levers."""
    return card_levers_of(event)


@register.filter
def places(event):
    """« 3 places restantes », « 1 place restante », « Complet : inscription en liste d’attente », or "" without a
    limit. Reads ``confirmed_count`` (EventQuerySet.with_counts)."""
    left = event.places_left(event.confirmed_count)
    if left is None:
        return ""
    if left == 0:
        return "Complet\u00a0: inscription en liste d’attente"
    return f"{left} place{'s' if left > 1 else ''} restante{'s' if left > 1 else ''}"
