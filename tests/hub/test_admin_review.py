"""The admin page « À vérifier »: every information not confirmed, grouped by kind, for staff only, in a fixed
number of queries."""

import pytest
from django.test import Client

from resources.models import Domain, FicheSource, GlossaryTerm, Provenance, Region
from tests.factories import make_component, make_fiche, make_parcours, make_step, make_vocabulary

pytestmark = pytest.mark.django_db

URL = "/admin/a-verifier/"


def html_of(client, url=URL):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def group(html, label):
    """The table of one kind, from its caption to the end of its table."""
    start = html.index(f"<caption>{label}")
    return html[start:html.index("</table>", start)]


def test_the_admin_index_links_the_review_page(staff_client):
    assert f'href="{URL}">À vérifier</a>' in html_of(staff_client, "/admin/")


def test_visitors_and_learners_get_the_admin_login(visitor, learner_client):
    for client in (visitor, learner_client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_staff_sees_every_value_not_confirmed_linked_to_its_change_page(staff_client):
    doubtful = make_vocabulary(Domain, label="Santé", provenance=Provenance.TO_CONFIRM)
    inferred = make_vocabulary(Region, label="Mayotte", provenance=Provenance.INFERRED, source_url="https://insee.fr/x")
    make_vocabulary(Region, label="Bretagne", provenance=Provenance.CONFIRMED)
    component = make_component(label="Mécénat", provenance=Provenance.TO_CONFIRM)
    html = html_of(staff_client)
    domains = group(html, "Domaines (fragilités) (1)")
    assert f'<a href="/admin/resources/domain/{doubtful.pk}/change/">Santé</a>' in domains
    assert "<td>À confirmer</td>" in domains and "Aucune adresse de source." in domains
    regions = group(html, "Régions (1)")
    assert f'<a href="/admin/resources/region/{inferred.pk}/change/">Mayotte</a>' in regions
    assert "<td>Déduit</td>" in regions and "https://insee.fr/x" in regions
    assert "Bretagne" not in html
    assert f"/admin/resources/component/{component.pk}/change/" in group(html, "Composantes des leviers (1)")
    assert "Rien à vérifier" in group(html, "Impacts (0)")


def test_staff_sees_the_step_titles_to_confirm_with_their_parcours(staff_client):
    parcours = make_parcours(title="Qualifier son modèle")
    step = make_step(parcours, title="Se situer", provenance=Provenance.TO_CONFIRM)
    make_step(parcours, title="Étape vérifiée", provenance=Provenance.CONFIRMED)
    steps = group(html_of(staff_client), "Intitulés des étapes de parcours (1)")
    assert f'<a href="/admin/parcours/step/{step.pk}/change/">Se situer</a>' in steps
    assert "Parcours «\u00a0Qualifier son modèle\u00a0»" in steps
    assert "Étape vérifiée" not in steps


def test_staff_sees_each_deduction_cited_by_a_fiche_linked_to_the_fiche_sources(staff_client):
    fiche = make_fiche(title="Mobiliser des bénévoles")
    FicheSource.objects.create(fiche=fiche, label="Déduit par la rédaction : une lecture du schéma.", kind="inference")
    FicheSource.objects.create(fiche=fiche, label="Le référentiel", url="https://example.org/ref", kind="document")
    sources = group(html_of(staff_client), "Déductions de la rédaction dans les sources des fiches (1)")
    assert f'<a href="/admin/resources/fiche/{fiche.pk}/change/#sources-group">Mobiliser des bénévoles</a>' in sources
    assert "Déduit par la rédaction : une lecture du schéma." in sources and "<td>Déduit</td>" in sources
    assert "Le référentiel" not in sources


def test_staff_sees_each_deduction_cited_by_a_step_linked_to_the_step_sources(staff_client):
    step = make_step(make_parcours(), title="Faire l’état des lieux")
    step.sources.create(kind="inference", label="Déduit par la rédaction : l’ordre des étapes.")
    sources = group(html_of(staff_client), "Déductions de la rédaction dans les sources des étapes (1)")
    assert f'<a href="/admin/parcours/step/{step.pk}/change/#sources-group">Faire l’état des lieux</a>' in sources
    assert "l’ordre des étapes" in sources


def test_staff_sees_the_glossary_terms_not_confirmed(staff_client):
    GlossaryTerm.objects.create(slug="contrat-alliance", term="contrat-alliance", definition="Un contrat.",
                                provenance=Provenance.TO_CONFIRM)
    GlossaryTerm.objects.create(slug="trepied", term="trépied", definition="Les trois leviers.",
                                provenance=Provenance.CONFIRMED)
    terms = group(html_of(staff_client), "Termes du glossaire (1)")
    assert ">contrat-alliance</a>" in terms and "<td>À confirmer</td>" in terms
    assert "trépied" not in terms


def test_a_staff_member_without_permissions_sees_no_group(django_user_model):
    editor = django_user_model.objects.create_user(username="dan", password="pw-dan-123", is_staff=True)
    make_vocabulary(Domain, label="Santé", provenance=Provenance.TO_CONFIRM)
    client = Client()
    client.force_login(editor)
    html = html_of(client)
    assert "Santé" not in html and "0 élément à vérifier" in html


def _fill(n):
    parcours = make_parcours()
    for _ in range(n):
        make_vocabulary(Domain, provenance=Provenance.TO_CONFIRM)
        make_component(provenance=Provenance.INFERRED)
        make_step(parcours, provenance=Provenance.TO_CONFIRM)
        FicheSource.objects.create(fiche=make_fiche(), label="Déduit par la rédaction.", kind="inference")
        make_step(parcours).sources.create(kind="inference", label="Déduit par la rédaction.")
        GlossaryTerm.objects.create(slug=f"terme-{GlossaryTerm.objects.count()}", term=f"terme {GlossaryTerm.objects.count()}",
                                    definition="Texte.", provenance=Provenance.INFERRED)


def test_the_review_page_costs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    _fill(1)
    staff_client.get(URL)  # the session and the user, read once
    with django_assert_max_num_queries(20) as few:
        staff_client.get(URL)
    _fill(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert html_of(staff_client).count("/change/") >= 7 * 7
