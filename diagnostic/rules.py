"""Recommendation rules, evaluated without the database: a rule is data (staff edit it in the admin), this
module only measures an indicator on the latest year and compares it with the rule's threshold.

Worked examples, each with the shipped rule it fires (fixtures/diagnostic.toml):

- public subsidies 55,000 € out of a 100,000 € budget: ``public_share`` = 55 (%), so « public_share gt 50 »
  fires and its sentence reads « … 55 % … »;
- sources 70,000 €, 20,000 € and 10,000 €: ``largest_share`` = 70, ``hhi`` = 70² + 20² + 10² = 5,400,
  ``source_count`` = 3: « largest_share gt 50 » and « hhi gt 2500 » fire, « source_count lt 3 » does not;
- activations rh 40 %, fin 55.6 %, alliances 33.3 %: alliances is the weakest, so « weakest_lever alliances lt
  60 » fires (33.3 < 60) while the two other weakest-lever rules stay silent (and none fires on a tie);
- « Alliances de moyens » answered « Absent » (0): « component_level alliances-de-moyens lte 0 » fires; an
  unanswered component measures nothing, so no rule fires on it;
- budget 120,000 € then 100,000 €: ``budget_change`` = −16.7 (%), so « budget_change lt -10 » fires; with a
  single year there is nothing to compare and the rule stays silent;
- public share 45 % then 35 %: ``public_share_change`` = −10 (points), so « public_share_change lt -5 » fires.

An indicator that cannot be measured honestly measures nothing, and no rule fires on it: shares without money in
the three families, contributions when none was typed, a change without a previous budget, a lever that ties.
"""

import string
from dataclasses import dataclass
from decimal import Decimal

from diagnostic import computation
from diagnostic.numbers import format_number, format_percent, format_points, format_variation


class Indicator:
    """Codes stored in RecommendationRule.indicator, with the label staff read in the admin."""

    CHOICES = [
        ("largest_share", "Part de la première catégorie de ressources (%)"),
        ("public_share", "Part des ressources publiques (%)"),
        ("private_share", "Part des ressources privées non marchandes (%)"),
        ("activity_share", "Part des revenus d’activité (%)"),
        ("hhi", "Indice de concentration des ressources (0 à 10 000)"),
        ("source_count", "Nombre de catégories de ressources"),
        ("weakest_lever", "Activation du levier choisi, s’il est le moins activé (%)"),
        ("lever_activation", "Activation du levier choisi (%)"),
        ("component_level", "Niveau de la composante choisie (0 absent à 3 stratégique)"),
        ("budget_change", "Évolution des ressources depuis l’année précédente (%)"),
        ("public_share_change", "Évolution de la part des ressources publiques depuis l’année précédente (points)"),
        ("contributions_ratio", "Contributions volontaires rapportées au budget (%)"),
    ]
    NEEDS_LEVER = {"weakest_lever", "lever_activation"}
    NEEDS_COMPONENT = {"component_level"}


COMPARISONS = {
    "gt": ("dépasse", lambda value, threshold: value > threshold),
    "gte": ("atteint ou dépasse", lambda value, threshold: value >= threshold),
    "lt": ("reste sous", lambda value, threshold: value < threshold),
    "lte": ("ne dépasse pas", lambda value, threshold: value <= threshold),
}
COMPARISON_CHOICES = [("gt", "dépasse (>)"), ("gte", "atteint ou dépasse (≥)"), ("lt", "reste sous (<)"),
                      ("lte", "ne dépasse pas (≤)")]
# How the page says what a rule measures: « quand {subject} {comparison} {threshold}{unit} ».
SUBJECTS = {
    "largest_share": ("la part de la première catégorie de ressources", "\u00a0%"),
    "public_share": ("la part des ressources publiques", "\u00a0%"),
    "private_share": ("la part des ressources privées non marchandes", "\u00a0%"),
    "activity_share": ("la part des revenus d’activité", "\u00a0%"),
    "hhi": ("l’indice de concentration des ressources", ""),
    "source_count": ("le nombre de catégories de ressources", ""),
    "weakest_lever": ("le levier «\u00a0{target}\u00a0», s’il est le moins activé, a une activation qui", "\u00a0%"),
    "lever_activation": ("l’activation du levier «\u00a0{target}\u00a0»", "\u00a0%"),
    "component_level": ("le niveau de la composante «\u00a0{target}\u00a0» (0 absent à 3 stratégique)", ""),
    "budget_change": ("l’évolution du budget depuis l’année précédente", "\u00a0%"),
    "public_share_change": ("l’évolution de la part des ressources publiques depuis l’année précédente", "\u00a0points"),
    "contributions_ratio": ("le rapport des contributions volontaires au budget", "\u00a0%"),
}
# Values used to check a reason's placeholders when staff save a rule.
SAMPLE_PLACEHOLDERS = {"valeur": "55\u00a0%", "source": "Subventions", "levier": "alliances", "composante": "Bénévoles",
                       "annee": "2025", "annee_precedente": "2024"}
LEVER_KEYS = {slug: key for key, slug in computation.LEVER_SLUGS.items()}


@dataclass(frozen=True)
class RuleSpec:
    slug: str
    title: str
    indicator: str
    comparison: str
    threshold: Decimal
    reason: str
    lever: str = ""  # lever slug, for the lever indicators
    component: str = ""  # component slug, for component_level


@dataclass(frozen=True)
class Measure:
    value: Decimal
    text: str  # the value as the sentence writes it
    extra: dict  # more placeholders


def condition_text(indicator, comparison, threshold, target=""):
    """« l’indice de concentration des ressources dépasse 2 500 »; « la composante « Alliances de moyens »
    est déclarée absente » for the usual « level ≤ 0 »."""
    if indicator == "component_level" and comparison == "lte" and Decimal(threshold) == 0:
        return f"la composante «\u00a0{target}\u00a0» est déclarée absente"
    subject, unit = SUBJECTS.get(indicator, (indicator, ""))
    verb = COMPARISONS.get(comparison, (comparison,))[0]
    number = Decimal(threshold)
    text = format_number(number, 2) if number >= 0 else "\u2212" + format_number(-number, 2)
    return f"{subject.format(target=target)} {verb} {text}{unit}"


def measure(spec, trajectory):
    """The indicator of ``spec`` on the latest real year, or None when it cannot be measured honestly."""
    latest, previous = trajectory.latest, trajectory.previous
    if latest is None:
        return None
    code, mix = spec.indicator, latest.hybridation
    if code in {"largest_share", "hhi", "source_count", "contributions_ratio", "budget_change",
                "public_share_change"} and not mix.total:
        return None  # no budget: no share, no concentration, nothing to compare
    if code in {"largest_share", "public_share", "private_share", "activity_share"} and mix.point is None:
        return None  # no money in the three families (none, or only « autres »): their shares say nothing
    if code == "largest_share":
        share = latest.concentration.largest_share
        return Measure(share, format_percent(share), {"source": latest.concentration.largest_label})
    if code in {"public_share", "private_share", "activity_share"}:
        share = mix.shares[code.removesuffix("_share")]
        return Measure(share, format_percent(share), {})
    if code == "hhi":
        return Measure(latest.concentration.hhi, format_number(latest.concentration.hhi, 0), {})
    if code == "source_count":
        count = latest.concentration.source_count
        return Measure(Decimal(count), str(count), {})
    if code == "contributions_ratio":
        if not latest.contributions.total:
            return None  # nothing typed: « none » and « not counted » cannot be told apart
        ratio = latest.contributions.ratio
        return Measure(ratio, format_percent(ratio), {})
    if code in Indicator.NEEDS_LEVER:
        lever = LEVER_KEYS.get(spec.lever)
        value = latest.activation.levers.get(lever) if lever else None
        if value is None or (code == "weakest_lever" and lever != latest.activation.weakest):
            return None
        return Measure(value, format_percent(value), {"levier": computation.LEVER_LABELS[lever].lower()})
    if code == "component_level":
        field = computation.COMPONENT_FIELDS.get(spec.component)
        level = latest.activation.levels.get(field) if field else None
        if level is None:
            return None
        return Measure(Decimal(level), computation.LEVELS[level].lower(),
                       {"composante": computation.ACTIVATION_FIELDS[field][2]})
    if code == "budget_change":
        if previous is None or not previous.budget:
            return None
        pct = (latest.budget - previous.budget) * computation.HUNDRED / previous.budget
        return Measure(pct, format_variation(pct), {"annee_precedente": str(previous.year)})
    if code == "public_share_change":
        if previous is None or not previous.budget:
            return None
        points = latest.hybridation.display["public"] - previous.hybridation.display["public"]
        return Measure(points, format_points(points), {"annee_precedente": str(previous.year)})
    return None


@dataclass(frozen=True)
class Fired:
    spec: RuleSpec
    value: Decimal
    sentence: str


def evaluate(spec, trajectory):
    """A Fired when the rule's condition holds on the latest year, else None."""
    found = measure(spec, trajectory)
    if found is None or spec.comparison not in COMPARISONS:
        return None
    if not COMPARISONS[spec.comparison][1](found.value, Decimal(spec.threshold)):
        return None
    placeholders = {"valeur": found.text, "annee": str(trajectory.latest.year), **found.extra}
    return Fired(spec, found.value, render_reason(spec.reason, placeholders))


class _Blank(dict):
    def __missing__(self, key):
        return ""


def render_reason(reason, placeholders):
    """``str.format_map`` that never fails on a stray brace or an unknown name (checked on save anyway)."""
    try:
        return reason.format_map(_Blank(placeholders))
    except (ValueError, IndexError, AttributeError, KeyError, TypeError):
        return reason


def reason_problems(reason):
    """What staff must fix in ``reason``: unknown placeholders (« {valeurs} »), or anything other than a bare
    name between braces (« {} », « {valeur:d} », « {valeur!r} », « {source[0]} »), which could not be filled."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(reason)
                  if name is not None]
    except ValueError:
        return ["accolade non fermée (écrivez {{ et }} pour une accolade seule)"]
    problems = []
    for name, spec, conversion in fields:
        if not name:
            problems.append("{} vide")
        elif spec or conversion or name not in SAMPLE_PLACEHOLDERS:
            problems.append(name if name.isidentifier() and not (spec or conversion) else f"{{{name}}} mal formé")
    return problems
