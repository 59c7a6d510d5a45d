"""History of steps (core.history, parcours.history): a revert brings back the text and the sources."""

import pytest
from reversion.models import Version

from parcours.models import StepSource
from tests.factories import make_parcours, make_reference, make_step

pytestmark = pytest.mark.django_db


def test_a_step_reverted_gets_back_its_text_and_sources_and_loses_the_added_one(staff_client):
    step = make_step(make_parcours(), title="Intitulé d’origine", body="Un contenu **ancien**.")
    kept = StepSource.objects.create(step=step, reference=make_reference(title="Source gardée"), order=0)
    added = make_reference(title="Source ajoutée")
    data = {
        "parcours": step.parcours_id, "order": step.order, "depth": "", "minutes": step.minutes,
        "title": "Intitulé modifié", "provenance": step.provenance, "slug": step.slug, "objective": step.objective,
        "questions": step.questions, "body": "Un contenu **nouveau**.",
        "board_questions-TOTAL_FORMS": "0", "board_questions-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "2", "sources-INITIAL_FORMS": "1",
        "sources-0-id": kept.pk, "sources-0-step": step.pk, "sources-0-kind": "reference",
        "sources-0-reference": kept.reference_id, "sources-0-order": "0",
        "sources-1-kind": "reference", "sources-1-reference": added.pk, "sources-1-order": "1",
    }
    assert staff_client.post(f"/admin/parcours/step/{step.pk}/change/", data).status_code == 302
    assert step.sources.count() == 2
    compare = staff_client.get(f"/admin/parcours/step/{step.pk}/history/compare/").content.decode()
    assert "Intitulé d’origine" in compare and "Source ajoutée" in compare

    baseline = Version.objects.get_for_object(step).last()
    assert baseline.revision.comment == "État avant la première modification"
    assert staff_client.post(f"/admin/parcours/step/{step.pk}/history/{baseline.pk}/revert/").status_code == 302
    step.refresh_from_db()
    assert step.title == "Intitulé d’origine" and "<strong>ancien</strong>" in step.body_html
    assert [source.reference.title for source in step.sources.all()] == ["Source gardée"]
    assert Version.objects.get_for_object(step).first().revision.comment.startswith("Retour à la version du ")


def test_a_step_edited_on_its_parcours_page_enters_its_history(staff_client):
    parcours = make_parcours()
    step = make_step(parcours, title="Avant")
    fields = {"parcours": parcours.pk, "order": step.order, "title": "Après", "provenance": step.provenance,
              "slug": step.slug, "depth": "", "minutes": step.minutes, "objective": step.objective,
              "questions": step.questions, "body": step.body}
    data = {
        "title": parcours.title, "slug": parcours.slug, "kind": parcours.kind, "order": parcours.order,
        "summary": parcours.summary, "audience": "", "source_url": "",
        "steps-TOTAL_FORMS": "1", "steps-INITIAL_FORMS": "1", "steps-0-id": step.pk,
        **{f"steps-0-{key}": value for key, value in fields.items()},
    }
    assert staff_client.post(f"/admin/parcours/parcours/{parcours.pk}/change/", data).status_code == 302
    comments = [v.revision.comment for v in Version.objects.get_for_object(step).select_related("revision")]
    assert comments == [f"Modifiée depuis la page du parcours «\u00a0{parcours.title}\u00a0»",
                        "État avant la première modification"]
    compare = staff_client.get(f"/admin/parcours/step/{step.pk}/history/compare/").content.decode()
    assert "Avant" in compare and "Après" in compare
