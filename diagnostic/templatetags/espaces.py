"""Template filters of the shared spaces."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def date_heure(value):
    """« 14 mars 2025 à 9 h 05 », in Europe/Paris (the site's time zone), with narrow no-break spaces."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{date_format(local, 'j F Y')} à {local.hour}\u202fh\u202f{local.minute:02d}"
