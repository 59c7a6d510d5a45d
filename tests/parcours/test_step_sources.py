"""A step's sources: shown at the end of its page, loaded from its file, edited in the admin."""

import pytest

from parcours import content_files
from parcours.models import Step, StepSource
from tests.factories import make_parcours, make_reference, make_step
from tests.parcours.test_shipped_parcours import step_file

pytestmark = pytest.mark.django_db


def test_a_step_page_ends_with_its_sources_and_their_status(visitor):
    reference = make_reference(slug="fiche-pratique", title="Fiche pratique d’essai", publisher="Le RAMEAU")
    step = make_step(make_parcours(slug="essai"), slug="etape")
    step.sources.create(reference=reference, note="les six étapes", order=0)
    step.sources.create(kind="inference", label="Déduit par la rédaction : l’ordre des étapes.", order=1)
    html = visitor.get("/parcours/essai/etape/").content.decode()
    section = html[html.index('<section class="hub-sources"'):]
    assert "<h2 id=\"sources\">Sources</h2>" in section and "Fiche pratique d’essai" in section
    assert "Cité pour&#8239;: les six étapes" in section and "l’ordre des étapes" in section
    assert html.index('<h2 id="sources">Sources</h2>') > html.index("Où en êtes-vous")
    assert html.index("Statut de l’information") > html.index('<h2 id="sources">Sources</h2>')  # right after, once
    assert html.count("Que signifient ces statuts") == 1


def test_a_step_without_sources_has_no_sources_section(visitor):
    make_step(make_parcours(slug="essai"), slug="etape")
    assert "Sources et statut" not in visitor.get("/parcours/essai/etape/").content.decode()


def test_a_step_file_may_cite_references_and_an_unknown_one_is_reported():
    sources = [{"ref": "connue", "note": "n"}, {"ref": "absente"}]
    problems = content_files.check_step(step_file(sources=sources), set(), known_references={"connue"})
    assert problems == ["source cites an unknown reference: ref = 'absente' "
                        "(no [[reference]] with this slug in fixtures/references/)"]


def test_the_parcours_loader_writes_the_sources_of_a_step(tmp_path):
    from parcours.content_loader import parcours_load

    make_reference(slug="fiche-pratique-essai", title="Fiche pratique d’essai")
    (tmp_path / "essai").mkdir()
    (tmp_path / "parcours.toml").write_text('''[[parcours]]
slug = "essai"
title = "Essai"
kind = "pedagogique"
summary = "Résumé."
audience = ""
order = 1
source_url = ""
''', encoding="utf-8")
    body = "Du texte. " * 110
    (tmp_path / "essai" / "01-etape.md").write_text(f'''+++
title = "Étape"
order = 1
depth = ""
minutes = 10
objective = "Savoir."
fiches = []
questions = ["Une ?", "Deux ?"]
provenance = "to_confirm"

[[sources]]
ref = "fiche-pratique-essai"
note = "les étapes"

[[sources]]
label = "Ancienne forme"
url = "https://example.org/ancienne"
kind = "web"
+++
{body}
''', encoding="utf-8")
    assert parcours_load(directory=tmp_path)["étapes"] == 1
    sources = list(Step.objects.get(slug="etape").sources.select_related("reference"))
    assert [(s.reference.slug, s.note) for s in sources] == [
        ("fiche-pratique-essai", "les étapes"), ("ancienne-forme", "")]


def test_staff_adds_a_source_to_a_step_and_a_deduction_needs_its_reasoning(staff_client):
    step = make_step(make_parcours())
    reference = make_reference()
    data = {
        "parcours": step.parcours_id, "order": step.order, "depth": "", "minutes": step.minutes, "title": step.title,
        "provenance": step.provenance, "slug": step.slug, "objective": step.objective, "questions": step.questions,
        "body": step.body, "sources-TOTAL_FORMS": "2", "sources-INITIAL_FORMS": "0",
        "board_questions-TOTAL_FORMS": "0", "board_questions-INITIAL_FORMS": "0",
        "sources-0-kind": "reference", "sources-0-reference": reference.pk, "sources-0-order": "0",
        "sources-1-kind": "inference", "sources-1-order": "1",
    }
    response = staff_client.post(f"/admin/parcours/step/{step.pk}/change/", data)
    assert response.status_code == 200 and "a besoin de son raisonnement" in response.content.decode()
    data["sources-1-label"] = "Déduit par la rédaction."
    assert staff_client.post(f"/admin/parcours/step/{step.pk}/change/", data).status_code == 302
    assert StepSource.objects.filter(step=step).count() == 2
    page = staff_client.get(f"/admin/resources/reference/{reference.pk}/change/").content.decode()
    assert "Étapes qui la citent" in page and step.title in page
