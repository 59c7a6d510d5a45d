"""French numbers: parsing what people type, formatting what they read, the form field, the filters."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from hypothesis import given, settings, strategies as st

from diagnostic.numbers import FrenchNumberField, format_number, parse_number
from diagnostic.templatetags import chiffres

NNBSP = "\u202f"  # narrow no-break space, between thousands
NBSP = "\u00a0"  # no-break space, before € and %
MINUS = "\u2212"


# --- parse_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 500,50", Decimal("12500.50")),
        ("12500.5", Decimal("12500.5")),
        ("12.500,50", Decimal("12500.50")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1 000 €", Decimal(1000)),
        ("1000€", Decimal(1000)),
        ("12\u00a0500,5", Decimal("12500.5")),
        ("12\u202f500,5", Decimal("12500.5")),
        ("1'000", Decimal(1000)),
        ("  7  ", Decimal(7)),
        ("0", Decimal(0)),
        ("12,5", Decimal("12.5")),
        ("-3", Decimal(-3)),
        ("\u22123", Decimal(-3)),
    ],
)
def test_parse_number_reads_french_and_plain_numbers(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,2,3", "1,000.50", "12..5", "", "   ", "€", "1e5", ".5", "5.", "-", "12,5,", "NaN"])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_number_keeps_the_decimals_exactly():
    assert parse_number("0,10") == Decimal("0.1")
    assert str(parse_number("0,10")) == "0.10"


# --- format_number ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("12500.50"), 2, f"12{NNBSP}500,5"),
        (Decimal("1234567.89"), 2, f"1{NNBSP}234{NNBSP}567,89"),
        (Decimal("1000"), 2, f"1{NNBSP}000"),
        (Decimal("999"), 2, "999"),
        (Decimal("123.00"), 2, "123"),
        (Decimal("0"), 2, "0"),
        (12, 2, "12"),
        (Decimal("-1234.5"), 2, f"-1{NNBSP}234,5"),
        (Decimal("-0.001"), 2, "0"),
        (Decimal("999999.999"), 2, f"1{NNBSP}000{NNBSP}000"),
        (Decimal(10) ** 12, 2, f"1{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000"),
    ],
)
def test_format_number_groups_thousands_with_a_narrow_space_and_drops_trailing_zeros(value, places, expected):
    assert format_number(value, places) == expected


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Decimal("2.345"), 2, "2,35"),
        (Decimal("2.5"), 0, "3"),  # half-even would give 2
        (Decimal("0.5"), 0, "1"),
        (Decimal("-2.5"), 0, "-3"),
        (Decimal("0.25"), 1, "0,3"),
        (Decimal("12.344"), 2, "12,34"),
    ],
)
def test_format_number_rounds_half_up(value, places, expected):
    assert format_number(value, places) == expected


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**12, places=2))
def test_a_formatted_number_reads_back_to_itself(value):
    assert parse_number(format_number(value)) == value


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=10**12, places=2))
def test_the_field_accepts_what_it_displays(value):
    field = FrenchNumberField(max_value=10**12)
    assert field.clean(field.prepare_value(value)) == value


# --- FrenchNumberField -----------------------------------------------------------------------


def errors_of(field, value):
    with pytest.raises(forms.ValidationError) as caught:
        field.clean(value)
    return caught.value


@pytest.mark.parametrize("value", ["", None, "   ", NNBSP])
def test_an_empty_field_means_zero(value):
    assert FrenchNumberField(max_value=100).clean(value) == 0


def test_an_empty_integer_field_is_the_integer_zero():
    assert FrenchNumberField(max_value=100, integer=True).clean("") == 0
    assert isinstance(FrenchNumberField(max_value=100, integer=True).clean(""), int)


@pytest.mark.parametrize("value", ["-5", f"{MINUS}5", "-0,01"])
def test_a_negative_number_is_refused_in_french(value):
    error = errors_of(FrenchNumberField(max_value=100), value)
    assert error.messages == ["Saisissez un nombre positif ou zéro."]
    assert error.code == "negative"


def test_a_number_over_the_maximum_is_refused():
    error = errors_of(FrenchNumberField(max_value=10**12), "1 000 000 000 000,01")
    assert error.messages == [f"Saisissez au plus 1{NNBSP}000{NNBSP}000{NNBSP}000{NNBSP}000."]
    assert error.code == "too_big"


def test_the_maximum_itself_is_accepted():
    assert FrenchNumberField(max_value=10**12).clean("1 000 000 000 000") == Decimal(10) ** 12


def test_text_is_refused_with_an_example():
    error = errors_of(FrenchNumberField(max_value=100), "beaucoup")
    assert error.messages == ["Saisissez un nombre, par exemple 12 500,50."]
    assert error.code == "invalid"


def test_an_integer_field_gives_an_integer_example():
    error = errors_of(FrenchNumberField(max_value=100, integer=True), "abc")
    assert error.messages == ["Saisissez un nombre, par exemple 1 200."]


@pytest.mark.parametrize("value", ["1,5", "2.25"])
def test_an_integer_field_refuses_decimals(value):
    error = errors_of(FrenchNumberField(max_value=100, integer=True), value)
    assert error.code == "not_integer"
    assert error.messages == ["Saisissez un nombre entier, sans décimales."]


def test_an_integer_field_returns_an_int():
    value = FrenchNumberField(max_value=10**9, integer=True).clean("1 200")
    assert value == 1200 and isinstance(value, int)


@pytest.mark.parametrize("value", ["1" * 41, "9" * 400, "1," + "5" * 60])
def test_a_very_long_input_is_an_error_not_a_crash(value):
    error = errors_of(FrenchNumberField(max_value=10**12), value)
    assert error.code == "too_long"


def test_forty_digits_are_too_big_not_a_crash():
    assert errors_of(FrenchNumberField(max_value=10**12), "9" * 40).code == "too_big"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12,345", "12.35"), ("12,005", "12.01"), ("12", "12.00"), ("0,001", "0.00")],
)
def test_the_result_is_rounded_half_up_to_two_places(text, expected):
    value = FrenchNumberField(max_value=100).clean(text)
    assert value == Decimal(expected)
    assert value.as_tuple().exponent == -2


def test_the_field_displays_numbers_the_french_way_and_zero_as_empty():
    field = FrenchNumberField(max_value=10**12)
    assert field.prepare_value(Decimal("12500.50")) == f"12{NNBSP}500,5"
    assert field.prepare_value(Decimal(0)) == ""
    assert field.prepare_value("12 500,5x") == "12 500,5x"  # what was typed comes back untouched


def test_the_field_is_optional_and_asks_for_a_numeric_keyboard():
    decimal, integer = FrenchNumberField(max_value=1), FrenchNumberField(max_value=1, integer=True)
    assert not decimal.required
    assert decimal.widget.attrs["inputmode"] == "decimal"
    assert integer.widget.attrs["inputmode"] == "numeric"


# --- template filters ------------------------------------------------------------------------


def test_euros_rounds_to_the_euro():
    assert chiffres.euros(Decimal("12500.4")) == f"12{NNBSP}500{NBSP}€"
    assert chiffres.euros(Decimal("0.5")) == f"1{NBSP}€"
    assert chiffres.euros(0) == f"0{NBSP}€"


def test_pourcent_keeps_one_decimal():
    assert chiffres.pourcent(Decimal(100) / 3) == f"33,3{NBSP}%"
    assert chiffres.pourcent(Decimal("42.55")) == f"42,6{NBSP}%"
    assert chiffres.pourcent(Decimal(100)) == f"100{NBSP}%"


def test_nombre_takes_the_number_of_places():
    assert chiffres.nombre(Decimal("1234.567")) == f"1{NNBSP}234,57"
    assert chiffres.nombre(Decimal("1234.567"), 0) == f"1{NNBSP}235"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("3.24"), f"+3,2{NBSP}points"),
        (Decimal("2"), f"+2{NBSP}points"),
        (Decimal("1.96"), f"+2{NBSP}points"),
        (Decimal("1.5"), f"+1,5{NBSP}point"),
        (Decimal("-1"), f"{MINUS}1{NBSP}point"),
        (Decimal("-16.67"), f"{MINUS}16,7{NBSP}points"),
        (Decimal("0"), "stable"),
        (Decimal("0.04"), "stable"),
        (Decimal("-0.04"), "stable"),
    ],
)
def test_points_are_signed_singular_under_two_and_stable_at_zero(value, expected):
    assert chiffres.points(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("0.25"), f"+0,3{NBSP}point"), (Decimal("-0.05"), f"{MINUS}0,1{NBSP}point")],
)
def test_points_round_half_up_like_the_shares_they_compare(value, expected):
    # pourcent(10) → « 10 % » and pourcent(10,25) → « 10,3 % »: the change between them must read +0,3.
    assert chiffres.points(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "–"),
        (Decimal(12), f"+12{NBSP}%"),
        (Decimal("-3.5"), f"{MINUS}3,5{NBSP}%"),
        (Decimal(0), f"0{NBSP}%"),
        (Decimal(100) / 3, f"+33,3{NBSP}%"),
    ],
)
def test_variation_is_a_signed_percentage_or_a_dash(value, expected):
    assert chiffres.variation(value) == expected


GARBAGE = [None, "abc", "", object(), [], {}]


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize("name", ["euros", "nombre", "pourcent", "points"])
def test_number_filters_show_nothing_for_garbage(name, value):
    assert getattr(chiffres, name)(value) == ""


@pytest.mark.parametrize("value", GARBAGE)
def test_variation_shows_a_dash_for_garbage(value):
    assert chiffres.variation(value) == "–"


@pytest.mark.parametrize("name", ["euros", "nombre", "pourcent", "points", "variation"])
def test_filters_do_not_crash_on_text_that_decimal_reads_as_not_a_number(name):
    # Decimal("NaN") and Decimal("Infinity") are valid Decimals, but not numbers one can format.
    for value in ("NaN", "Infinity", "-Infinity"):
        assert getattr(chiffres, name)(value) in ("", "–"), value


def test_lookup_reads_a_mapping_and_ignores_the_rest():
    assert chiffres.lookup({"rh": 3}, "rh") == 3
    assert chiffres.lookup({"rh": 3}, "fin") is None
    assert chiffres.lookup(None, "rh") is None


def test_the_filters_are_available_in_templates():
    template = Template("{% load chiffres %}{{ a|euros }} {{ b|pourcent }} {{ c|points }} {{ d|variation }}")
    rendered = template.render(Context({"a": 1500, "b": Decimal("12.5"), "c": Decimal(0), "d": None}))
    assert rendered == f"1{NNBSP}500{NBSP}€ 12,5{NBSP}% stable –"


@pytest.mark.parametrize("text", ["12.500", "1.250", "-3.000"])
def test_a_dot_followed_by_three_digits_is_ambiguous_and_asks_rather_than_guesses(text):
    with pytest.raises(forms.ValidationError) as error:
        FrenchNumberField(max_value=10**12).clean(text)
    assert "ambigu" in error.value.messages[0]


@pytest.mark.parametrize("text, expected", [("1.250.000", "1250000"), ("12.5", "12.5"), ("12.50", "12.50")])
def test_dots_that_group_thousands_or_mark_decimals_are_read(text, expected):
    assert parse_number(text) == Decimal(expected)


def test_a_comma_before_three_digits_is_a_decimal_for_amounts_but_ambiguous_for_counts():
    assert FrenchNumberField(max_value=10**12).clean("12,500") == Decimal("12.50")
    with pytest.raises(forms.ValidationError) as error:
        FrenchNumberField(max_value=10**9, integer=True).clean("1,000")
    assert "ambigu" in error.value.messages[0]


@pytest.mark.parametrize("text", ["1.5e3", "١٢٣", "１２３"])
def test_scientific_notation_and_non_latin_digits_are_refused_with_the_plain_message(text):
    with pytest.raises(forms.ValidationError) as error:
        FrenchNumberField(max_value=10**12).clean(text)
    assert "Saisissez un nombre" in error.value.messages[0]


def test_a_long_number_with_a_three_digit_decimal_part_is_not_called_ambiguous():
    assert parse_number("1000000000000.004") == Decimal("1000000000000.004")
