"""The result page of a diagnostic: every year evaluated, the trajectory, and fiches to read next."""

from dataclasses import dataclass

from django.db.models import Q

from diagnostic import computation
from diagnostic.numbers import format_percent
from diagnostic.chart import BAR_WIDTH, LABEL_WIDTH, bars_height, financial_bars, ternary
from resources.models import Fiche

LEVER_SLUGS = {"rh": "richesses-humaines", "fin": "financement", "all": "alliances"}
# « repose d’abord sur … », « son levier le plus faible est celui … »
LEVER_PHRASES = {
    "rh": ("les richesses humaines", "des richesses humaines"),
    "fin": ("le financement", "du financement"),
    "all": ("les alliances", "des alliances"),
}
RECOMMENDED = 3


@dataclass
class Recommendation:
    reason: str
    fiches: list


def _fiches(condition, organisation, exclude):
    """The latest published fiches that meet ``condition``, those written for the organisation's profile first."""
    matching = Fiche.objects.published().filter(pk__in=Fiche.objects.filter(condition).values("pk")).exclude(pk__in=exclude)
    profile = organisation.actor_profile_id
    return matching.latest_preferring([matching.with_value("actor_profiles", profile)] if profile else [], RECOMMENDED)


def recommendations(latest, organisation):
    """Fiches for the weakest lever, then for each financial alert; found through the vocabulary links.

    One query per recommendation (at most four), plus the levers of the cards.
    """
    found, seen = [], set()

    def add(reason, condition):
        fiches = _fiches(condition, organisation, seen)
        seen.update(fiche.pk for fiche in fiches)
        if fiches:
            found.append(Recommendation(reason, fiches))

    weakest = latest.weakest
    label = computation.LEVER_LABELS[weakest].lower()
    if latest.is_balanced:
        reason = f"Votre modèle est équilibré\u00a0; pour le consolider, commencez par les {label}."
    else:
        reason = f"Votre levier le plus faible\u00a0: {label} ({format_percent(latest.shares[weakest])} de votre modèle)."
    add(reason, Q(levers__slug=LEVER_SLUGS[weakest]))
    indicators = latest.indicators
    dominant = computation.SOURCE_COMPONENTS.get(indicators.largest_family)
    others = Q(components__lever__slug="financement") & ~Q(components__slug=dominant) if dominant else Q(
        components__lever__slug="financement")
    if indicators.dependency:
        add(f"Alerte de dépendance\u00a0: «\u00a0{indicators.largest_label}\u00a0» pèse "
            f"{format_percent(indicators.largest_share)} de vos financements.", others)
    if indicators.few_sources:
        add(f"Peu de sources de financement ({indicators.source_count})\u00a0: diversifier réduit les risques.", others)
    if indicators.concentrated and not indicators.dependency:
        add("Financements concentrés\u00a0: quelques sources pèsent l’essentiel.", others)
    return found


def build_report(organisation, snapshots, rates):
    results = [computation.evaluate(s.year, s.figures(), rates.as_rates(), s.is_target) for s in snapshots]
    actual, target, steps, gap = computation.trajectory(results)
    latest = actual[-1] if actual else None
    latest_snapshot = next((s for s in reversed(snapshots) if not s.is_target), None)
    bars = financial_bars(latest_snapshot.figures()) if latest_snapshot else []
    return {
        "results": results,
        "actual": actual,
        "target": target,
        "steps": steps,
        "gap": gap,
        "latest": latest,
        "chart": ternary(results) if results else None,
        "bars": bars,
        "bars_height": bars_height(bars),
        "bars_width": LABEL_WIDTH + BAR_WIDTH + 70,
        "label_width": LABEL_WIDTH,
        "recommendations": recommendations(latest, organisation) if latest else [],
        "strongest_phrase": LEVER_PHRASES[latest.strongest][0] if latest else "",
        "weakest_phrase": LEVER_PHRASES[latest.weakest][1] if latest else "",
        "family_labels": computation.FAMILY_LABELS,
        "lever_labels": computation.LEVER_LABELS,
    }
