
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources import models as m
from resources.vocabularies import VOCABULARIES
from tests.factories import make_fiche, make_lever, make_reference

pytestmark = pytest.mark.django_db


def test_staff_creates_and_publishes_a_fiche_that_then_appears_in_the_list(staff_client, visitor):
    lever = make_lever(slug="alliances", label="Alliances")
    reference = make_reference(title="Référentiel 2019")
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
            "sources-0-kind": "reference",
            "sources-0-reference": reference.pk,
            "sources-0-note": "les trois leviers",
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


def test_publish_and_unpublish_actions_keep_the_links_to_the_fiche_true(staff_client):
    """« Dépublier » leaves no link to a page visitors cannot open; « Publier » turns the title into a link again."""
    target = make_fiche(slug="cible", title="La fiche visée")
    source = make_fiche(slug="source", body="Lire [[cible]] d’abord.")
    assert '<a href="/fiches/cible/"' in source.body_html
    staff_client.post("/admin/resources/fiche/", {"action": "unpublish", "_selected_action": [target.pk]})
    source.refresh_from_db()
    assert "/fiches/cible/" not in source.body_html and "La fiche visée" in source.body_html
    staff_client.post("/admin/resources/fiche/", {"action": "publish", "_selected_action": [target.pk]})
    source.refresh_from_db()
    assert '<a href="/fiches/cible/"' in source.body_html


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


# Search: the hub's own (resources.search), drafts included


def _found(client, query):
    response = client.get("/admin/resources/fiche/", {"q": query})
    assert response.status_code == 200
    return sorted(fiche.slug for fiche in response.context["cl"].result_list)


@pytest.fixture
def patronage():
    """Fiches that speak of « mécénat » in their title, chapeau, tags or body (one a draft), and one that does not."""
    make_fiche(slug="titre", title="Développer le mécénat de compétences")
    make_fiche(slug="chapeau", title="Trouver des alliés", chapeau="Le MÉCÉNAT d’entreprise, pas à pas.")
    make_fiche(slug="corps", title="Diversifier ses ressources", body="## Pistes\n\nSubventions, dons et mécénat.",
               status=m.Fiche.Status.DRAFT, published_at=None)
    make_fiche(slug="mots-cles", title="Nouer des partenariats").tags.add("mécénat")
    make_fiche(slug="autre", title="Accueillir des bénévoles", body="Des bénévoles fidèles.")


def test_admin_search_ignores_accents_and_case_and_reads_every_text(staff_client, patronage):
    expected = ["chapeau", "corps", "mots-cles", "titre"]
    assert _found(staff_client, "mecenat") == expected
    assert _found(staff_client, "mécénat") == expected
    assert _found(staff_client, "MÉCÉNAT") == expected


def test_admin_search_finds_the_singular_from_the_plural(staff_client, patronage):
    assert _found(staff_client, "bénévole") == ["autre"]
    assert _found(staff_client, "benevoles") == ["autre"]


def test_admin_search_understands_the_public_syntax(staff_client, patronage):
    assert _found(staff_client, "mécénat -compétences") == ["chapeau", "corps", "mots-cles"]
    assert _found(staff_client, "bénévoles OR alliés") == ["autre", "chapeau"]


@pytest.mark.parametrize("query, count", [("-mécénat", 0), ('"', 0), ("???", 0), ("\u00a0", 5), ("a" * 500, 0)])
def test_admin_search_without_a_word_to_find_answers_calmly(staff_client, patronage, query, count):
    response = staff_client.get("/admin/resources/fiche/", {"q": query})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


def test_admin_search_makes_as_many_queries_for_3_or_30_matches(staff_client, patronage, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        _found(staff_client, "mécénat")
    for n in range(27):
        make_fiche(title=f"Le mécénat, cas {n}")
    with django_assert_max_num_queries(len(few)):
        assert len(_found(staff_client, "mécénat")) == 31


def test_fiche_autocomplete_finds_a_title_while_its_words_are_typed(staff_client, patronage):
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "resources", "model_name": "fiche", "field_name": "related", "term": "dévelop méc"},
    )
    assert [item["text"] for item in response.json()["results"]] == ["Développer le mécénat de compétences"]


# The change page of a fiche: a fixed number of queries with the shipped content, however big the catalogue


def _longest_fiche():
    return max(m.Fiche.objects.all(), key=lambda fiche: len(fiche.body))


def _more_fiches_around(fiche, count):
    """``count`` more fiches, all related to ``fiche`` and sharing its levers and tags."""
    extra = m.Fiche.objects.bulk_create(
        m.Fiche(title=f"Fiche ajoutée {n}", slug=f"fiche-ajoutee-{n}", family="action", chapeau="Chapeau.",
                body="Corps " * 400, status="draft")
        for n in range(count)
    )
    fiche.related.add(*extra)
    for other in extra[:20]:
        other.levers.set(fiche.levers.all())
        other.tags.add(*fiche.tags.names())
    return extra


# Plus one per reference the fiche cites: Django's autocomplete widget reads each chosen value in its own query.
CHANGE_PAGE_QUERIES = 28


def test_the_change_page_of_the_longest_shipped_fiche_makes_a_fixed_number_of_queries(
    shipped_rows, staff_client, django_assert_max_num_queries, django_assert_num_queries
):
    from tests.shipped import restore

    restore(shipped_rows, upto="content")  # what content_load() writes
    fiche = _longest_fiche()
    url = f"/admin/resources/fiche/{fiche.pk}/change/"
    cited = fiche.sources.filter(reference__isnull=False).count()
    with django_assert_max_num_queries(CHANGE_PAGE_QUERIES + cited) as shipped:
        assert staff_client.get(url).status_code == 200
    _more_fiches_around(fiche, 200)
    with django_assert_num_queries(len(shipped)):
        response = staff_client.get(url)
    assert response.status_code == 200
    assert "Fiche ajoutée 199" in response.content.decode()  # the 200 related fiches are there, by title


def test_related_fiches_are_read_by_title_only_on_the_change_page(staff_client):
    fiche = make_fiche()
    fiche.related.add(make_fiche(title="Une fiche liée", body="Un corps qui reste en base. " * 50))
    with CaptureQueriesContext(connection) as queries:
        staff_client.get(f"/admin/resources/fiche/{fiche.pk}/change/")
    related = [q["sql"] for q in queries if "fiche_related" in q["sql"] and "body_html" in q["sql"]]
    # Django reads the initial values once, in full; the widget then reads the chosen fiches by title only.
    assert len(related) == 1
