"""Full-text search, on whichever database the suite runs (SQLite and PostgreSQL in CI)."""

import pytest
from django.db import connection

from resources.models import Fiche, Synonym
from resources.search import prepare_query, search_fiches, similarity, suggest
from tests.factories import make_component, make_fiche, make_lever

pytestmark = pytest.mark.django_db


def found(query):
    return sorted(f.slug for f in search_fiches(Fiche.objects.published(), prepare_query(query)))


@pytest.fixture
def catalogue():
    make_fiche(slug="benevoles", title="Mobiliser des bénévoles", chapeau="Recruter et fidéliser.",
               body="## Pourquoi\n\nLes bénévoles renforcent le projet associatif.")
    make_fiche(slug="subventions", title="Diversifier ses subventions", chapeau="Subvention publique et mécénat.",
               body="Le financement participatif complète les subventions européennes.")
    make_fiche(slug="alliances", title="Nouer des alliances de moyens", chapeau="Mutualiser des locaux.",
               body="Une alliance de moyens partage des outils entre structures.")
    make_fiche(slug="modele", title="Équilibrer son modèle socio-économique", chapeau="Le trépied des leviers.",
               body="Richesses humaines, financement et alliances.")
    make_fiche(slug="brouillon", title="Bénévoles en brouillon", status=Fiche.Status.DRAFT)


@pytest.mark.parametrize("query", ["benevole", "BÉNÉVOLES", "Bénévoles", "bénévoles", "BENEVOLES"])
def test_accents_and_case_do_not_matter(catalogue, query):
    assert "benevoles" in found(query)
    assert "brouillon" not in found(query)


def test_quoted_phrase_keeps_words_together(catalogue):
    assert found('"alliances de moyens"') == ["alliances"]


def test_minus_excludes_a_word(catalogue):
    assert "subventions" in found("mécénat OR locaux")
    assert found("mécénat OR locaux -subvention") == ["alliances"]


def test_or_accepts_either_word(catalogue):
    assert found("locaux OR trépied") == ["alliances", "modele"]


def test_all_words_are_required_without_or(catalogue):
    assert found("locaux trépied") == []


def test_synonyms_widen_the_query(catalogue):
    assert found("MSE") == []
    Synonym.objects.create(terms="MSE, modèle socio-économique")
    assert found("MSE") == ["modele"]
    assert found("mse équilibrer") == ["modele"]


def test_title_matches_rank_first(catalogue):
    make_fiche(slug="mention", title="Un autre sujet", body="On cite les bénévoles une fois.")
    ranked = search_fiches(Fiche.objects.published(), prepare_query("bénévoles")).order_by("-rank", "pk")
    assert ranked[0].slug == "benevoles"


def test_a_typo_gets_a_suggestion_with_its_accents(catalogue):
    assert found("bénévloes") == []
    assert suggest(prepare_query("bénévloes")) == "bénévoles"
    assert suggest(prepare_query("subventoins")) == "subventions"


def test_no_suggestion_when_nothing_is_close(catalogue):
    assert suggest(prepare_query("xqzwv")) is None


def test_trigram_similarity_matches_pg_trgm_on_simple_words():
    assert similarity("word", "word") == 1.0
    assert round(similarity("word", "words"), 3) == 0.571  # pg_trgm: 4 shared trigrams of 7


def test_search_page_shows_highlighted_fiches_and_referentiel_pages(catalogue, visitor):
    make_component(lever=make_lever(label="Richesses humaines"), label="Bénévoles", description="Les bénévoles.")
    response = visitor.get("/recherche/", {"q": "bénévoles"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mobiliser des bénévoles" in html
    assert "<mark>" in html.lower()
    assert "Composante" in html and 'href="/leviers/' in html
    assert "Bénévoles en brouillon" not in html


def test_a_renamed_component_is_found_by_its_new_name_at_the_next_search(visitor, settings):
    settings.HUB_PAGE_CACHE_SECONDS = 0  # the page itself computed each time: only the vocabulary rows are kept
    component = make_component(lever=make_lever(label="Financement"), label="Subventions", description="Publiques.")
    assert "Subventions" in visitor.get("/recherche/", {"q": "subventions"}).content.decode()
    assert "Composante" not in visitor.get("/recherche/", {"q": "cotisations"}).content.decode()
    component.label, component.description = "Cotisations", "Des membres."
    component.save()
    html = visitor.get("/recherche/", {"q": "cotisations"}).content.decode()
    assert "Composante" in html and "Cotisations" in html
    assert "Composante" not in visitor.get("/recherche/", {"q": "subventions"}).content.decode()


def test_excerpts_escape_the_document_text(visitor):
    make_fiche(title="Comparer", body="Si a &lt; b alors les bénévoles <script>x</script> partent.")
    html = visitor.get("/recherche/", {"q": "bénévoles"}).content.decode()
    assert "<script>x" not in html
    assert "<mark>bénévoles</mark>" in html or "<mark>bénévole" in html


def test_search_page_without_hits_suggests_a_correction(catalogue, visitor):
    html = visitor.get("/recherche/", {"q": "subventoins"}).content.decode()
    assert "Vouliez-vous dire" in html and "subventions" in html
    assert "Aucune fiche ne correspond" in html


@pytest.mark.parametrize("query", ["", "-", '"', "OR", "x" * 10_000, "a\x00b", "<img src=x onerror=alert(1)>"])
def test_search_page_survives_any_query(catalogue, visitor, query):
    response = visitor.get("/recherche/", {"q": query})
    assert response.status_code == 200
    assert "onerror=alert" not in response.content.decode().replace("onerror=alert(1)&gt;", "")


def test_search_page_explains_a_query_with_nothing_to_search(visitor):
    html = visitor.get("/recherche/", {"q": "- -"}).content.decode()
    assert "ne contient aucun mot à chercher" in html


def test_search_page_says_when_a_query_was_truncated(visitor):
    html = visitor.get("/recherche/", {"q": "mot " * 200}).content.decode()
    assert "trop longue" in html


def test_header_search_box_is_on_every_page(visitor):
    html = visitor.get("/referentiel/").content.decode()
    assert 'role="search"' in html and 'action="/recherche/"' in html and 'for="header-q"' in html


def test_search_page_query_count_is_fixed(catalogue, visitor, django_assert_max_num_queries):
    for index in range(30):
        make_fiche(title=f"Bénévoles {index}")
    with django_assert_max_num_queries(22):
        assert visitor.get("/recherche/", {"q": "bénévoles"}).status_code == 200


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_search_uses_the_gin_index(catalogue):
    from resources.search import SEARCH_CONFIG

    with connection.cursor() as cursor:
        # On a handful of rows any plan is cheap: rule the others out to see the GIN index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        queryset = search_fiches(Fiche.objects.all(), prepare_query("bénévoles"))
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "fiche_search_vector_gin" in plan, plan
    assert SEARCH_CONFIG in params


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_configuration_stems_and_removes_accents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('public.hub_french', 'Les bénévoles') @@ "
                       "websearch_to_tsquery('public.hub_french', 'benevole')")
        assert cursor.fetchone()[0] is True


def test_excerpts_do_not_highlight_short_words_of_a_phrase(visitor):
    make_fiche(title="Moyens", body="Une alliance de moyens partage des outils de gestion.")
    html = visitor.get("/recherche/", {"q": '"alliance de moyens"'}).content.decode()
    assert "<mark>alliance</mark>" in html and "<mark>moyens</mark>" in html
    assert "<mark>de</mark>" not in html


def test_words_match_from_their_start_on_both_databases():
    make_fiche(slug="partenariat", title="Un partenariat durable", body="Signé en 2017.")
    assert found("art") == []
    assert found("17") == []
    assert found("partenariat") == ["partenariat"]
    assert found("durable -art") == ["partenariat"]


def test_ligatures_fold_like_postgresql_unaccent():
    make_fiche(slug="coeur", title="Au cœur de l’œuvre collective")
    assert found("coeur") == ["coeur"]
    assert found("OEUVRE") == ["coeur"]


def test_draft_tags_never_reach_suggestions():
    make_fiche(title="Publiée").tags.add("ouverture")
    make_fiche(status=Fiche.Status.DRAFT).tags.add("fusionconfidentielle")
    assert suggest(prepare_query("fusionconfidentiele")) is None
