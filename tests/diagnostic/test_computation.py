"""The arithmetic of « Mon modèle socio-économique »: hand-worked examples, edge cases, properties.

Pure functions: no database, no fixture. Every expected number is worked out by hand in a comment.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from diagnostic import computation
from diagnostic.computation import ACTIVATION_FIELDS, FAMILIES, FAMILY_LABELS, FINANCIAL_SOURCES, LEVERS

RATES = computation.Rates(volunteer_hour=Decimal(12), skills_day=Decimal(400))
# Modest: the whole diagnostic suite stays within a few seconds; the « ci » profile of tests/conftest.py still
# decides derandomisation and the example database.
PROPERTY = settings(max_examples=60, deadline=None)


def near(actual, expected, tol="1e-9"):
    return abs(Decimal(actual) - Decimal(str(expected))) <= Decimal(tol)


def levels(rh=(0, 0, 0, 0, 0), fin=(0, 0, 0), alliances=(0, 0, 0)):
    """The 11 answers, lever by lever in the référentiel's order (None: not answered)."""
    answers = (*rh, *fin, *alliances)
    return dict(zip(ACTIVATION_FIELDS, answers, strict=True))


def year(y, figures, target=False):
    return computation.evaluate(y, figures, RATES, is_target=target)


# The docstring's worked example.
EXAMPLE = levels(rh=(3, 2, 1, 0, 0), fin=(2, 2, 1), alliances=(1, 0, 2))


# ---- 1. Activation ---------------------------------------------------------------------------------------


def test_the_questionnaire_has_five_human_three_financial_and_three_alliance_components():
    assert len(ACTIVATION_FIELDS) == 11
    assert [spec[0] for spec in ACTIVATION_FIELDS.values()] == ["rh"] * 5 + ["fin"] * 3 + ["all"] * 3


def test_each_lever_activation_is_the_mean_level_out_of_three():
    result = computation.activation(EXAMPLE)
    # rh 3 + 2 + 1 + 0 + 0 = 6 out of 5 × 3 = 15 → 40 %; fin 5 / 9 = 55,6 %; alliances 3 / 9 = 33,3 %.
    assert result.levers["rh"] == 40
    assert near(result.levers["fin"], Decimal(500) / 9)
    assert near(result.levers["all"], Decimal(100) / 3)


def test_the_point_is_the_three_activations_normalised_to_a_hundred():
    point = computation.activation(EXAMPLE).point
    # Sum 40 + 500/9 + 100/3 = 1160/9 ≈ 128,9; rh 40 × 9 / 1160 = 9/29 = 31,0 %; fin 500/1160 = 43,1 %;
    # alliances 300/1160 = 25,9 %.
    assert near(point["rh"], Decimal(900) / 29)
    assert near(point["fin"], Decimal(50000) / 1160)
    assert near(point["all"], Decimal(30000) / 1160)
    assert [computation.round_to(point[lever]) for lever in LEVERS] == [Decimal("31.0"), Decimal("43.1"), Decimal("25.9")]


def test_the_intensity_is_the_plain_mean_of_the_three_activations():
    # (40 + 55,6 + 33,3) / 3 = (1160/9) / 3 = 1160/27 ≈ 43,0 %.
    intensity = computation.activation(EXAMPLE).intensity
    assert near(intensity, Decimal(1160) / 27)
    assert computation.round_to(intensity) == Decimal("43.0")


def test_the_least_activated_lever_is_the_weakest():
    # 33,3 % (alliances) < 40 % (rh) < 55,6 % (fin).
    assert computation.activation(EXAMPLE).weakest == "all"
    assert computation.activation(EXAMPLE).strongest == ["fin"]


def test_two_levers_tied_at_the_bottom_leave_no_weakest_lever():
    # rh 5 / 15 = 33,3 %, fin 3 / 9 = 33,3 %, alliances 6 / 9 = 66,7 %: neither is « the least activated ».
    tied = levels(rh=(1, 1, 1, 1, 1), fin=(1, 1, 1), alliances=(2, 2, 2))
    assert computation.activation(tied).weakest is None
    assert computation.activation(tied).strongest == ["all"]


def test_two_levers_tied_at_the_top_are_both_the_strongest():
    # rh 5 / 15 = 33,3 %, fin 6 / 9 = 66,7 %, alliances 6 / 9 = 66,7 %.
    tied = levels(rh=(1, 1, 1, 1, 1), fin=(2, 2, 2), alliances=(2, 2, 2))
    assert computation.activation(tied).strongest == ["fin", "all"]
    assert computation.activation(tied).weakest == "rh"


@pytest.mark.parametrize(("level", "band"), [(0, ""), (1, "faible"), (2, "forte"), (3, "forte")])
def test_the_intensity_band_puts_exact_thirds_in_their_band(level, band):
    # All « Ponctuel »: 33,3 % = one third, weak; all « Organisé »: 66,7 % = two thirds, strong.
    result = computation.activation(levels(rh=(level,) * 5, fin=(level,) * 3, alliances=(level,) * 3))
    assert result.band == (band or "faible")


def test_an_intensity_between_the_thirds_is_medium():
    # (40 + 55,6 + 33,3) / 3 = 43 %.
    assert computation.activation(EXAMPLE).band == "moyenne"


def test_a_complete_questionnaire_counts_its_eleven_answers():
    result = computation.activation(EXAMPLE)
    assert (result.answered, result.expected, result.complete, result.started) == (11, 11, True, True)


def test_a_lever_with_an_unanswered_component_is_incomplete_not_zero():
    # Stagiaires left blank: rh cannot be known; fin (5 / 9) and alliances (3 / 9) still can.
    result = computation.activation(levels(rh=(3, 2, 1, None, 0), fin=(2, 2, 1), alliances=(1, 0, 2)))
    assert result.levers["rh"] is None
    assert near(result.levers["fin"], Decimal(500) / 9)
    assert near(result.levers["all"], Decimal(100) / 3)
    assert result.answered == 10
    assert not result.complete


def test_an_incomplete_questionnaire_places_no_point_and_has_no_intensity():
    result = computation.activation(levels(rh=(3, 2, 1, None, 0), fin=(2, 2, 1), alliances=(1, 0, 2)))
    assert result.point is None
    assert result.intensity is None
    assert result.weakest is None  # never name a weakest lever from half the answers
    assert result.strongest == []


def test_missing_and_empty_answers_are_both_unanswered():
    figures = {**EXAMPLE, "level_interns": ""}
    del figures["level_alliances_means"]
    result = computation.activation(figures)
    assert result.answered == 9
    assert result.levers["rh"] is None and result.levers["all"] is None


def test_an_empty_questionnaire_is_not_started():
    result = computation.activation({})
    assert (result.answered, result.started, result.complete) == (0, False, False)
    assert result.levers == {"rh": None, "fin": None, "all": None}


def test_all_absent_gives_an_intensity_of_zero_and_no_point():
    # Complete, every lever at 0 %: the mean is 0, but 0 / 0 places no point in the triangle.
    result = computation.activation(levels())
    assert result.complete
    assert result.levers == {"rh": 0, "fin": 0, "all": 0}
    assert result.intensity == 0
    assert result.point is None


def test_a_balanced_weak_model_and_a_balanced_strong_model_share_a_point_but_not_an_intensity():
    # All « Ponctuel »: 33,3 % per lever; all « Stratégique »: 100 %. Both normalise to a third each.
    weak = computation.activation(levels(rh=(1,) * 5, fin=(1,) * 3, alliances=(1,) * 3))
    strong = computation.activation(levels(rh=(3,) * 5, fin=(3,) * 3, alliances=(3,) * 3))
    assert weak.point == strong.point
    for lever in LEVERS:
        assert near(weak.point[lever], Decimal(100) / 3)
    assert near(weak.intensity, Decimal(100) / 3)
    assert strong.intensity == 100


def test_answers_given_as_text_are_read_as_levels():
    assert computation.activation({**EXAMPLE, "level_salaried": "3"}).levers["rh"] == 40


@pytest.mark.parametrize("bad", [4, -1, 7])
def test_a_level_outside_zero_to_three_is_refused(bad):
    with pytest.raises(ValueError):
        computation.activation({**EXAMPLE, "level_salaried": bad})


def test_component_slugs_lead_back_to_their_questionnaire_field():
    assert computation.COMPONENT_FIELDS["alliances-de-moyens"] == "level_alliances_means"
    assert len(computation.COMPONENT_FIELDS) == 11


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=3), min_size=11, max_size=11))
def test_each_lever_activation_lies_between_zero_and_a_hundred_and_the_point_sums_to_a_hundred(answers):
    result = computation.activation(dict(zip(ACTIVATION_FIELDS, answers, strict=True)))
    for lever in LEVERS:
        assert 0 <= result.levers[lever] <= 100
    assert 0 <= result.intensity <= 100
    if any(answers):
        assert near(sum(result.point.values()), 100)
        assert all(0 <= share <= 100 for share in result.point.values())
    else:
        assert result.point is None


@PROPERTY
@given(st.lists(st.one_of(st.none(), st.integers(min_value=0, max_value=3)), min_size=11, max_size=11))
def test_a_lever_is_known_exactly_when_all_its_components_are_answered(answers):
    result = computation.activation(dict(zip(ACTIVATION_FIELDS, answers, strict=True)))
    for lever in LEVERS:
        own = [a for a, spec in zip(answers, ACTIVATION_FIELDS.values(), strict=True) if spec[0] == lever]
        assert (result.levers[lever] is None) == (None in own)
    assert (result.intensity is None) == (None in answers)


# ---- 2. Hybridation --------------------------------------------------------------------------------------

MIX = {"subsidies_state": 55000, "gifts_individuals": 15000, "revenue_sales": 30000}


def test_a_budget_splits_between_public_private_and_activity():
    # 55 000 + 15 000 + 30 000 = 100 000 €: 55 %, 15 %, 30 %, nothing in « autres ».
    mix = computation.hybridation(MIX)
    assert mix.total == 100000
    assert mix.shares == {"public": 55, "private": 15, "activity": 30, "other": 0}
    assert mix.point == {"public": 55, "private": 15, "activity": 30}


def test_other_resources_weigh_in_the_budget_but_stay_out_of_the_point():
    # + 10 000 € of « autres »: budget 110 000 €; 55/110 = 50 %, 15/110 = 13,6 %, 30/110 = 27,3 %, 10/110 = 9,1 %;
    # the point, on the three families only, stays at 55 / 15 / 30.
    mix = computation.hybridation({**MIX, "other_income": 10000})
    assert mix.total == 110000
    assert mix.amounts["other"] == 10000
    assert mix.shares["public"] == 50
    assert [computation.round_to(mix.shares[f]) for f in ("private", "activity", "other")] == [
        Decimal("13.6"), Decimal("27.3"), Decimal("9.1")]
    assert mix.point == {"public": 55, "private": 15, "activity": 30}


def test_public_procurement_counts_as_activity_and_is_reported_apart():
    # 40 000 € of subsidies, 20 000 € of commande publique, 40 000 € of sales: public 40 %, activity 60 %
    # of which commande publique 20 %.
    mix = computation.hybridation({"subsidies_local": 40000, "revenue_public_procurement": 20000, "revenue_sales": 40000})
    assert mix.shares["public"] == 40
    assert mix.shares["activity"] == 60
    assert mix.public_market == 20000
    assert mix.public_market_share == 20


def test_every_financial_source_belongs_to_one_family():
    assert {family for _, family in FINANCIAL_SOURCES.values()} == set(FAMILY_LABELS)
    assert FINANCIAL_SOURCES["crowdfunding"][1] == "private"
    assert FINANCIAL_SOURCES["societal_investment"][1] == "private"
    assert FINANCIAL_SOURCES["membership_fees"][1] == "activity"
    assert FINANCIAL_SOURCES["subsidies_europe"][1] == "public"


def test_a_year_without_money_has_no_shares_and_no_point():
    mix = computation.hybridation({})
    assert mix.total == 0
    assert set(mix.shares.values()) == {0}
    assert mix.point is None
    assert mix.public_market_share == 0


def test_only_other_resources_give_a_budget_but_no_point():
    mix = computation.hybridation({"other_income": 5000})
    assert mix.shares["other"] == 100
    assert mix.point is None


def test_missing_and_none_amounts_count_as_zero():
    assert computation.hybridation({**MIX, "crowdfunding": None}).total == 100000


money = st.integers(min_value=0, max_value=10**9)


@PROPERTY
@given(st.fixed_dictionaries({name: money for name in FINANCIAL_SOURCES}))
def test_family_shares_sum_to_a_hundred_whenever_there_is_a_budget(figures):
    mix = computation.hybridation(figures)
    if mix.total:
        assert near(sum(mix.shares.values()), 100)
        assert all(0 <= share <= 100 for share in mix.shares.values())
        assert mix.public_market_share <= mix.shares["activity"]
    else:
        assert mix.point is None
    if mix.point is not None:
        assert near(sum(mix.point.values()), 100)
        assert set(mix.point) == set(FAMILIES)


# ---- Concentration ---------------------------------------------------------------------------------------


def test_the_hhi_sums_the_squared_shares():
    # 70 %, 20 %, 10 %: 4 900 + 400 + 100 = 5 400.
    figures = {"revenue_sales": 70000, "subsidies_state": 20000, "gifts_individuals": 10000}
    result = computation.concentration(figures)
    assert result.hhi == 5400
    assert result.source_count == 3
    assert result.largest_source == "revenue_sales"
    assert result.largest_label == "Ventes et prestations"
    assert result.largest_share == 70


def test_a_single_source_gives_the_maximal_hhi_of_ten_thousand():
    result = computation.concentration({"crowdfunding": 1})
    assert result.hhi == 10000
    assert result.source_count == 1


def test_four_equal_sources_give_an_hhi_of_two_thousand_five_hundred():
    # 4 × 25² = 2 500.
    figures = dict.fromkeys(("subsidies_state", "gifts_foundations", "revenue_sales", "revenue_training"), 1000)
    result = computation.concentration(figures)
    assert result.hhi == 2500
    assert result.largest_source == "subsidies_state"  # ties: the first in the list of sources


def test_no_money_means_no_hhi_and_no_largest_source():
    result = computation.concentration({})
    assert (result.hhi, result.source_count, result.largest_source, result.largest_share) == (0, 0, None, 0)
    assert result.largest_label == ""


def test_other_resources_count_in_the_mix_but_are_never_the_largest_source():
    # 60 / 40 between « autres » and subsidies: 3 600 + 1 600 = 5 200; nothing is known of « autres », so the
    # largest source named is the subsidies, at 40 % of the budget.
    result = computation.concentration({"subsidies_state": 4, "other_income": 6})
    assert result.hhi == 5200
    assert (result.largest_source, result.largest_share) == ("subsidies_state", 40)
    assert computation.concentration({"other_income": 6}).largest_source is None


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=10**7), min_size=1, max_size=15))
def test_the_hhi_lies_between_ten_thousand_over_n_and_ten_thousand(amounts):
    hhi = computation.herfindahl([Decimal(a) for a in amounts])
    used = sum(1 for a in amounts if a)
    if used == 0:
        assert hhi == 0
    else:
        assert Decimal(10000) / used - Decimal("1e-6") <= hhi <= 10000 + Decimal("1e-6")


# ---- 3. Voluntary contributions --------------------------------------------------------------------------

VOLUNTEERS = {"volunteer_hours": 1200, "skills_days": 10, "in_kind_premises": 6000}


def test_contributions_are_valued_apart_and_compared_with_the_budget():
    # 1 200 h × 12 € = 14 400; 10 days × 400 € = 4 000; premises 6 000 → 24 400 €; 24 400 / 100 000 = 24,4 %.
    result = computation.contributions(VOLUNTEERS, RATES, Decimal(100000))
    assert result.parts == {"volunteering": 14400, "skills": 4000, "in_kind_premises": 6000,
                            "in_kind_equipment": 0, "in_kind_services": 0}
    assert result.total == 24400
    assert result.ratio == Decimal("24.4")


def test_contributions_without_a_budget_have_no_ratio():
    result = computation.contributions(VOLUNTEERS, RATES, Decimal(0))
    assert result.total == 24400
    assert result.ratio is None


def test_salaried_staff_and_head_counts_are_never_valued_as_contributions():
    heavy = {**VOLUNTEERS, "salaried_fte": 40, "volunteers_count": 500, "service_civique_months": 24, "intern_months": 12}
    assert computation.contributions(heavy, RATES, Decimal(1)).total == 24400


def test_contributions_are_never_added_to_the_budget():
    # The year's budget is its money only: 100 000 €, whatever the 24 400 € valued beside it.
    result = year(2024, {**MIX, **VOLUNTEERS})
    assert result.budget == 100000
    assert result.contributions.total == 24400
    assert result.contributions.ratio == Decimal("24.4")


# ---- One year, and the years together --------------------------------------------------------------------


def test_a_target_year_is_labelled_as_such():
    assert year(2027, MIX, target=True).label == "Cible 2027"
    assert year(2024, MIX).label == "2024"


def public_year(y, public, budget=100000, target=False):
    return year(y, {"subsidies_state": public, "revenue_sales": budget - public}, target)


def test_a_public_share_falling_from_55_to_45_to_35_loses_ten_points_twice_and_twenty_overall():
    path = computation.trajectory([public_year(2024, 35000), public_year(2022, 55000), public_year(2023, 45000)])
    assert [r.year for r in path.actual] == [2022, 2023, 2024]  # sorted, whatever the order given
    assert [step.family_points["public"] for step in path.steps] == [-10, -10]
    assert [step.family_points["activity"] for step in path.steps] == [10, 10]
    assert path.overall.family_points["public"] == -20
    assert path.overall.start.year == 2022 and path.overall.end.year == 2024
    assert path.latest.year == 2024 and path.previous.year == 2023


def test_the_gap_goes_from_the_latest_real_year_to_the_target():
    # 35 % now, 25 % aimed at: −10 points.
    path = computation.trajectory([public_year(2023, 45000), public_year(2024, 35000), public_year(2026, 25000, target=True)])
    assert path.target.year == 2026
    assert path.latest.year == 2024  # the target is never the latest real year
    assert path.gap.family_points["public"] == -10
    assert len(path.steps) == 1


def test_a_single_year_has_no_step_no_overall_change_and_no_previous_year():
    path = computation.trajectory([public_year(2024, 35000)])
    assert (path.steps, path.overall, path.gap, path.previous) == ([], None, None, None)


def test_no_year_at_all_gives_an_empty_trajectory():
    path = computation.trajectory([])
    assert (path.latest, path.previous, path.target, path.gap) == (None, None, None, None)


def test_the_budget_change_is_relative_to_the_earlier_year():
    # 120 000 → 100 000 €: −20 000 / 120 000 = −16,7 %.
    step = computation.change(public_year(2023, 60000, budget=120000), public_year(2024, 50000))
    assert near(step.budget_pct, Decimal(-50) / 3)


def test_no_budget_change_and_no_share_points_from_a_year_without_money():
    step = computation.change(year(2023, {}), public_year(2024, 50000))
    assert step.budget_pct is None
    assert step.family_points == {}


def test_lever_points_compare_activations_and_stay_unknown_where_a_year_is_unanswered():
    # 2023 all « Ponctuel » (33,3 %), 2024 the worked example: rh 40 − 33,3 = +6,7 points; fin +22,2;
    # alliances 0; intensity 43,0 − 33,3 = +9,6.
    before = year(2023, levels(rh=(1,) * 5, fin=(1,) * 3, alliances=(1,) * 3))
    step = computation.change(before, year(2024, EXAMPLE))
    assert near(step.lever_points["rh"], Decimal(20) / 3)
    assert near(step.lever_points["fin"], Decimal(200) / 9)
    assert near(step.lever_points["all"], 0)
    assert near(step.intensity_points, Decimal(1160) / 27 - Decimal(100) / 3)
    half = computation.change(year(2023, {"level_salaried": 3}), year(2024, EXAMPLE))
    assert half.lever_points == {"rh": None, "fin": None, "all": None}
    assert half.intensity_points is None


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=6))
def test_steps_in_points_add_up_to_the_overall_change(publics):
    path = computation.trajectory([public_year(2020 + i, public * 1000) for i, public in enumerate(publics)])
    for family in FAMILY_LABELS:
        assert near(sum(step.family_points[family] for step in path.steps), path.overall.family_points[family])
    assert path.overall.family_points["public"] == publics[-1] - publics[0]


# ---- Printed shares --------------------------------------------------------------------------------------


def test_printed_shares_add_up_to_exactly_one_hundred():
    # Three thirds: 33,333… each; to a tenth 33,3 × 3 = 99,9, so the largest remainder (the first on a tie)
    # takes the missing tenth.
    third = Decimal(100) / 3
    assert computation.rounded_shares({"a": third, "b": third, "c": third}) == {
        "a": Decimal("33.4"), "b": Decimal("33.3"), "c": Decimal("33.3")}
    # 32,43 / 40,54 / 27,03 (the trépied of the 2025 example): 40,54 has the largest remainder.
    shares = {"rh": Decimal("32.4324"), "fin": Decimal("40.5405"), "all": Decimal("27.0270")}
    assert computation.rounded_shares(shares) == {"rh": Decimal("32.4"), "fin": Decimal("40.6"), "all": Decimal("27.0")}


@PROPERTY
@given(st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=15).filter(any))
def test_printed_shares_of_any_budget_add_up_to_one_hundred_and_stay_within_a_tenth(amounts):
    total = sum(amounts)
    exact = {index: Decimal(amount) * 100 / total for index, amount in enumerate(amounts)}
    printed = computation.rounded_shares(exact)
    assert sum(printed.values()) == 100
    assert all(abs(printed[key] - exact[key]) < Decimal("0.1") for key in exact)


def test_changes_in_points_are_taken_between_the_printed_shares():
    # 45,04 % then 35,06 %: printed 45 % and 35,1 %, so the change reads −9,9 points, as the reader computes it.
    start = computation.evaluate(2024, {"subsidies_state": 4504, "revenue_sales": 5496}, RATES)
    end = computation.evaluate(2025, {"subsidies_state": 3506, "revenue_sales": 6494}, RATES)
    assert (start.hybridation.display["public"], end.hybridation.display["public"]) == (Decimal("45.0"), Decimal("35.1"))
    assert computation.change(start, end).family_points["public"] == Decimal("-9.9")
