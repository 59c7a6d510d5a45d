"""The result page of a diagnostic: every year evaluated, the trajectory, the charts and what to read next."""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch
from django.template.loader import render_to_string

from core.content_cache import cached
from diagnostic import computation, rules
from diagnostic.chart import (
    BARS_WIDTH,
    LEGEND,
    STACK_LABEL,
    STACK_WIDTH,
    activation_charts,
    bars_height,
    financial_bars,
    hybridation_charts,
    stacked_bars,
    stacks_height,
)
from diagnostic.models import ActivationDescriptor, RecommendationRule, Snapshot
from diagnostic.numbers import format_percent, format_points
from parcours.models import Step
from resources.models import Fiche

# « repose d’abord sur … », « son levier le moins activé est celui … »
LEVER_PHRASES = {
    "rh": ("les richesses humaines", "des richesses humaines"),
    "fin": ("le financement", "du financement"),
    "all": ("les alliances", "des alliances"),
}
BALANCED_SPREAD = 10  # points between the largest and the smallest share of the trépied under which none leads


@dataclass
class Recommendation:
    rule: RecommendationRule
    sentence: str
    fiches: list
    steps: list


def active_rules():
    """Every active rule with what it points to, in five queries whatever the number of rules."""
    return list(
        RecommendationRule.objects.filter(is_active=True)
        .select_related("lever", "component")
        .prefetch_related(
            Prefetch("fiches", queryset=Fiche.objects.published().for_cards().order_by("title")),
            Prefetch("steps", queryset=Step.objects.select_related("parcours").order_by("parcours__order", "order")),
        )
    )


def recommendations(trajectory, rule_rows):
    """The rules that fire on the latest year, in the staff's order, each with its reason filled in."""
    found = []
    for rule in rule_rows:
        fired = rules.evaluate(rule.as_spec(), trajectory)
        fiches, steps = list(rule.fiches.all()), list(rule.steps.all())
        if fired is not None and (fiches or steps):  # a reason with nothing left to read (drafts) is not shown
            found.append(Recommendation(rule, fired.sentence, fiches, steps))
    return found


def _and(phrases):
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} et {phrases[-1]}"


def activation_summary(result):
    """One sentence on the trépied of a year: what the model leans on (the point), and how strongly (the
    intensity). The balance is judged on the point, as the reader sees it in the triangle."""
    act = result.activation
    if not act.complete:
        return ""
    if not act.intensity:
        return f"En {result.year}, aucun des trois leviers n’est activé."
    intensity = f"intensité {act.band} ({format_percent(computation.round_to(act.intensity))})"
    if max(act.point.values()) - min(act.point.values()) < BALANCED_SPREAD:
        return f"En {result.year}, vos trois leviers sont activés de façon équilibrée, avec une {intensity}."
    leaders = act.strongest
    sentence = (f"En {result.year}, votre modèle s’appuie d’abord sur {_and([LEVER_PHRASES[lever][0] for lever in leaders])} "
                f"({format_percent(computation.round_to(act.levers[leaders[0]], 0))} d’activation)")
    if act.weakest:
        sentence += (f"\u00a0; le levier le moins activé est celui {LEVER_PHRASES[act.weakest][1]} "
                     f"({format_percent(computation.round_to(act.levers[act.weakest], 0))})")
    return f"{sentence}. Ensemble, une {intensity}."


def questionnaire_rows(result, descriptors):
    """The latest answers, component by component, with the descriptor of the chosen level."""
    rows = []
    for name, (lever, slug, label) in computation.ACTIVATION_FIELDS.items():
        level = result.activation.levels[name]
        rows.append({
            "lever": lever,
            "lever_label": computation.LEVER_LABELS[lever],
            "label": label,
            "level": level,
            "level_label": computation.LEVELS.get(level, ""),
            "descriptor": descriptors.get((slug, level), ""),
        })
    return rows


def descriptor_map():
    """{(component slug, level): text}, in one query."""
    return {(slug, level): text for slug, level, text in
            ActivationDescriptor.objects.values_list("component__slug", "level", "text")}


FAMILY_NOUNS = {
    "public": "ressources publiques",
    "private": "ressources privées non marchandes",
    "activity": "revenus d’activité",
    "other": "autres ressources",
}


def hybridation_rows(ordered):
    """One row per year (and the target) with a budget: each family's share and amount, and its change in
    points from the row before (the target is compared with the latest real year, the row before it)."""
    rows, before = [], None
    for result in (r for r in ordered if r.budget):
        cells = []
        for family in computation.FAMILY_LABELS:
            share = result.hybridation.display[family]
            points = share - before.hybridation.display[family] if before else None
            cells.append({"family": family, "share": share, "amount": result.hybridation.amounts[family],
                          "points": points})
        rows.append({"result": result, "cells": cells})
        before = result
    return rows


def overall_sentence(path):
    """« De 2023 à 2025, la part des ressources publiques est passée de 55 % à 35 % (−20 points) ; … »: the
    families that moved by at least one point, the largest move first."""
    change = path.overall
    if change is None or not change.family_points:
        latest = path.latest
        if latest is None or not latest.budget:
            return ""
        shares = ", ".join(f"{FAMILY_NOUNS[f]} {format_percent(latest.hybridation.display[f])}"
                           for f in computation.FAMILY_LABELS if latest.hybridation.amounts[f])
        return f"En {latest.year}, vos ressources se répartissent ainsi\u00a0: {shares}."
    moved = sorted((f for f in computation.FAMILY_LABELS if abs(change.family_points[f]) >= 1),
                   key=lambda f: -abs(change.family_points[f]))
    if not moved:
        return (f"De {change.start.year} à {change.end.year}, la répartition de vos ressources est restée stable "
                "(aucune part n’a bougé d’un point).")
    parts = []
    for index, family in enumerate(moved):
        start, end = change.start.hybridation.display[family], change.end.hybridation.display[family]
        parts.append(f"{'celle' if index else 'la part'} des {FAMILY_NOUNS[family]} est passée de {format_percent(start)} "
                     f"à {format_percent(end)} ({format_points(change.family_points[family])})")
    return f"De {change.start.year} à {change.end.year}, " + "\u00a0; ".join(parts) + "."


PEOPLE_COLUMNS = {
    "salaried_fte": "Salariés (ETP)",
    "volunteers_count": "Bénévoles",
    "volunteer_hours": "Heures de bénévolat",
    "service_civique_months": "Service civique (mois)",
    "intern_months": "Stages (mois)",
    "skills_days": "Mécénat de compétences (jours)",
    "partnerships_positioning": "Alliances de positionnement",
    "partnerships_production": "Alliances de production / diffusion",
    "partnerships_means": "Alliances de moyens",
}


def people_rows(ordered):
    """The people and partnerships typed each year, as typed: shown, never valued nor added to anything."""
    return [{"result": result, "values": [result.figures.get(name) or 0 for name in PEOPLE_COLUMNS]}
            for result in ordered]


def build_report(organisation, snapshots, rates):
    results = [computation.evaluate(s.year, s.figures(), rates.as_rates(), s.is_target) for s in snapshots]
    path = computation.trajectory(results)
    latest = path.latest
    ordered = [*path.actual, *([path.target] if path.target else [])]
    activation_full, activation_zoom = activation_charts(ordered)
    hybridation_full, hybridation_zoom = hybridation_charts(ordered)
    stacks = stacked_bars(ordered)
    bars = financial_bars(latest.figures) if latest else []
    latest_snapshot = next((s for s in snapshots if latest and not s.is_target and s.year == latest.year), None)
    return {
        "ordered": ordered,
        "actual": path.actual,
        "target": path.target,
        "latest_snapshot": latest_snapshot,
        "target_snapshot": next((s for s in snapshots if s.is_target), None),
        "steps": path.steps,
        "gap": path.gap,
        "latest": latest,
        "activation_chart": activation_full,
        "activation_zoom": activation_zoom,
        "hybridation_chart": hybridation_full,
        "hybridation_zoom": hybridation_zoom,
        "activation_summary": activation_summary(latest) if latest else "",
        "questionnaire": questionnaire_rows(latest, descriptor_map()) if latest else [],
        "stacks": stacks,
        "hybridation_rows": hybridation_rows(ordered),
        "people_rows": people_rows(ordered),
        "people_labels": list(PEOPLE_COLUMNS.values()),
        "overall_sentence": overall_sentence(path),
        "stacks_height": stacks_height(stacks),
        "stacks_width": STACK_LABEL + STACK_WIDTH + 10,
        "stack_label_x": STACK_LABEL - 8,
        "legend": LEGEND,
        "bars": bars,
        "bars_height": bars_height(bars),
        "bars_width": BARS_WIDTH,
        "recommendations": recommendations(path, active_rules()) if latest else [],
        "family_labels": computation.FAMILY_LABELS,
        "lever_labels": computation.LEVER_LABELS,
        "contribution_labels": computation.CONTRIBUTION_LABELS,
    }


def snapshots_of(organisation):
    """``organisation.snapshots.all()`` as a list, in the model's order (the years, then the target), in SQL written
    once: through the ORM, building this query cost more than running it, on every result page. Raw keeps the ORM's
    conversions of the fields (decimals on SQLite, times)."""
    table = Snapshot._meta.db_table
    quote = connection.ops.quote_name
    # Table and column names from the model, the value a parameter.
    sql = (
        f"SELECT * FROM {table} WHERE {quote('organisation_id')} = %s "  # nosec B608
        f"ORDER BY {quote('is_target')}, {quote('year')}"
    )
    return list(Snapshot.objects.raw(sql, [organisation.pk]))


def report_fragments(organisation, snapshots, rates, *, printing=False):
    """{"results": …, "recommendations": …}: the two parts of the result page computed from the figures (every
    chart, table and recommendation), rendered once and kept in the content cache. Ask only after the access check
    (diagnostic.access): the key holds this organisation's id and everything the fragments show, so a figure, an
    answer, the name, a rate or the person's right to edit the figures changed is another entry, and the content
    version (the rules, the level descriptions, the fiches and steps they point to) drops them all."""

    def build():
        ctx = {"organisation": organisation, "rates": rates, "printing": printing, **build_report(organisation, snapshots, rates)}
        results = render_to_string("diagnostic/_results.html", ctx) if ctx["actual"] or ctx["target"] else ""
        return {"results": results, "recommendations": render_to_string("diagnostic/_recommendations.html", ctx)}

    fields = [field.attname for field in Snapshot._meta.concrete_fields]
    figures = tuple(tuple(getattr(snapshot, name) for name in fields) for snapshot in snapshots)
    return cached("diagnostic-report", organisation.pk, organisation.name, bool(organisation.can["edit_figures"]),
                  printing, rates.volunteer_hour, rates.skills_day, figures, build=build)
