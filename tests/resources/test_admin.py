import pytest

from resources import models as m
from resources.vocabularies import VOCABULARIES
from tests.factories import make_fiche, make_lever

pytestmark = pytest.mark.django_db


def test_staff_creates_and_publishes_a_fiche_that_then_appears_in_the_list(staff_client, visitor):
    lever = make_lever(slug="alliances", label="Alliances")
    response = staff_client.post(
        "/admin/resources/fiche/add/",
        {
            "family": "action",
            "title": "Nouer une alliance de moyens",
            "slug": "nouer-une-alliance-de-moyens",
            "chapeau": "Partager des locaux et des outils.",
            "body": "## Pourquoi\n\nPour éviter des coûts.",
            "tags": "mutualisation, locaux",
            "status": "draft",
            "levers": [lever.pk],
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-label": "Référentiel 2019",
            "sources-0-url": "https://example.org/referentiel",
            "sources-0-kind": "document",
            "sources-0-order": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    fiche = m.Fiche.objects.get(slug="nouer-une-alliance-de-moyens")
    assert fiche.sources.count() == 1 and "<h2>Pourquoi</h2>" in fiche.body_html
    assert "Nouer une alliance de moyens" not in visitor.get("/fiches/").content.decode()

    staff_client.post(
        "/admin/resources/fiche/", {"action": "publish", "_selected_action": [fiche.pk]}
    )
    fiche.refresh_from_db()
    assert fiche.status == m.Fiche.Status.PUBLISHED and fiche.published_at is not None
    staff_client.logout()
    assert "Nouer une alliance de moyens" in visitor.get("/fiches/").content.decode()


def test_unpublish_action_hides_the_fiche(staff_client):
    fiche = make_fiche(slug="a-retirer")
    staff_client.post("/admin/resources/fiche/", {"action": "unpublish", "_selected_action": [fiche.pk]})
    fiche.refresh_from_db()
    assert fiche.status == m.Fiche.Status.DRAFT
    staff_client.logout()
    assert staff_client.get("/fiches/a-retirer/").status_code == 404


def test_change_form_offers_view_on_site(staff_client):
    fiche = make_fiche()
    html = staff_client.get(f"/admin/resources/fiche/{fiche.pk}/change/").content.decode()
    assert "Voir sur le site" in html


@pytest.mark.parametrize("model", [kind.model for kind in VOCABULARIES] + [m.Fiche])
def test_every_model_has_a_working_changelist_and_add_form(staff_client, model):
    base = f"/admin/resources/{model._meta.model_name}/"
    assert staff_client.get(base).status_code == 200
    assert staff_client.get(base + "add/").status_code == 200
    assert staff_client.get(base + "?q=b%C3%A9n%C3%A9voles").status_code == 200


def test_vocabulary_autocomplete_answers_staff(staff_client):
    make_lever(label="Financement")
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "resources", "model_name": "fiche", "field_name": "levers", "term": "Fin"},
    )
    assert response.status_code == 200
    assert "Financement" in response.content.decode()


def test_fiche_admin_is_refused_to_non_staff(learner_client):
    response = learner_client.get("/admin/resources/fiche/add/")
    assert response.status_code == 302
