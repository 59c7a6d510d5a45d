"""Numbers typed the French way (« 12 500,50 ») or the programmer's way (« 12500.5 »)."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms

_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class AmbiguousNumber(ValueError):
    """« 12.500 » may be 12,5 or 12 500."""


def parse_number(text):
    """Decimal from « 12 500,50 », « 12500.5 », « 12.500,50 » or « 1 000 € »; ValueError otherwise."""
    cleaned = _SPACES.sub("", str(text)).replace("€", "").replace("\u2212", "-")
    if "," in cleaned and "." in cleaned:
        if cleaned.count(",") > 1 or cleaned.rfind(",") < cleaned.rfind("."):
            raise ValueError(text)
        cleaned = cleaned.replace(".", "")  # « 12.500,50 »: dots group the thousands
    elif "." in cleaned:
        groups = cleaned.lstrip("-").split(".")
        if len(groups) > 2 and all(len(group) == 3 for group in groups[1:]):
            cleaned = cleaned.replace(".", "")  # « 1.250.000 »
        elif len(groups) == 2 and len(groups[1]) == 3:
            # « 12.500 »: twelve and a half, or twelve thousand five hundred? Ask rather than guess.
            raise AmbiguousNumber(text)
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
            number = parse_number(value)
        except AmbiguousNumber:
            raise forms.ValidationError(
                f"«\u00a0{value}\u00a0» est ambigu\u00a0: écrivez par exemple «\u00a012 500\u00a0» pour douze mille "
                "cinq cents, ou «\u00a012,5\u00a0» pour douze et demi.", code="ambiguous"
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
