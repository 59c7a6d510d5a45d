"""Parcours steps in the site search: a section « Étapes des parcours », accents and case ignored."""

import pytest

from parcours.search import search_steps
from resources.search import prepare_query
from tests.factories import make_fiche, make_parcours, make_step

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps():
    parcours = make_parcours(title="Qualifier son modèle", slug="qualifier")
    other = make_parcours(title="Trajectoire", slug="trajectoire")
    return {
        "benevoles": make_step(parcours, slug="mobiliser", order=1, title="Mobiliser les forces vives",
                               objective="Savoir fidéliser.", body="## Pourquoi\n\nLes bénévoles portent le projet."),
        "subventions": make_step(parcours, slug="financer", order=2, title="Financer son projet",
                                 objective="Connaître les subventions.", body="Le mécénat et les dons."),
        "titre": make_step(other, slug="equipe", order=1, title="Animer une équipe de bénévoles",
                           objective="Savoir animer.", body="Une équipe soudée."),
    }


def found(query):
    return [url for _, _, url, _ in search_steps(prepare_query(query))]


@pytest.mark.parametrize("query", ["benevoles", "Bénévoles", "BENEVOLE", "bénévole"])
def test_accents_and_case_do_not_matter(steps, query):
    assert set(found(query)) == {"/parcours/qualifier/mobiliser/", "/parcours/trajectoire/equipe/"}


def test_title_matches_come_first(steps):
    assert found("benevoles") == ["/parcours/trajectoire/equipe/", "/parcours/qualifier/mobiliser/"]


def test_the_objective_is_searched_too(steps):
    assert found("fidéliser") == ["/parcours/qualifier/mobiliser/"]


def test_words_match_from_their_start_only(steps):
    assert found("nevoles") == []
    assert found("mécé") == ["/parcours/qualifier/financer/"]


def test_all_words_are_required(steps):
    assert found("mécénat dons") == ["/parcours/qualifier/financer/"]
    assert found("mécénat bénévoles") == []


def test_a_minus_excludes_a_word(steps):
    assert found("bénévoles -équipe") == ["/parcours/qualifier/mobiliser/"]


def test_a_query_matching_nothing_finds_no_step(steps):
    assert found("xylophone") == []


def test_an_empty_query_finds_no_step(steps):
    assert search_steps(prepare_query("")) == []
    assert search_steps(prepare_query("-bénévoles")) == []


def test_a_hit_gives_the_parcours_title_the_step_title_its_address_and_objective(steps):
    assert search_steps(prepare_query("subventions")) == [
        ("Qualifier son modèle", "Financer son projet", "/parcours/qualifier/financer/", "Connaître les subventions."),
    ]


def test_the_number_of_hits_is_limited(steps):
    parcours = make_parcours()
    for n in range(10):
        make_step(parcours, title=f"Bénévoles {n}")
    assert len(search_steps(prepare_query("bénévoles"))) == 8
    assert len(search_steps(prepare_query("bénévoles"), limit=3)) == 3


def test_markup_of_the_body_is_not_searched(steps):
    make_step(make_parcours(), slug="lien", body="Un [lien](https://example.org/zorglub).")
    assert found("zorglub") == []


def test_an_edited_step_is_found_by_its_new_words(steps):
    step = steps["subventions"]
    step.body = "Les fondations abritées."
    step.save()
    assert found("abritées") == ["/parcours/qualifier/financer/"]
    assert found("mécénat") == []


# --- The search page ---------------------------------------------------------------------------------


def steps_section(response):
    assert response.status_code == 200
    return next(hits for anchor, heading, hits in response.context["sections"] if heading == "Étapes des parcours")


def test_the_search_page_lists_matching_steps_with_a_link(client, steps):
    response = client.get("/recherche/", {"q": "benevoles"})
    page = response.content.decode()
    assert 'id="res-etapes">Étapes des parcours <span class="hub-count">(2)</span>' in page
    assert 'href="/parcours/qualifier/mobiliser/"' in page
    assert 'href="/parcours/trajectoire/equipe/"' in page
    assert "Parcours « Qualifier son modèle »" in page
    assert [hit.url for hit in steps_section(response)] == [
        "/parcours/trajectoire/equipe/", "/parcours/qualifier/mobiliser/",
    ]


def test_the_search_page_folds_accents_for_steps(client, steps):
    response = client.get("/recherche/", {"q": "mecenat"})
    assert [hit.title for hit in steps_section(response)] == ["Financer son projet"]


def test_the_search_page_shows_no_step_when_nothing_matches(client, steps):
    response = client.get("/recherche/", {"q": "xylophone"})
    assert steps_section(response) == []
    page = response.content.decode()
    assert 'id="res-etapes">Étapes des parcours <span class="hub-count">(0)</span>' in page
    assert "/parcours/qualifier/" not in page


def test_a_step_found_is_not_a_suggestion_trigger(client, steps):
    response = client.get("/recherche/", {"q": "mobiliser"})
    assert response.context["total"] == 0
    assert response.context["suggestion"] is None
    assert [hit.url for hit in steps_section(response)] == ["/parcours/qualifier/mobiliser/"]


def test_fiches_and_steps_are_both_listed(client, steps):
    make_fiche(title="Mobiliser des bénévoles", slug="fiche-benevoles")
    response = client.get("/recherche/", {"q": "bénévoles"})
    assert response.context["total"] == 1
    assert len(steps_section(response)) == 2
