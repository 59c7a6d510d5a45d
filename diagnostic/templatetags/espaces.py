"""Template filters of the shared spaces."""

from django import template
from django.utils import timezone

from diagnostic.numbers import format_day
from diagnostic.spaces import current_name

register = template.Library()


@register.filter
def date_heure(value):
    """« 1er mars 2025 à 9 h 05 », in Europe/Paris (the site's time zone), with narrow no-break spaces."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{format_day(local)} à {local.hour}\u202fh\u202f{local.minute:02d}"


@register.filter
def nom(user, copied):
    """``{{ comment.author|nom:comment.author_name }}``: the member's name today while the account exists, else
    the name copied when the line was written (diagnostic.spaces.current_name). Reads the account's profile:
    select_related ``author__profile`` (or the field's own name) in the view."""
    return current_name(user, copied)
