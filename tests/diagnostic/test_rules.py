"""Recommendation rules: each indicator measured on the latest year, the four comparisons at their boundary,
the reason's placeholders and the sentence that says what a rule watches.

Pure functions: no database, no fixture. Rules are built as RuleSpec, the way the view reads them.
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from diagnostic import computation, rules
from diagnostic.rules import RuleSpec

RATES = computation.Rates(volunteer_hour=Decimal(12), skills_day=Decimal(400))
PROPERTY = settings(max_examples=60, deadline=None)
NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"

# 70 000 € of sales, 20 000 € of subsidies, 10 000 € of gifts: a 100 000 € budget.
MIX = {"revenue_sales": 70000, "subsidies_state": 20000, "gifts_individuals": 10000}
# The worked example: rh 6 / 15 = 40 %, fin 5 / 9 = 55,6 %, alliances 3 / 9 = 33,3 % (the weakest).
EXAMPLE_LEVELS = dict(zip(computation.ACTIVATION_FIELDS, (3, 2, 1, 0, 0, 2, 2, 1, 1, 0, 2), strict=True))


def year(y, figures, target=False):
    return computation.evaluate(y, figures, RATES, is_target=target)


def path(*years):
    return computation.trajectory(list(years))


def latest(figures):
    return path(year(2024, figures))


def rule(indicator, comparison="gt", threshold=0, reason="{valeur}", lever="", component=""):
    return RuleSpec(slug="regle", title="Règle", indicator=indicator, comparison=comparison,
                    threshold=Decimal(str(threshold)), reason=reason, lever=lever, component=component)


def value(spec, trajectory):
    found = rules.measure(spec, trajectory)
    return None if found is None else found.value


def fires(spec, trajectory):
    return rules.evaluate(spec, trajectory) is not None


def test_every_indicator_has_a_label_and_a_sentence():
    codes = [code for code, _ in rules.Indicator.CHOICES]
    assert len(codes) == 12
    assert set(codes) == set(rules.SUBJECTS)


# ---- The four comparisons, at the boundary -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparison", "threshold", "expected"),
    [
        # The measured value is 70 (%): strictly above 69.9 and 70 is not the same as reaching 70.
        ("gt", "69.9", True), ("gt", 70, False),
        ("gte", 70, True), ("gte", "70.1", False),
        ("lt", "70.1", True), ("lt", 70, False),
        ("lte", 70, True), ("lte", "69.9", False),
    ],
)
def test_each_comparison_holds_or_not_at_its_boundary(comparison, threshold, expected):
    assert fires(rule("largest_share", comparison, threshold), latest(MIX)) is expected


# One organisation, two years, on which every indicator can be measured:
# 2023: 125 000 € of sales; 2024: MIX (100 000 €), the worked example's answers, 24 400 € of contributions.
EVERYTHING = path(
    year(2023, {"revenue_sales": 125000}),
    year(2024, {**MIX, **EXAMPLE_LEVELS, "volunteer_hours": 1200, "skills_days": 10, "in_kind_premises": 6000}),
)
MEASURED = [
    # (indicator, lever or component, value worked by hand)
    ("largest_share", "", Decimal(70)),  # sales 70 000 / 100 000
    ("public_share", "", Decimal(20)),
    ("private_share", "", Decimal(10)),
    ("activity_share", "", Decimal(70)),
    ("hhi", "", Decimal(5400)),  # 70² + 20² + 10²
    ("source_count", "", Decimal(3)),
    ("weakest_lever", "alliances", Decimal(100) / 3),  # 3 / 9
    ("lever_activation", "richesses-humaines", Decimal(40)),  # 6 / 15
    ("component_level", "alliances-de-moyens", Decimal(2)),
    ("budget_change", "", Decimal(-20)),  # (100 000 − 125 000) / 125 000
    ("contributions_ratio", "", Decimal("24.4")),  # 24 400 / 100 000
]


def boundary_rule(indicator, target, comparison, threshold):
    key = "component" if indicator == "component_level" else "lever"
    return RuleSpec(slug="regle", title="Règle", indicator=indicator, comparison=comparison, threshold=threshold,
                    reason="{valeur}", **{key: target})


@pytest.mark.parametrize(("indicator", "target", "expected"), MEASURED, ids=[row[0] for row in MEASURED])
def test_every_indicator_fires_at_its_boundary_as_its_comparison_says(indicator, target, expected):
    assert abs(rules.measure(boundary_rule(indicator, target, "gt", 0), EVERYTHING).value - expected) < Decimal("1e-20")
    exactly = {comparison: fires(boundary_rule(indicator, target, comparison, expected), EVERYTHING)
               for comparison in rules.COMPARISONS}
    assert exactly == {"gt": False, "gte": True, "lt": False, "lte": True}
    step = Decimal("0.01")
    assert fires(boundary_rule(indicator, target, "gt", expected - step), EVERYTHING)
    assert not fires(boundary_rule(indicator, target, "gte", expected + step), EVERYTHING)
    assert fires(boundary_rule(indicator, target, "lt", expected + step), EVERYTHING)
    assert not fires(boundary_rule(indicator, target, "lte", expected - step), EVERYTHING)


def test_an_unknown_comparison_never_fires():
    assert not fires(rule("largest_share", "eq", 70), latest(MIX))


def test_an_unknown_indicator_measures_nothing():
    assert rules.measure(rule("happiness"), latest(MIX)) is None


def test_no_year_at_all_measures_nothing():
    assert rules.measure(rule("public_share"), path()) is None


# ---- The financial indicators ------------------------------------------------------------------------------


def test_the_largest_share_names_its_source():
    found = rules.measure(rule("largest_share"), latest(MIX))
    assert found.value == 70
    assert found.text == f"70{NBSP}%"
    assert found.extra == {"source": "Ventes et prestations"}


def test_a_largest_share_above_fifty_fires_with_its_sentence():
    spec = rule("largest_share", "gt", 50, reason="{source} pèse {valeur} de vos ressources en {annee}.")
    fired = rules.evaluate(spec, latest(MIX))
    assert fired.spec is spec
    assert fired.value == 70
    assert fired.sentence == f"Ventes et prestations pèse 70{NBSP}% de vos ressources en 2024."


@pytest.mark.parametrize(
    ("indicator", "expected"),
    # 55 000 public, 15 000 private, 20 000 of commande publique + 10 000 of sales (activity): of 100 000 €.
    [("public_share", 55), ("private_share", 15), ("activity_share", 30)],
)
def test_each_family_share_is_a_percentage_of_the_budget(indicator, expected):
    figures = {"subsidies_state": 55000, "gifts_foundations": 15000, "revenue_public_procurement": 20000,
               "revenue_sales": 10000}
    assert value(rule(indicator), latest(figures)) == expected
    assert fires(rule(indicator, "gte", expected), latest(figures))
    assert not fires(rule(indicator, "gt", expected), latest(figures))


def test_a_public_share_of_55_percent_fires_the_dependency_rule():
    spec = rule("public_share", "gt", 50, reason="Les ressources publiques font {valeur} de votre budget.")
    fired = rules.evaluate(spec, latest({"subsidies_local": 55000, "revenue_sales": 45000}))
    assert fired.sentence == f"Les ressources publiques font 55{NBSP}% de votre budget."


def test_public_procurement_is_not_counted_as_public_share():
    # Commande publique is revenue from activity: 100 % activity, 0 % public.
    only_procurement = latest({"revenue_public_procurement": 1000})
    assert value(rule("public_share"), only_procurement) == 0
    assert value(rule("activity_share"), only_procurement) == 100


def test_other_resources_dilute_the_family_shares():
    # 50 000 public + 50 000 « autres »: 50 % public, not 100 %.
    assert value(rule("public_share"), latest({"subsidies_state": 50000, "other_income": 50000})) == 50


def test_the_hhi_of_70_20_10_is_5400_and_fires_above_2500():
    # 70² + 20² + 10² = 4 900 + 400 + 100 = 5 400.
    found = rules.measure(rule("hhi"), latest(MIX))
    assert found.value == 5400
    assert found.text == f"5{NNBSP}400"
    assert fires(rule("hhi", "gt", 2500), latest(MIX))
    assert fires(rule("hhi", "lte", 5400), latest(MIX))
    assert not fires(rule("hhi", "gt", 5400), latest(MIX))


def test_three_sources_are_not_fewer_than_three():
    found = rules.measure(rule("source_count"), latest(MIX))
    assert (found.value, found.text) == (3, "3")
    assert not fires(rule("source_count", "lt", 3), latest(MIX))
    assert fires(rule("source_count", "lte", 3), latest(MIX))
    assert fires(rule("source_count", "lt", 3), latest({"revenue_sales": 1, "crowdfunding": 1}))


@pytest.mark.parametrize(
    "indicator", ["largest_share", "public_share", "private_share", "activity_share", "hhi", "source_count",
                  "contributions_ratio"],
)
def test_a_year_without_a_budget_measures_no_financial_indicator(indicator):
    # Voluntary contributions alone make no budget: the ratio has nothing to be a ratio of.
    no_money = latest({"volunteer_hours": 100, **EXAMPLE_LEVELS})
    assert rules.measure(rule(indicator), no_money) is None
    assert not fires(rule(indicator, "gte", 0), no_money)
    assert not fires(rule(indicator, "lte", 0), no_money)


def test_the_contributions_ratio_is_measured_against_the_budget():
    # 1 200 h × 12 € + 10 days × 400 € + 6 000 € of premises = 24 400 €, of a 100 000 € budget: 24,4 %.
    figures = {**MIX, "volunteer_hours": 1200, "skills_days": 10, "in_kind_premises": 6000}
    found = rules.measure(rule("contributions_ratio"), latest(figures))
    assert found.value == Decimal("24.4")
    assert found.text == f"24,4{NBSP}%"
    assert fires(rule("contributions_ratio", "gte", "24.4"), latest(figures))
    assert not fires(rule("contributions_ratio", "gt", "24.4"), latest(figures))


def test_salaried_staff_add_nothing_to_the_contributions_ratio():
    # 12 FTE and no contribution typed: nothing to measure (none and « not counted » look alike), no rule fires.
    assert rules.measure(rule("contributions_ratio"), latest({**MIX, "salaried_fte": 12})) is None
    assert not fires(rule("contributions_ratio", "lt", 5), latest({**MIX, "salaried_fte": 12}))


# ---- The lever indicators ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lever", "expected"), [("richesses-humaines", False), ("financement", False), ("alliances", True)])
def test_only_the_weakest_levers_rule_fires(lever, expected):
    # alliances 33,3 % is the weakest: « weakest_lever alliances lt 60 » fires, the two others stay silent
    # although rh (40 %) and fin (55,6 %) are also under 60.
    assert fires(rule("weakest_lever", "lt", 60, lever=lever), latest(EXAMPLE_LEVELS)) is expected


def test_the_weakest_lever_gives_its_activation_and_its_name():
    spec = rule("weakest_lever", "lt", 60, lever="alliances", reason="Le levier {levier} n’est activé qu’à {valeur}.")
    fired = rules.evaluate(spec, latest(EXAMPLE_LEVELS))
    assert abs(fired.value - Decimal(100) / 3) < Decimal("1e-9")
    assert fired.sentence == f"Le levier alliances n’est activé qu’à 33,3{NBSP}%."


def test_levers_tied_at_the_bottom_fire_no_weakest_lever_rule():
    # rh 5 / 15 = 33,3 %, fin 3 / 9 = 33,3 %: neither is « the least activated »; alliances 6 / 9 = 66,7 % is not
    # either. Saying « financement is the weakest, while rh is more developed » would be false.
    tied = latest(dict(zip(computation.ACTIVATION_FIELDS, (1,) * 8 + (2,) * 3, strict=True)))
    for lever in ("richesses-humaines", "financement", "alliances"):
        assert not fires(rule("weakest_lever", "lt", 100, lever=lever), tied)
    assert fires(rule("lever_activation", "lt", 60, lever="financement"), tied)  # the plain activation still measures


def test_the_weakest_lever_is_unknown_while_the_questionnaire_is_incomplete():
    # Alliances is the lowest of the levers answered, but rh has a blank: no lever is named the weakest.
    incomplete = latest({**EXAMPLE_LEVELS, "level_interns": None})
    assert rules.measure(rule("weakest_lever", lever="alliances"), incomplete) is None


def test_the_weakest_lever_still_compares_with_its_threshold():
    # 33,3 % is the weakest but not under 30.
    assert not fires(rule("weakest_lever", "lt", 30, lever="alliances"), latest(EXAMPLE_LEVELS))


@pytest.mark.parametrize(
    ("lever", "expected"),
    [("richesses-humaines", Decimal(40)), ("financement", Decimal(500) / 9), ("alliances", Decimal(100) / 3)],
)
def test_the_lever_activation_is_measured_for_any_lever(lever, expected):
    found = rules.measure(rule("lever_activation", lever=lever), latest(EXAMPLE_LEVELS))
    assert abs(found.value - expected) < Decimal("1e-9")
    assert found.extra == {"levier": {"richesses-humaines": "richesses humaines"}.get(lever, lever)}


def test_the_lever_activation_boundaries():
    # rh is exactly 40 %.
    assert fires(rule("lever_activation", "lte", 40, lever="richesses-humaines"), latest(EXAMPLE_LEVELS))
    assert not fires(rule("lever_activation", "lt", 40, lever="richesses-humaines"), latest(EXAMPLE_LEVELS))
    assert fires(rule("lever_activation", "gte", 40, lever="richesses-humaines"), latest(EXAMPLE_LEVELS))


def test_a_lever_activation_is_unknown_while_one_of_its_components_is_unanswered():
    incomplete = latest({**EXAMPLE_LEVELS, "level_interns": None})
    assert rules.measure(rule("lever_activation", lever="richesses-humaines"), incomplete) is None
    # Financement is fully answered and still measured.
    assert rules.measure(rule("lever_activation", lever="financement"), incomplete) is not None


@pytest.mark.parametrize("lever", ["", "rh", "inconnu"])
def test_a_lever_rule_without_a_known_lever_slug_measures_nothing(lever):
    assert rules.measure(rule("lever_activation", lever=lever), latest(EXAMPLE_LEVELS)) is None
    assert rules.measure(rule("weakest_lever", lever=lever), latest(EXAMPLE_LEVELS)) is None


# ---- The component indicator -------------------------------------------------------------------------------


def test_a_component_answered_absent_fires_the_absent_rule():
    spec = rule("component_level", "lte", 0, component="alliances-de-moyens",
                reason="La composante «{composante}» est {valeur}.")
    fired = rules.evaluate(spec, latest({**EXAMPLE_LEVELS, "level_alliances_means": 0}))
    assert fired.value == 0
    assert fired.sentence == "La composante «Alliances de moyens» est absent."


def test_the_component_level_is_its_answer():
    # Alliances de moyens answered 2, « Organisé ».
    found = rules.measure(rule("component_level", component="alliances-de-moyens"), latest(EXAMPLE_LEVELS))
    assert (found.value, found.text, found.extra) == (2, "organisé", {"composante": "Alliances de moyens"})
    assert not fires(rule("component_level", "lte", 0, component="alliances-de-moyens"), latest(EXAMPLE_LEVELS))
    assert fires(rule("component_level", "lte", 2, component="alliances-de-moyens"), latest(EXAMPLE_LEVELS))
    assert not fires(rule("component_level", "lt", 2, component="alliances-de-moyens"), latest(EXAMPLE_LEVELS))


def test_an_unanswered_component_measures_nothing_so_no_rule_fires_on_it():
    blank = latest({**EXAMPLE_LEVELS, "level_alliances_means": None})
    for comparison in rules.COMPARISONS:
        for threshold in (0, 3):
            assert not fires(rule("component_level", comparison, threshold, component="alliances-de-moyens"), blank)


def test_an_unknown_component_measures_nothing():
    assert rules.measure(rule("component_level", component="inconnue"), latest(EXAMPLE_LEVELS)) is None


# ---- Budget change -----------------------------------------------------------------------------------------


def budget(y, amount, target=False):
    return year(y, {"revenue_sales": amount}, target)


def test_a_budget_falling_from_120000_to_100000_changes_by_minus_16_7_percent():
    # (100 000 − 120 000) / 120 000 = −16,67 %.
    spec = rule("budget_change", "lt", -10, reason="Vos ressources ont évolué de {valeur} depuis {annee_precedente}.")
    fired = rules.evaluate(spec, path(budget(2023, 120000), budget(2024, 100000)))
    assert abs(fired.value - Decimal(-50) / 3) < Decimal("1e-9")
    assert fired.sentence == f"Vos ressources ont évolué de {MINUS}16,7{NBSP}% depuis 2023."


def test_a_growing_budget_is_written_with_a_plus_sign():
    # 100 000 → 125 000: +25 %.
    found = rules.measure(rule("budget_change"), path(budget(2023, 100000), budget(2024, 125000)))
    assert (found.value, found.text) == (25, f"+25{NBSP}%")
    assert rules.measure(rule("budget_change"), path(budget(2023, 1), budget(2024, 1))).text == f"0{NBSP}%"


def test_a_ten_percent_fall_is_not_below_minus_ten():
    ten_off = path(budget(2023, 100000), budget(2024, 90000))
    assert not fires(rule("budget_change", "lt", -10), ten_off)
    assert fires(rule("budget_change", "lte", -10), ten_off)


def test_a_single_year_has_no_budget_change():
    assert rules.measure(rule("budget_change"), path(budget(2024, 100000))) is None


def test_a_previous_year_without_a_budget_gives_no_budget_change():
    assert rules.measure(rule("budget_change"), path(budget(2023, 0), budget(2024, 100000))) is None


def test_the_budget_change_compares_the_two_latest_real_years_and_ignores_the_target():
    # 2022 200 000, 2023 120 000, 2024 100 000, target 2026 300 000: measured 2023 → 2024 only.
    trajectory = path(budget(2026, 300000, target=True), budget(2024, 100000), budget(2022, 200000), budget(2023, 120000))
    found = rules.measure(rule("budget_change"), trajectory)
    assert found.extra == {"annee_precedente": "2023"}
    assert abs(found.value - Decimal(-50) / 3) < Decimal("1e-9")


def test_rules_read_the_latest_real_year_never_the_target():
    # 2024: 20 % public; target 2026: 80 % public. « public_share gt 50 » stays silent.
    trajectory = path(year(2024, {"subsidies_state": 20, "revenue_sales": 80}),
                      year(2026, {"subsidies_state": 80, "revenue_sales": 20}, target=True))
    assert value(rule("public_share"), trajectory) == 20
    assert rules.evaluate(rule("public_share", "gt", 10, reason="{annee}"), trajectory).sentence == "2024"


# ---- Reasons -----------------------------------------------------------------------------------------------


def test_a_reason_fills_its_placeholders():
    assert rules.render_reason("{source} : {valeur} en {annee}", {"source": "Dons", "valeur": "42 %", "annee": "2024"}) \
        == "Dons : 42 % en 2024"


def test_an_unknown_placeholder_renders_as_nothing():
    assert rules.render_reason("Avant {inconnu}après", {"valeur": "1"}) == "Avant après"


@pytest.mark.parametrize("reason", ["Un { seul", "Un } seul", "{valeur", "{0}", "{}", "{valeur!z}", "{valeur.attribut}"])
def test_a_broken_reason_is_shown_as_written_rather_than_failing(reason):
    assert rules.render_reason(reason, {"valeur": "42 %"}) == reason


def test_doubled_braces_are_literal_braces():
    assert rules.render_reason("{{valeur}} = {valeur}", {"valeur": "42 %"}) == "{valeur} = 42 %"


def test_a_reason_with_known_placeholders_has_no_problem():
    every = " ".join(f"{{{name}}}" for name in rules.SAMPLE_PLACEHOLDERS)
    assert rules.reason_problems(every) == []
    assert rules.reason_problems("Pas de variable, {{ accolades doublées }}.") == []


def test_unknown_placeholders_are_listed():
    assert rules.reason_problems("{valeur} {value} {annee} {levier_nom}") == ["value", "levier_nom"]


@pytest.mark.parametrize("reason", ["Un { seul", "Un } seul", "{valeur", "valeur}"])
def test_a_reason_with_a_stray_brace_is_reported(reason):
    assert rules.reason_problems(reason) == ["accolade non fermée (écrivez {{ et }} pour une accolade seule)"]


@pytest.mark.parametrize(("reason", "problem"), [
    ("{}", "{} vide"), ("{valeur:d}", "{valeur} mal formé"), ("{valeur!z}", "{valeur} mal formé"),
    ("{annee:%}", "{annee} mal formé"), ("{source[nom]}", "{source[nom]} mal formé"), ("{valeur.x}", "{valeur.x} mal formé"),
])
def test_anything_but_a_bare_known_name_between_braces_is_refused_on_save(reason, problem):
    assert rules.reason_problems(reason) == [problem]


@pytest.mark.parametrize("reason", ["{valeur[x]}", "{source[nom]}", "{valeur:{levier}}", "{valeur!z}"])
def test_a_malformed_reason_saved_without_checks_still_renders_as_typed(reason):
    assert rules.render_reason(reason, rules.SAMPLE_PLACEHOLDERS) == reason


# Pieces a reason is typed from, good and bad: hypothesis glues them together.
REASON_PIECES = ["{valeur}", "{annee}", "{valeur", "{source", "{inconnu}", "{", "}", "{{", "}}", "[0]", "[x]", ".y",
                 "!r", ":>8", "Vos ressources ", "%", " "]


@PROPERTY
@given(st.lists(st.sampled_from(REASON_PIECES), max_size=8).map("".join))
def test_a_reason_accepted_on_save_always_renders(reason):
    if rules.reason_problems(reason):
        return
    rendered = rules.render_reason(reason, rules.SAMPLE_PLACEHOLDERS)
    assert isinstance(rendered, str)
    if "{" not in reason and "}" not in reason:
        assert rendered == reason


# ---- What the page says a rule watches ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("hhi", "gt", 2500), f"l’indice de concentration des ressources dépasse 2{NNBSP}500"),
        (("public_share", "gte", "50"), f"la part des ressources publiques atteint ou dépasse 50{NBSP}%"),
        (("source_count", "lt", 3), "le nombre de catégories de ressources reste sous 3"),
        (("contributions_ratio", "lte", "12.5"),
         f"le rapport des contributions volontaires au budget ne dépasse pas 12,5{NBSP}%"),
        (("budget_change", "lt", -10), f"l’évolution du budget depuis l’année précédente reste sous {MINUS}10{NBSP}%"),
        (("weakest_lever", "lt", 60, "Alliances"),
         f"le levier «{NBSP}Alliances{NBSP}», s’il est le moins activé, a une activation qui reste sous 60{NBSP}%"),
        (("lever_activation", "gte", 80, "Financement"),
         f"l’activation du levier «{NBSP}Financement{NBSP}» atteint ou dépasse 80{NBSP}%"),
        (("component_level", "lte", 0, "Alliances de moyens"),
         f"la composante «{NBSP}Alliances de moyens{NBSP}» est déclarée absente"),
        (("component_level", "lt", 2, "Bénévoles"),
         f"le niveau de la composante «{NBSP}Bénévoles{NBSP}» (0 absent à 3 stratégique) reste sous 2"),
    ],
)
def test_the_condition_reads_as_a_french_sentence(args, expected):
    assert rules.condition_text(*args) == expected


def test_a_condition_on_an_unknown_indicator_or_comparison_falls_back_to_its_codes():
    assert rules.condition_text("autre", "eq", 1) == "autre eq 1"


# ---- Change of the public share, and what cannot be measured ------------------------------------------------


def test_a_fall_of_the_public_share_fires_with_its_points_and_the_previous_year():
    # 45 % then 35 % of a 100 000 € budget: −10 points.
    spec = rule("public_share_change", "lt", -5, reason="De {annee_precedente} à {annee} : {valeur}.")
    trajectory = path(year(2024, {"subsidies_local": 45000, "revenue_sales": 55000}),
                      year(2025, {"subsidies_local": 35000, "revenue_sales": 65000}))
    fired = rules.evaluate(spec, trajectory)
    assert fired.value == -10
    assert fired.sentence == f"De 2024 à 2025 : \u221210{NBSP}points."
    assert not fires(rule("public_share_change", "lt", -10), trajectory)  # −10 is not under −10
    assert not fires(spec, latest({"subsidies_local": 35000}))  # one year: nothing to compare


def test_money_only_in_other_resources_measures_no_family_share():
    # 10 000 € of « autres »: 0 % of activity revenue would be true of the form, not of the organisation.
    only_other = latest({"other_income": 10000})
    for code in ("public_share", "private_share", "activity_share", "largest_share"):
        assert rules.measure(rule(code), only_other) is None, code
    assert rules.measure(rule("source_count"), only_other).value == 1


def test_a_year_without_money_after_a_year_with_money_is_no_fall_of_the_budget():
    # 2025 holds only answers: « −100 % » would be false, the budget was simply not typed.
    trajectory = path(year(2024, {"subsidies_local": 1000}), year(2025, {"level_volunteers": 2}))
    assert rules.measure(rule("budget_change"), trajectory) is None
    assert rules.measure(rule("public_share_change"), trajectory) is None
