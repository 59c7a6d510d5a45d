"""The search page's ten best fiches and their number (resources.search.best_matches): the same fiches, in the same
order, as ranking every match with the ORM, on both databases."""

import datetime

import pytest
from django.db import connection  # noqa: F401  (read by the skipif condition)
from django.utils import timezone

from resources.models import Fiche, Lever
from resources.search import best_matches, excerpts, prepare_query, search_fiches
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db


def _orm_ranking(query):
    return list(
        search_fiches(Fiche.objects.published(), prepare_query(query)).order_by("-rank", "-published_at", "pk")
    )


def _catalogue():
    lever = Lever.objects.create(slug="benevolat", label="Bénévolat", order=1)
    day = timezone.now() - datetime.timedelta(days=30)
    make_fiche(slug="titre", title="Les bénévoles", body="Des bénévoles.", published_at=day, levers=[lever])
    make_fiche(slug="chapeau", title="Autre", chapeau="Avec des bénévoles.", published_at=day)
    for n in range(14):  # equal ranks: the most recent first, then pk
        make_fiche(slug=f"corps-{n}", title=f"Sujet {n}", body="On cite les bénévoles une fois.",
                   published_at=day + datetime.timedelta(days=n % 4))
    make_fiche(slug="sans-date", title="Sujet sans date", body="Des bénévoles.", published_at=None)
    make_fiche(slug="brouillon", title="Les bénévoles", status=Fiche.Status.DRAFT)
    make_fiche(slug="ailleurs", title="Autre chose", body="Rien à voir.")


def test_best_matches_are_the_first_of_the_full_ranking_with_their_number():
    _catalogue()
    expected = _orm_ranking("bénévoles")
    fiches, total = best_matches(prepare_query("bénévoles"), 10)
    assert total == len(expected) == 17
    assert [f.slug for f in fiches] == [f.slug for f in expected[:10]]
    assert fiches[0].slug == "titre"
    assert [label for _theme, label in fiches[0].card_levers] == ["Bénévolat"]
    assert fiches[1].card_levers == []


def test_best_matches_of_a_query_that_finds_nothing_or_nothing_to_search():
    _catalogue()
    assert best_matches(prepare_query("introuvable"), 10) == ([], 0)
    assert best_matches(prepare_query(""), 10) == ([], 0)


def test_best_matches_with_groups_and_exclusions_match_the_orm():
    _catalogue()
    query = "bénévoles OR chose -titre"
    fiches, total = best_matches(prepare_query(query), 5)
    expected = _orm_ranking(query)
    assert total == len(expected)
    assert [f.slug for f in fiches] == [f.slug for f in expected[:5]]


def test_best_matches_cost_one_query_and_one_for_the_levers_of_their_cards(django_assert_num_queries):
    _catalogue()
    parsed = prepare_query("bénévoles")
    with django_assert_num_queries(2):
        fiches, _ = best_matches(parsed, 10)
    assert len(fiches) == 10 and all(hasattr(fiche, "card_levers") for fiche in fiches)


# PostgreSQL: the SQL of the matches is compiled once per number of OR-groups, its moment and words put in place.

QUERIES = ["bénévoles", "published", "hub_french", "bénévoles OR chose -titre", '"des bénévoles" sujet', "a b c d",
           "-titre bénévoles", "1970", "sujet OR autre OR rien"]


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.parametrize("query", QUERIES)
def test_the_kept_sql_is_what_the_orm_compiles_for_each_query_and_moment(query):
    from resources.search import _matches_orm, _matches_sql

    for now in (timezone.now(), timezone.now() + datetime.timedelta(days=3)):
        for _ in range(2):  # compiled, then kept
            assert _matches_sql(prepare_query(query), now) == _matches_orm(prepare_query(query), now)


def test_best_matches_are_those_published_at_the_given_moment():
    _catalogue()
    later = timezone.now() + datetime.timedelta(days=10)
    make_fiche(slug="programmee", title="Les bénévoles demain", published_at=later)
    make_fiche(slug="retiree", title="Les bénévoles hier", unpublish_at=timezone.now() + datetime.timedelta(days=5))
    now_slugs = [f.slug for f in best_matches(prepare_query("bénévoles demain OR hier"), 20)[0]]
    later_slugs = [f.slug for f in best_matches(prepare_query("bénévoles demain OR hier"), 20, now=later)[0]]
    assert "programmee" not in now_slugs and "retiree" in now_slugs
    assert "programmee" in later_slugs and "retiree" not in later_slugs


def test_excerpts_of_the_best_matches_cost_no_query(django_assert_num_queries):
    _catalogue()
    parsed = prepare_query("bénévoles")
    fiches, _ = best_matches(parsed, 10)
    with django_assert_num_queries(0):
        found = excerpts(fiches, parsed)
    assert "<mark>bénévoles</mark>" in found[fiches[0].pk]
