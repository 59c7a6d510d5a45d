"""Load the diagnostic's shipped content (``fixtures/diagnostic.toml``): the questionnaire's level descriptors
and the recommendation rules. Create-only unless ``update=True``, like the fiches and the parcours."""

import tomllib
from decimal import Decimal

from django.db import transaction

from diagnostic.models import ActivationDescriptor, RecommendationRule
from parcours.models import Step
from resources.content_files import FIXTURES_DIR, ContentError
from resources.models import Component, Fiche, Lever

DIAGNOSTIC_FILE = FIXTURES_DIR / "diagnostic.toml"


def read(path=DIAGNOSTIC_FILE):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _steps(references):
    """Steps from « parcours-slug/step-slug » references; a reference that matches nothing is an error."""
    steps = []
    for reference in references:
        parcours_slug, _, step_slug = reference.partition("/")
        step = Step.objects.filter(parcours__slug=parcours_slug, slug=step_slug).first()
        if step is None:
            raise ContentError(f"Étape introuvable dans fixtures/diagnostic.toml : {reference}")
        steps.append(step)
    return steps


@transaction.atomic
def diagnostic_load(*, update=False, path=DIAGNOSTIC_FILE):
    """Returns the number of descriptors and rules created."""
    data = read(path)
    components = {component.slug: component for component in Component.objects.all()}
    levers = {lever.slug: lever for lever in Lever.objects.all()}
    created = {"descriptions": 0, "règles": 0}
    for row in data.get("descriptor", []):
        if row["component"] not in components:
            raise ContentError(f"Composante inconnue dans fixtures/diagnostic.toml : {row['component']}")
        upsert = ActivationDescriptor.objects.update_or_create if update else ActivationDescriptor.objects.get_or_create
        _, was_created = upsert(component=components[row["component"]], level=row["level"],
                                defaults={"text": row["text"].strip()})
        created["descriptions"] += was_created
    for row in data.get("rule", []):
        defaults = {
            "title": row["title"],
            "order": row["order"],
            "indicator": row["indicator"],
            "comparison": row["comparison"],
            "threshold": Decimal(str(row["threshold"])),
            "lever": levers.get(row.get("lever") or ""),
            "component": components.get(row.get("component") or ""),
            "reason": row["reason"].strip(),
        }
        RecommendationRule(slug=row["slug"], **defaults).full_clean(validate_unique=False)  # before any write
        upsert = RecommendationRule.objects.update_or_create if update else RecommendationRule.objects.get_or_create
        rule, was_created = upsert(slug=row["slug"], defaults=defaults)
        if was_created or update:
            fiches = list(Fiche.objects.filter(slug__in=row.get("fiches", [])))
            if len(fiches) != len(set(row.get("fiches", []))):
                raise ContentError(f"Fiche introuvable pour la règle {row['slug']} : {row.get('fiches')}")
            rule.fiches.set(fiches)
            rule.steps.set(_steps(row.get("steps", [])))
        created["règles"] += was_created
    return created
