"""The sources written before references existed (resources/migrations 0008): each one that named a document or a
page now cites a reference, made once per address (or per title when there is none); deductions stay as they were."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MIGRATION_SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

call_command("migrate", "resources", "0007_more_families", verbosity=0)
old = MigrationExecutor(connection).loader.project_state([("resources", "0007_more_families")]).apps
Fiche, FicheSource = old.get_model("resources", "Fiche"), old.get_model("resources", "FicheSource")
first = Fiche.objects.create(title="Première", slug="premiere", family="action", chapeau="C.", status="published")
second = Fiche.objects.create(title="Seconde", slug="seconde", family="action", chapeau="C.", status="draft")
url = "https://example.org/referentiel"
FicheSource.objects.create(fiche=first, order=0, kind="document", label="Le RAMEAU, référentiel, 2019", url=url)
FicheSource.objects.create(fiche=first, order=1, kind="web", label="Une page", url="https://example.org/page")
FicheSource.objects.create(fiche=first, order=2, kind="inference", label="Déduit par la rédaction.")
FicheSource.objects.create(fiche=second, order=0, kind="web", label="Autre intitulé", url=url)
FicheSource.objects.create(fiche=second, order=1, kind="document", label="Un livre imprimé", url="")
FicheSource.objects.create(fiche=second, order=2, kind="document", label="Un livre imprimé", url="")

call_command("migrate", verbosity=0)
from resources.models import FicheSource, Reference
rows = [
    [s.fiche.slug, s.order, s.kind, s.reference.slug if s.reference else None, s.label]
    for s in FicheSource.objects.select_related("fiche", "reference").order_by("fiche__slug", "order")
]
references = sorted([r.slug, r.title, r.url, r.kind, r.sort_key] for r in Reference.objects.all())
print(json.dumps({"rows": rows, "references": references}))
"""


# Data migrated back and forth on a database of its own, checked on the production database; SQLite runs
# every migration forward when it creates each test database.
@pytest.mark.postgres_only(reason="Migration of data: checked on PostgreSQL.")
def test_sources_written_before_references_cite_references_afterwards(scratch_database_url):
    """In a process of its own on a fresh database: migrating back and forth inside the test database would
    disturb the other tests."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(DJANGO_SETTINGS_MODULE="hub.settings", DJANGO_DEBUG="1", DATABASE_URL=scratch_database_url)
    result = subprocess.run([sys.executable, "-c", MIGRATION_SCRIPT], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["rows"] == [
        ["premiere", 0, "reference", "le-rameau-referentiel-2019", ""],
        ["premiere", 1, "reference", "une-page", ""],
        ["premiere", 2, "inference", None, "Déduit par la rédaction."],
        ["seconde", 0, "reference", "le-rameau-referentiel-2019", ""],  # the same address: the same reference
        ["seconde", 1, "reference", "un-livre-imprime", ""],
        ["seconde", 2, "reference", "un-livre-imprime", ""],  # no address: the same title, the same reference
    ]
    assert state["references"] == [
        ["le-rameau-referentiel-2019", "Le RAMEAU, référentiel, 2019", "https://example.org/referentiel", "document",
         "lerameaureferentiel2019"],
        ["un-livre-imprime", "Un livre imprimé", "", "document", "unlivreimprime"],
        ["une-page", "Une page", "https://example.org/page", "web", "unepage"],
    ]
