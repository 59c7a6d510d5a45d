"""Numbers typed the French way (« 12 500,50 ») or the programmer's way (« 12500.5 »), and numbers and days written
the French way."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")  # ASCII digits only: « ١٢٣ » is refused, not guessed
_CHARACTERS = re.compile(r"-?[0-9.,]+")


class AmbiguousNumber(ValueError):
    """« 12.500 » may be 12,5 or 12 500."""


def _thousands(groups):
    """Whether « 1.250.000 »-like groups can only be read as thousands: a short head, then groups of 3."""
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def parse_number(text, *, integer=False):
    """Decimal from « 12 500,50 », « 12500.5 », « 12.500,50 », « 1.250.000 » or « 1 000 € »; ValueError
    otherwise, AmbiguousNumber for « 12.500 » (or « 1,000 » where a whole number is expected)."""
    cleaned = _SPACES.sub("", str(text)).replace("€", "").replace("\u2212", "-")
    if not _CHARACTERS.fullmatch(cleaned):
        raise ValueError(text)
    digits = cleaned.lstrip("-")
    if "," in cleaned and "." in cleaned:
        if cleaned.count(",") > 1 or cleaned.rfind(",") < cleaned.rfind("."):
            raise ValueError(text)
        cleaned = cleaned.replace(".", "")  # « 12.500,50 »: dots group the thousands
    elif "." in cleaned:
        groups = digits.split(".")
        if len(groups) > 2 and _thousands(groups):
            cleaned = cleaned.replace(".", "")  # « 1.250.000 »
        elif len(groups) == 2 and _thousands(groups):
            raise AmbiguousNumber(text)  # « 12.500 »: twelve and a half, or twelve thousand five hundred?
    elif "," in cleaned:
        groups = digits.split(",")
        if len(groups) == 2 and integer and _thousands(groups):
            raise AmbiguousNumber(text)  # « 1,000 » people: one, or a thousand?
    cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueError(text) from error


def format_number(value, places=2):
    """« 12 500,5 » with a narrow no-break space between thousands, trailing zeros dropped."""
    value = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = "\u202f".join([whole, *groups])
    fraction = fraction.rstrip("0")
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def format_percent(value):
    """« 42,5 % » with a no-break space before the sign."""
    return f"{format_number(value, 1)}\u00a0%"


def format_variation(value):
    """A signed relative change: « +12 % », « −3,5 % », « 0 % »."""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    sign = "+" if rounded > 0 else "\u2212" if rounded < 0 else ""
    return f"{sign}{format_number(abs(rounded), 1)}\u00a0%"


def format_points(value):
    """A signed change of share: « +3,2 points », « −1 point », « stable »."""
    rounded = Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if not rounded:
        return "stable"
    sign = "+" if rounded > 0 else "\u2212"
    unit = "point" if abs(rounded) < 2 else "points"
    return f"{sign}{format_number(abs(rounded), 1)}\u00a0{unit}"


class FrenchNumberField(forms.Field):
    """An optional, non-negative number (empty means 0), bounded, rounded to ``places`` decimals."""

    def __init__(self, *, max_value, places=2, integer=False, **kwargs):
        self.max_value, self.places, self.integer = Decimal(max_value), places, integer
        kwargs.setdefault("required", False)
        attrs = {"inputmode": "numeric" if integer else "decimal", "autocomplete": "off", "spellcheck": "false"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return Decimal(0) if not self.integer else 0
        if len(str(value)) > 40:
            raise forms.ValidationError("Ce nombre est beaucoup trop long.", code="too_long")
        try:
            number = parse_number(value, integer=self.integer)
        except AmbiguousNumber:
            raise forms.ValidationError(
                f"«\u00a0{value}\u00a0» est ambigu\u00a0: écrivez les milliers avec une espace («\u00a012 500\u00a0») "
                "et les décimales avec une virgule («\u00a012,5\u00a0»).", code="ambiguous"
            ) from None
        except ValueError:
            example = "1 200" if self.integer else "12 500,50"
            raise forms.ValidationError(f"Saisissez un nombre, par exemple {example}.", code="invalid") from None
        if number < 0:
            raise forms.ValidationError("Saisissez un nombre positif ou zéro.", code="negative")
        if number > self.max_value:
            raise forms.ValidationError(
                f"Saisissez au plus {format_number(self.max_value, 0)}.", code="too_big"
            )
        if self.integer:
            if number != number.to_integral_value():
                raise forms.ValidationError("Saisissez un nombre entier, sans décimales.", code="not_integer")
            return int(number)
        return number.quantize(Decimal(1).scaleb(-self.places), rounding=ROUND_HALF_UP)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_number(value, self.places) if value else ""
        return value


def format_day(value):
    """« 1er mars 2026 », « 12 mars 2026 »: a date (or an aware datetime, in local time) as French writes it."""
    if getattr(value, "tzinfo", None) is not None:
        value = localtime(value)
    return f"{'1er' if value.day == 1 else value.day} {date_format(value, 'F Y')}"
