"""The glossary and the parcours steps are matched in memory, from rows kept for the content version: the same
answer as the SQL condition over the same folded text, on both databases, and an edit is found at the next search."""

import pytest

from parcours.models import Step
from parcours.search import search_steps
from resources.models import GlossaryTerm
from resources.search import folded_text_condition, folded_text_matches, prepare_query, search_glossary
from tests.factories import make_parcours, make_step

pytestmark = pytest.mark.django_db

# Each finds something in the shipped glossary and in the shipped steps; together they use every piece of syntax.
FINDING = ["bénévoles", "Alliance", "MSE", "hybridation", "mecenat OR dons", "alliances -moyens",
           '"alliance de moyens"', "modèle socio-économique", "l’intérêt général", "co-construction", "3 leviers"]
# Nothing, or nothing once excluded.
EMPTY = ["xylophone", "-alliances", '"moyens de alliance"', "alliances -alliances", "nevoles"]


def _compare(model, order, parsed):
    rows = model.objects.order_by(*order)
    in_sql = list(rows.filter(folded_text_condition(parsed)).values_list("pk", flat=True))
    in_memory = [pk for pk, text in rows.values_list("pk", "search_text") if folded_text_matches(parsed, text)]
    return in_sql, in_memory


@pytest.mark.parametrize("query", FINDING + EMPTY)
def test_the_glossary_matches_in_memory_as_in_sql(shipped_content, query):
    in_sql, in_memory = _compare(GlossaryTerm, ["sort_term", "pk"], prepare_query(query))
    assert in_memory == in_sql


@pytest.mark.parametrize("query", FINDING + EMPTY)
def test_the_steps_match_in_memory_as_in_sql(shipped_content, query):
    in_sql, in_memory = _compare(Step, ["parcours__order", "order", "pk"], prepare_query(query))
    assert in_memory == in_sql


def test_the_compared_queries_find_something_or_nothing_as_meant(shipped_content):
    """The comparisons above are not between two empty lists."""
    found = {query: (search_glossary(prepare_query(query)), search_steps(prepare_query(query))) for query in FINDING}
    assert [query for query, (terms, steps) in found.items() if not terms and not steps] == []
    assert sum(1 for terms, _ in found.values() if terms) >= 8
    assert sum(1 for _, steps in found.values() if steps) >= 5
    assert [query for query in EMPTY if search_glossary(prepare_query(query)) or search_steps(prepare_query(query))] == []


def test_an_edited_glossary_term_is_found_by_its_new_words_at_the_next_search(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 0
    term = GlossaryTerm.objects.create(slug="cpo", term="convention pluriannuelle d’objectifs", variants="CPO",
                                       definition="Un engagement sur plusieurs années.", provenance="confirmed")
    assert [hit[1] for hit in search_glossary(prepare_query("cpo"))] == ["/glossaire/cpo/"]
    term.variants, term.definition = "convention", "Un accord signé pour trois ans."
    term.save()
    assert search_glossary(prepare_query("cpo")) == []
    assert [hit[1] for hit in search_glossary(prepare_query("signé"))] == ["/glossaire/cpo/"]
    term.delete()
    assert search_glossary(prepare_query("signé")) == []


def test_a_new_step_is_found_at_the_next_search():
    assert search_steps(prepare_query("zéphyr")) == []
    make_step(make_parcours(title="Trajectoire", slug="trajectoire"), slug="vent", title="Le zéphyr se lève")
    assert [hit[2] for hit in search_steps(prepare_query("zephyr"))] == ["/parcours/trajectoire/vent/"]
