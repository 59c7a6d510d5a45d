"""The diagnostic's shipped content (descriptors and rules), the rule admin, and the data migration that keeps
every figure of the first version."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from diagnostic.content_loader import diagnostic_load, read
from diagnostic.models import ActivationDescriptor, RecommendationRule
from tests.factories import make_component, make_lever, make_rule
from tests.shipped import restore

SHIPPED = read()
ROOT = Path(__file__).resolve().parents[2]


def test_every_component_has_four_one_line_descriptors_in_the_shipped_file():
    by_component = {}
    for row in SHIPPED["descriptor"]:
        by_component.setdefault(row["component"], set()).add(row["level"])
        assert 20 <= len(row["text"]) <= 160 and "\n" not in row["text"], row
    assert len(by_component) == 11
    assert all(levels == {0, 1, 2, 3} for levels in by_component.values())


def test_the_shipped_rules_cover_what_the_diagnostic_promises():
    conditions = {(r["indicator"], r["comparison"], r.get("lever") or r.get("component") or "") for r in SHIPPED["rule"]}
    assert len(SHIPPED["rule"]) >= 10
    for expected in [
        ("largest_share", "gt", ""), ("public_share", "gt", ""), ("hhi", "gt", ""), ("source_count", "lt", ""),
        ("weakest_lever", "lt", "richesses-humaines"), ("weakest_lever", "lt", "financement"),
        ("weakest_lever", "lt", "alliances"), ("component_level", "lte", "alliances-de-positionnement"),
        ("component_level", "lte", "alliances-de-production-diffusion"), ("component_level", "lte", "alliances-de-moyens"),
    ]:
        assert expected in conditions, expected
    public = next(r for r in SHIPPED["rule"] if r["indicator"] == "public_share")
    assert "financements publics" in public["reason"].lower() or "financement public" in public["reason"].lower()


@pytest.mark.django_db
def test_the_shipped_content_loads_every_descriptor_and_rule_and_twice_changes_nothing(shipped_rows):
    restore(shipped_rows, upto="parcours")  # what content_load() then parcours_load() write
    assert diagnostic_load() == {"descriptions": 44, "règles": len(SHIPPED["rule"])}
    assert diagnostic_load() == {"descriptions": 0, "règles": 0}
    for rule in RecommendationRule.objects.prefetch_related("fiches"):
        rule.full_clean()
        assert rule.fiches.exists(), rule.slug
        assert all(fiche.status == "published" for fiche in rule.fiches.all())
    assert ActivationDescriptor.objects.count() == 44


@pytest.mark.django_db
def test_loading_again_keeps_a_rule_staff_edited_unless_asked(shipped_content):
    rule = RecommendationRule.objects.get(indicator="public_share")
    rule.threshold = Decimal(60)
    rule.save()
    diagnostic_load()
    rule.refresh_from_db()
    assert rule.threshold == Decimal(60)
    diagnostic_load(update=True)
    rule.refresh_from_db()
    assert rule.threshold == Decimal(50)


@pytest.mark.django_db
def test_a_rule_on_a_lever_needs_its_lever_and_a_reason_only_known_placeholders():
    rule = make_rule(indicator="weakest_lever", comparison="lt", threshold=60, reason="{valeur} {inconnu}")
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict == {"lever": ["Cet indicateur porte sur un levier\u00a0: choisissez-le."],
                                        "reason": ["Repères inconnus\u00a0: inconnu."]}
    rule.lever = make_lever(slug="alliances")
    rule.reason = "{levier} à {valeur}"
    rule.full_clean()


@pytest.mark.django_db
def test_a_rule_on_a_component_needs_its_component():
    rule = make_rule(indicator="component_level", comparison="lte", threshold=0, reason="{composante}")
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.component = make_component(slug="alliances-de-moyens")
    rule.full_clean()


@pytest.mark.django_db
def test_staff_edit_rules_and_descriptors_in_the_admin(staff_client):
    component = make_component(slug="benevoles", label="Bénévoles")
    descriptor = ActivationDescriptor.objects.create(component=component, level=2, text="Des missions écrites.")
    rule = make_rule(title="Financement public majoritaire")
    assert staff_client.get("/admin/diagnostic/recommendationrule/").status_code == 200
    page = staff_client.get(f"/admin/diagnostic/recommendationrule/{rule.pk}/change/").content.decode()
    assert "Part des ressources publiques (%)" in page and "dépasse (&gt;)" in page
    response = staff_client.post(f"/admin/diagnostic/activationdescriptor/{descriptor.pk}/change/", {
        "component": component.pk, "level": 2, "text": "Des missions écrites et un référent.", "_save": "Enregistrer"})
    assert response.status_code == 302
    descriptor.refresh_from_db()
    assert descriptor.text == "Des missions écrites et un référent."


@pytest.mark.django_db
def test_learners_cannot_reach_the_rules_admin(learner_client):
    assert learner_client.get("/admin/diagnostic/recommendationrule/").status_code == 302


# The data migration of the second version


MIGRATION_SCRIPT = """
import json, os
from decimal import Decimal
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

FIGURES = {name: int(value) if name == "partnerships_means" else Decimal(value)
           for name, value in json.loads(os.environ["HUB_FIGURES"]).items()}
call_command("migrate", "diagnostic", "0002_default_rates", verbosity=0)
old = MigrationExecutor(connection).loader.project_state([("diagnostic", "0002_default_rates")]).apps
Rates = old.get_model("diagnostic", "ValuationRates")
Rates.objects.all().delete()
Rates.objects.create(note="Ces valeurs sont des ordres de grandeur retenus par le hub pour comparer les leviers "
                          "entre eux, pas une évaluation comptable.", volunteer_hour=Decimal("13.50"))
Snapshot = old.get_model("diagnostic", "Snapshot")
organisation = old.get_model("diagnostic", "Organisation").objects.create(name="Avant la version 2")
Snapshot.objects.create(organisation=organisation, year=2023, **FIGURES)
Snapshot.objects.create(organisation=organisation, year=2027, is_target=True, subsidies_local=Decimal("1.00"))

call_command("migrate", verbosity=0)
from diagnostic.models import Snapshot, ValuationRates
year = Snapshot.objects.get(year=2023)
print(json.dumps({
    "figures": {name: str(getattr(year, name)) for name in FIGURES},
    "levels": [getattr(year, name) for name in Snapshot.level_fields()],
    "targets": Snapshot.objects.filter(is_target=True).count(),
    "hour": str(ValuationRates.objects.get().volunteer_hour),
    "note": ValuationRates.objects.get().note,
}))
"""
FIGURES = {"salaried_fte": "2.50", "volunteer_hours": "1200.00", "subsidies_local": "55000.00",
           "revenue_sales": "30000.00", "partnerships_means": "2", "in_kind_premises": "6000.00"}


# Data migrated back and forth on a database of its own, checked on the production database; SQLite runs
# every migration forward when it creates each test database.
@pytest.mark.postgres_only(reason="Migration of data: checked on PostgreSQL.")
def test_the_migration_keeps_every_figure_and_leaves_the_questionnaire_empty(scratch_database_url):
    """Run in a process of its own on a fresh database: migrating back and forth inside the test database
    would disturb the other tests."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="hub.settings", DJANGO_DEBUG="1", DATABASE_URL=scratch_database_url,
               HUB_FIGURES=json.dumps(FIGURES))
    result = subprocess.run([sys.executable, "-c", MIGRATION_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["figures"] == FIGURES
    assert state["levels"] == [None] * 11
    assert state["targets"] == 1
    assert state["hour"] == "13.50"
    assert "valoriser les contributions volontaires" in state["note"]


@pytest.mark.django_db
def test_a_rule_names_a_lever_or_a_component_only_when_its_indicator_reads_one():
    rule = make_rule(lever=make_lever(slug="alliances"), component=make_component(slug="mecenat-de-competences"))
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict == {
        "lever": ["Cet indicateur ne porte pas sur un levier\u00a0: laissez ce champ vide."],
        "component": ["Cet indicateur ne porte pas sur une composante\u00a0: laissez ce champ vide."],
    }


@pytest.mark.django_db
def test_a_component_rule_reads_one_of_the_eleven_components_of_the_questionnaire():
    rule = make_rule(indicator="component_level", comparison="lte", threshold=0, reason="{composante}",
                     component=make_component(slug="une-composante-inventee"))
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict == {"component": ["Choisissez l’une des onze composantes du questionnaire."]}
