"""French plural (« 0 fiche », « 1 fiche », « 2 fiches »), durations and moments. A template builtin."""

from django import template

from core.text import duration_label, moment_label

register = template.Library()


@register.filter
def pluriel(count, suffix="s"):
    try:
        return suffix if abs(int(count)) > 1 else ""
    except (TypeError, ValueError):
        return ""


@register.filter
def duree(minutes):
    """« 45 min », « 2 h », « 1 h 30 »."""
    try:
        return duration_label(int(minutes))
    except (TypeError, ValueError):
        return ""


@register.filter
def moment(value):
    """« 1er mars 2027 à 9 h 05 », in Paris time; nothing for no date."""
    return moment_label(value) if value else ""
