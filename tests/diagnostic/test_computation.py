"""The arithmetic of « Mon modèle socio-économique »: hand-worked examples, edge cases, properties."""

from dataclasses import replace
from decimal import Decimal
from math import isclose, sqrt

import pytest
from hypothesis import given, settings, strategies as st

from diagnostic import computation
from diagnostic.computation import CORNERS, FINANCIAL_SOURCES, LEVERS

RATES = computation.Rates(
    fte_year=Decimal(40000),
    volunteer_hour=Decimal(10),
    service_civique_month=Decimal(700),
    intern_month=Decimal(600),
    skills_day=Decimal(400),
    partnership_year=Decimal(1000),
    dependency_threshold=Decimal(50),
)
CENTROID = (0.5, sqrt(3) / 6)
ALL_FIELDS = (
    "salaried_fte",
    "volunteers_count",
    *computation.HUMAN_FIELDS[1:],
    *FINANCIAL_SOURCES,
    *computation.PARTNERSHIP_FIELDS,
    *computation.IN_KIND_FIELDS,
)


def d(value):
    return Decimal(str(value))


def approx_point(point, expected):
    return isclose(point[0], expected[0], abs_tol=1e-12) and isclose(point[1], expected[1], abs_tol=1e-12)


def approx_dec(actual, expected, tol="1e-9"):
    return abs(Decimal(actual) - Decimal(str(expected))) <= Decimal(tol)


# --- Hand-worked example 1: three balanced levers -------------------------------------------

BALANCED = {
    # richesses humaines: 1 FTE × 40 000 = 40 000; 1 000 h × 10 = 10 000;
    # 10 months of service civique × 700 = 7 000; 5 intern months × 600 = 3 000 → 60 000.
    "salaried_fte": 1,
    "volunteers_count": 25,  # shown, not valued
    "volunteer_hours": 1000,
    "service_civique_months": 10,
    "intern_months": 5,
    "skills_days": 0,
    # financement: 20 000 + 20 000 + 20 000 = 60 000 (public, private, own).
    "subsidies_state": 20000,
    "gifts_foundations": 20000,
    "revenue_sales": 20000,
    # alliances: (10 + 20 + 10) partnerships × 1 000 = 40 000; in kind 12 000 + 5 000 + 3 000 = 20 000 → 60 000.
    "partnerships_positioning": 10,
    "partnerships_production": 20,
    "partnerships_means": 10,
    "in_kind_premises": 12000,
    "in_kind_equipment": 5000,
    "in_kind_services": 3000,
}


def test_balanced_levers_are_each_worth_sixty_thousand():
    result = computation.evaluate(2024, BALANCED, RATES)
    assert result.values == {"rh": 60000, "fin": 60000, "all": 60000}
    assert result.total == 180000


def test_balanced_levers_each_weigh_a_third():
    result = computation.evaluate(2024, BALANCED, RATES)
    # 60 000 / 180 000 = 33,33… % each.
    for lever in LEVERS:
        assert approx_dec(result.shares[lever], Decimal(100) / 3)


def test_balanced_levers_put_the_point_at_the_centre_of_the_triangle():
    # ⅓ (0,5 ; √3/2) + ⅓ (0 ; 0) + ⅓ (1 ; 0) = (0,5 ; √3/6).
    result = computation.evaluate(2024, BALANCED, RATES)
    assert approx_point(result.point, CENTROID)


def test_three_equal_sources_give_an_hhi_of_a_third_of_ten_thousand():
    ind = computation.evaluate(2024, BALANCED, RATES).indicators
    # 3 × (33,33…)² = 3 333,33… > 2 500: concentrated, though no source dominates.
    assert approx_dec(ind.hhi, Decimal(10000) / 3, "1e-6")
    assert ind.concentrated
    assert ind.source_count == 3
    assert not ind.few_sources  # 3 is not fewer than 3
    assert not ind.dependency  # 33,3 % ≤ 50 %


def test_equal_sources_name_the_first_one_in_the_list_as_largest():
    ind = computation.evaluate(2024, BALANCED, RATES).indicators
    assert ind.largest_source == "subsidies_state"
    assert ind.largest_label == "Subventions de l’État"
    assert ind.largest_family == "public"
    assert approx_dec(ind.largest_share, Decimal(100) / 3)


def test_balanced_sources_split_a_third_each_between_public_private_and_own():
    families = computation.evaluate(2024, BALANCED, RATES).indicators.families
    for family in ("public", "private", "own"):
        assert approx_dec(families[family], Decimal(100) / 3)
    assert families["other"] == 0


def test_the_number_of_volunteers_is_not_valued():
    more_volunteers = {**BALANCED, "volunteers_count": 10_000}
    assert computation.lever_values(more_volunteers, RATES) == computation.lever_values(BALANCED, RATES)


def test_skills_days_are_valued_at_the_day_rate():
    # 3 days × 400 = 1 200 on top of the 60 000.
    assert computation.human_value({**BALANCED, "skills_days": 3}, RATES) == 61200


# --- Hand-worked example 2: everything from one source ---------------------------------------

SINGLE = {"gifts_individuals": 50000}  # every other field missing, so 0


def test_a_single_financial_source_is_all_financement():
    result = computation.evaluate(2024, SINGLE, RATES)
    assert result.values == {"rh": 0, "fin": 50000, "all": 0}
    assert result.shares == {"rh": 0, "fin": 100, "all": 0}


def test_a_single_financial_source_puts_the_point_on_the_financement_corner():
    # 0 × RH + 1 × (0 ; 0) + 0 × ALL = (0 ; 0).
    assert approx_point(computation.evaluate(2024, SINGLE, RATES).point, (0.0, 0.0))


def test_a_single_financial_source_raises_every_alert():
    ind = computation.evaluate(2024, SINGLE, RATES).indicators
    # (100)² = 10 000; 100 % > 50 %; 1 source < 3.
    assert ind.hhi == 10000
    assert ind.source_count == 1
    assert ind.largest_source == "gifts_individuals"
    assert ind.largest_share == 100
    assert ind.dependency and ind.concentrated and ind.few_sources
    assert ind.families == {"public": 0, "private": 100, "own": 0, "other": 0}


def test_the_weakest_lever_breaks_ties_in_the_order_of_the_levers():
    # rh and all both at 0 %: rh comes first.
    assert computation.evaluate(2024, SINGLE, RATES).weakest == "rh"


# --- Hand-worked example 3: an association over two years and a target ----------------------

YEAR_2022 = {
    # rh: 2 × 40 000 + 2 000 h × 10 = 100 000
    "salaried_fte": 2,
    "volunteer_hours": 2000,
    # fin: 120 000 (60 %) + 10 000 (5 %) + 70 000 (35 %) = 200 000
    "subsidies_local": 120000,
    "membership_fees": 10000,
    "revenue_sales": 70000,
    # all: (20 + 30 + 10) × 1 000 + 40 000 = 100 000
    "partnerships_positioning": 20,
    "partnerships_production": 30,
    "partnerships_means": 10,
    "in_kind_premises": 40000,
}  # total 400 000 → rh 25 %, fin 50 %, all 25 %
YEAR_2023 = {
    # rh: 3 × 40 000 + 3 000 × 10 = 150 000
    "salaried_fte": 3,
    "volunteer_hours": 3000,
    # fin: 100 000 (40 %) + 20 000 (8 %) + 80 000 (32 %) + 50 000 (20 %) = 250 000
    "subsidies_local": 100000,
    "membership_fees": 20000,
    "revenue_sales": 80000,
    "gifts_foundations": 50000,
    # all: 50 × 1 000 + 50 000 = 100 000
    "partnerships_production": 50,
    "in_kind_services": 50000,
}  # total 500 000 → rh 30 %, fin 50 %, all 20 %
TARGET_2026 = {
    # rh: 4 × 40 000 + 4 000 × 10 = 200 000
    "salaried_fte": 4,
    "volunteer_hours": 4000,
    # fin: 50 000 + 50 000 + 100 000 = 200 000
    "subsidies_local": 50000,
    "gifts_foundations": 50000,
    "revenue_sales": 100000,
    # all: 100 × 1 000 + 100 000 = 200 000
    "partnerships_means": 100,
    "in_kind_equipment": 100000,
}  # total 600 000 → a third each


@pytest.fixture
def association():
    return [
        computation.evaluate(2026, TARGET_2026, RATES, is_target=True),
        computation.evaluate(2023, YEAR_2023, RATES),
        computation.evaluate(2022, YEAR_2022, RATES),
    ]


def test_the_association_levers_and_shares_in_2022(association):
    result = association[2]
    assert result.values == {"rh": 100000, "fin": 200000, "all": 100000}
    assert result.shares == {"rh": 25, "fin": 50, "all": 25}


def test_the_association_point_in_2022_leans_towards_financement(association):
    # 0,25 (0,5 ; √3/2) + 0,5 (0 ; 0) + 0,25 (1 ; 0) = (0,375 ; √3/8).
    assert approx_point(association[2].point, (0.375, sqrt(3) / 8))


def test_the_association_depends_on_local_subsidies_in_2022(association):
    ind = association[2].indicators
    # 60² + 5² + 35² = 3 600 + 25 + 1 225 = 4 850; 60 % > 50 %.
    assert ind.hhi == 4850
    assert ind.largest_source == "subsidies_local"
    assert ind.largest_share == 60
    assert ind.dependency and ind.concentrated
    assert ind.source_count == 3 and not ind.few_sources
    assert ind.families == {"public": 60, "private": 0, "own": 40, "other": 0}


def test_the_association_in_2023_no_longer_depends_on_one_source(association):
    result = association[1]
    assert result.values == {"rh": 150000, "fin": 250000, "all": 100000}
    assert result.shares == {"rh": 30, "fin": 50, "all": 20}
    # 0,3 (0,5 ; √3/2) + 0,2 (1 ; 0) = (0,35 ; 0,3 √3/2).
    assert approx_point(result.point, (0.35, 0.3 * sqrt(3) / 2))
    ind = result.indicators
    # 40² + 8² + 32² + 20² = 1 600 + 64 + 1 024 + 400 = 3 088; 40 % ≤ 50 %.
    assert ind.hhi == 3088
    assert ind.largest_share == 40 and not ind.dependency
    assert ind.concentrated
    assert ind.source_count == 4
    assert ind.families == {"public": 40, "private": 20, "own": 40, "other": 0}
    assert result.weakest == "all"


def test_the_trajectory_sorts_the_years_and_sets_the_target_apart(association):
    actual, target, steps, gap = computation.trajectory(association)
    assert [r.year for r in actual] == [2022, 2023]
    assert target.year == 2026 and target.is_target
    assert len(steps) == 1
    assert (steps[0].start.year, steps[0].end.year) == (2022, 2023)
    assert (gap.start.year, gap.end.year) == (2023, 2026)


def test_the_year_over_year_step_counts_points_and_relative_changes(association):
    _, _, [step], _ = computation.trajectory(association)
    # shares 25/50/25 → 30/50/20; values 100 000/200 000/100 000 → 150 000/250 000/100 000.
    assert step.share_points == {"rh": 5, "fin": 0, "all": -5}
    assert step.values == {"rh": 50000, "fin": 50000, "all": 0}
    # +50 000 / 100 000 = +50 %; +50 000 / 200 000 = +25 %; 0.
    assert step.values_pct == {"rh": 50, "fin": 25, "all": 0}


def test_the_gap_to_the_target_starts_from_the_latest_year(association):
    *_, gap = computation.trajectory(association)
    # shares 30/50/20 → 33,3/33,3/33,3: +3,33 / −16,67 / +13,33 points.
    assert approx_dec(gap.share_points["rh"], Decimal(100) / 3 - 30)
    assert approx_dec(gap.share_points["fin"], Decimal(100) / 3 - 50)
    assert approx_dec(gap.share_points["all"], Decimal(100) / 3 - 20)
    # values 150 000/250 000/100 000 → 200 000 each: +50 000, −50 000, +100 000.
    assert gap.values == {"rh": 50000, "fin": -50000, "all": 100000}
    # +33,33 %, −20 %, +100 %.
    assert approx_dec(gap.values_pct["rh"], Decimal(100) / 3)
    assert gap.values_pct["fin"] == -20
    assert gap.values_pct["all"] == 100


def test_a_trajectory_without_target_has_no_gap(association):
    actual, target, steps, gap = computation.trajectory(association[1:])
    assert len(actual) == 2 and len(steps) == 1
    assert target is None and gap is None


def test_a_trajectory_with_only_a_target_has_no_step_and_no_gap(association):
    actual, target, steps, gap = computation.trajectory(association[:1])
    assert actual == [] and steps == []
    assert target.year == 2026 and gap is None


# --- Edge cases ------------------------------------------------------------------------------


def test_nothing_at_all_weighs_nothing_and_sits_at_the_centre():
    result = computation.evaluate(2024, {}, RATES)
    assert result.total == 0
    assert result.shares == {"rh": 0, "fin": 0, "all": 0}
    assert approx_point(result.point, CENTROID)


def test_nothing_at_all_raises_no_alert():
    ind = computation.evaluate(2024, {}, RATES).indicators
    assert ind.hhi == 0
    assert ind.source_count == 0
    assert ind.largest_source is None and ind.largest_label == "" and ind.largest_family is None
    assert ind.largest_share == 0
    assert not (ind.dependency or ind.concentrated or ind.few_sources)
    assert ind.families == {"public": 0, "private": 0, "own": 0, "other": 0}


def test_none_counts_as_zero():
    with_nones = dict.fromkeys(ALL_FIELDS)
    assert computation.evaluate(2024, with_nones, RATES).values == {"rh": 0, "fin": 0, "all": 0}
    partly = {**with_nones, "revenue_sales": 1000}
    assert computation.evaluate(2024, partly, RATES).values == {"rh": 0, "fin": 1000, "all": 0}


def test_a_source_exactly_at_the_threshold_is_not_a_dependency():
    # 50 000 / 100 000 = 50 %, not above 50 %.
    ind = computation.evaluate(2024, {"subsidies_state": 50000, "revenue_sales": 50000}, RATES).indicators
    assert ind.largest_share == 50
    assert not ind.dependency


def test_a_source_just_above_the_threshold_is_a_dependency():
    # 50 001 / 100 000 = 50,001 % > 50 %.
    ind = computation.evaluate(2024, {"subsidies_state": 50001, "revenue_sales": 49999}, RATES).indicators
    assert ind.dependency


def test_an_hhi_of_exactly_2500_is_not_concentrated():
    # four sources of 25 %: 4 × 25² = 2 500, not above 2 500.
    figures = dict.fromkeys(["subsidies_state", "gifts_companies", "membership_fees", "other_income"], 1000)
    ind = computation.evaluate(2024, figures, RATES).indicators
    assert ind.hhi == 2500
    assert not ind.concentrated


def test_two_sources_are_few_and_three_are_not():
    two = computation.evaluate(2024, {"subsidies_state": 1, "revenue_sales": 1}, RATES).indicators
    three = computation.evaluate(2024, {"subsidies_state": 1, "revenue_sales": 1, "crowdfunding": 1}, RATES).indicators
    assert two.few_sources
    assert not three.few_sources


def test_other_income_falls_in_the_other_family():
    ind = computation.evaluate(2024, {"other_income": 300, "revenue_advice": 100}, RATES).indicators
    assert ind.families == {"public": 0, "private": 0, "own": 25, "other": 75}


def test_the_weakest_lever_tie_between_financement_and_alliances_goes_to_financement():
    result = computation.evaluate(2024, {"salaried_fte": 1}, RATES)
    assert result.shares == {"rh": 100, "fin": 0, "all": 0}
    assert result.weakest == "fin"


def test_the_weakest_lever_is_the_smallest_share():
    # rh 40 000, fin 30 000, all 50 000
    figures = {"salaried_fte": 1, "revenue_sales": 30000, "in_kind_premises": 50000}
    assert computation.evaluate(2024, figures, RATES).weakest == "fin"


def test_nothing_valued_makes_richesses_humaines_the_weakest():
    assert computation.evaluate(2024, {}, RATES).weakest == "rh"


def test_a_change_from_zero_has_no_relative_change():
    start = computation.evaluate(2023, {"revenue_sales": 1000}, RATES)
    end = computation.evaluate(2024, {"revenue_sales": 1500, "salaried_fte": 1}, RATES)
    step = computation.change(start, end)
    assert step.values_pct == {"rh": None, "fin": 50, "all": None}
    assert step.values == {"rh": 40000, "fin": 500, "all": 0}


def test_round_to_rounds_half_up():
    assert computation.round_to(Decimal("2.25")) == Decimal("2.3")
    assert computation.round_to(Decimal("2.35")) == Decimal("2.4")
    assert computation.round_to(Decimal("-2.25")) == Decimal("-2.3")
    assert computation.round_to(Decimal("2.345"), 2) == Decimal("2.35")


def test_the_dependency_threshold_is_a_rate():
    strict = replace(RATES, dependency_threshold=Decimal(30))
    figures = {"subsidies_state": 40, "revenue_sales": 30, "crowdfunding": 30}
    assert not computation.evaluate(2024, figures, RATES).indicators.dependency
    assert computation.evaluate(2024, figures, strict).indicators.dependency


# --- Properties ------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)
positive_amounts = st.decimals(min_value=Decimal("0.01"), max_value=10**12, places=2)


@st.composite
def figures(draw):
    """Every field, random, with at least one valued field above zero."""
    drawn = {name: draw(amounts) for name in ALL_FIELDS}
    valued = [name for name in ALL_FIELDS if name != "volunteers_count"]
    if not any(drawn[name] for name in valued):
        drawn[draw(st.sampled_from(valued))] = draw(positive_amounts)
    return drawn


def inside_triangle(point, tol=1e-9):
    x, y = point
    return (
        y >= -tol  # above the financement–alliances side
        and sqrt(3) * x - y >= -tol  # right of the financement–rh side
        and sqrt(3) * (1 - x) - y >= -tol  # left of the alliances–rh side
    )


@settings(max_examples=200, deadline=None)
@given(figures())
def test_shares_always_add_up_to_a_hundred(figs):
    result = computation.evaluate(2024, figs, RATES)
    assert abs(sum(result.shares.values()) - 100) <= Decimal("1e-9")
    assert all(share >= 0 for share in result.shares.values())


@settings(max_examples=200, deadline=None)
@given(figures())
def test_the_point_never_leaves_the_triangle(figs):
    result = computation.evaluate(2024, figs, RATES)
    assert inside_triangle(result.point)


@settings(max_examples=200, deadline=None)
@given(figures())
def test_the_point_is_the_share_weighted_mean_of_the_corners(figs):
    result = computation.evaluate(2024, figs, RATES)
    x = sum(float(result.shares[lever]) / 100 * CORNERS[lever][0] for lever in LEVERS)
    y = sum(float(result.shares[lever]) / 100 * CORNERS[lever][1] for lever in LEVERS)
    assert approx_point(result.point, (x, y))


@settings(max_examples=200, deadline=None)
@given(figures())
def test_financial_family_shares_add_up_to_a_hundred_when_there_is_money(figs):
    ind = computation.evaluate(2024, figs, RATES).indicators
    total = sum(ind.families.values())
    if ind.source_count:
        assert abs(total - 100) <= Decimal("1e-9")
    else:
        assert total == 0


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(list(FINANCIAL_SOURCES)), amounts))
def test_the_hhi_lies_between_ten_thousand_over_n_and_ten_thousand(sources):
    ind = computation.evaluate(2024, sources, RATES).indicators
    n = sum(1 for amount in sources.values() if amount)
    assert ind.source_count == n
    assert 0 <= ind.hhi <= Decimal(10000) + Decimal("1e-9")
    if n:
        assert ind.hhi >= Decimal(10000) / n - Decimal("1e-9")
    else:
        assert ind.hhi == 0


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(list(FINANCIAL_SOURCES)), positive_amounts, figures())
def test_one_source_alone_always_gives_an_hhi_of_ten_thousand(name, amount, others):
    figs = {**others, **dict.fromkeys(FINANCIAL_SOURCES, Decimal(0)), name: amount}
    ind = computation.evaluate(2024, figs, RATES).indicators
    assert ind.hhi == 10000
    assert ind.largest_source == name and ind.largest_share == 100


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(st.sampled_from([*FINANCIAL_SOURCES, *computation.IN_KIND_FIELDS]), positive_amounts, min_size=1),
    st.integers(min_value=1, max_value=1000),
)
def test_scaling_every_amount_leaves_the_shares_unchanged(money, k):
    # No richesses humaines, no partnerships: every lever is made of euros only.
    scaled = {name: amount * k for name, amount in money.items()}
    before = computation.evaluate(2024, money, RATES)
    after = computation.evaluate(2024, scaled, RATES)
    for lever in LEVERS:
        assert abs(after.shares[lever] - before.shares[lever]) <= Decimal("1e-9")
    assert abs(after.indicators.hhi - before.indicators.hhi) <= Decimal("1e-6")
    assert after.indicators.largest_source == before.indicators.largest_source
