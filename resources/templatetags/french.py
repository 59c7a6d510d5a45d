"""French plural: 0 and 1 take the singular (« 0 fiche », « 1 fiche », « 2 fiches »). A template builtin."""

from django import template

register = template.Library()


@register.filter
def pluriel(count, suffix="s"):
    try:
        return suffix if abs(int(count)) > 1 else ""
    except (TypeError, ValueError):
        return ""
