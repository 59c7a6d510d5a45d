"""The fifth « objective » (the source fiche's heading) is deleted from existing databases by a data migration."""

from importlib import import_module

import pytest
from django.apps import apps

from resources.models import ActionObjective
from tests.factories import make_fiche

migration = import_module("resources.migrations.0012_drop_definir_une_trajectoire_objective")


@pytest.mark.django_db
def test_the_migration_deletes_the_trajectory_objective_and_keeps_the_four_real_ones():
    kept = ActionObjective.objects.create(slug="hybrider-les-modeles", label="Hybrider les modèles", order=3)
    wrong = ActionObjective.objects.create(slug="definir-une-trajectoire", label="Définir une trajectoire", order=5)
    fiche = make_fiche()
    fiche.objectives.add(kept, wrong)

    migration.delete_objective(apps, None)

    assert list(ActionObjective.objects.values_list("slug", flat=True)) == ["hybrider-les-modeles"]
    assert list(fiche.objectives.values_list("slug", flat=True)) == ["hybrider-les-modeles"]


@pytest.mark.django_db
def test_the_migration_does_nothing_on_a_database_without_that_objective():
    migration.delete_objective(apps, None)
    assert not ActionObjective.objects.exists()
