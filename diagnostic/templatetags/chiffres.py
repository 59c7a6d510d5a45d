"""French number formatting for the diagnostic: « 12 500 € », « 42,5 % », « +3,2 points »."""

from decimal import Decimal

from django import template

from diagnostic.numbers import format_day, format_number, format_percent, format_points, format_variation

register = template.Library()


def _decimal(value):
    """A finite Decimal, or None for anything else (text, None, NaN, infinities)."""
    try:
        number = Decimal(value)
    except (TypeError, ValueError, ArithmeticError):
        return None
    return number if number.is_finite() else None


@register.filter
def euros(value, places=0):
    """« 12 500 € »; with ``places`` 2, cents are written in full when there are any (« 12,50 € »)."""
    number = _decimal(value)
    if number is None:
        return ""
    text = format_number(number, int(places))
    if int(places) and "," in text:
        whole, _, cents = text.partition(",")
        text = f"{whole},{cents.ljust(int(places), '0')}"
    return f"{text}\u00a0€"


@register.filter
def nombre(value, places=2):
    number = _decimal(value)
    return "" if number is None else format_number(number, int(places))


@register.filter
def pourcent(value):
    number = _decimal(value)
    return "" if number is None else format_percent(number)


@register.filter
def points(value):
    """A signed change of share: « +3,2 points », « −1 point », « stable »."""
    number = _decimal(value)
    return "" if number is None else format_points(number)


@register.filter
def variation(value):
    """A signed relative change: « +12 % », « −3,5 % »; « – » when there was nothing to compare with."""
    number = _decimal(value)
    return "–" if number is None else format_variation(number)


@register.filter
def lookup(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def jour(value):
    """« 1er mars 2026 », « 12 mars 2026 »: a date (or a datetime, in local time) as French writes it."""
    return format_day(value) if value else ""
