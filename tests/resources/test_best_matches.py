"""The search page's ten best fiches and their number (resources.search.best_matches): the same fiches, in the same
order, as ranking every match with the ORM, on both databases."""

import datetime

import pytest
from django.utils import timezone

from resources.models import Fiche, Lever
from resources.search import best_matches, prepare_query, search_fiches
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
    fiches, total = best_matches(Fiche.objects.published(), prepare_query("bénévoles"), 10)
    assert total == len(expected) == 17
    assert [f.slug for f in fiches] == [f.slug for f in expected[:10]]
    assert fiches[0].slug == "titre"
    assert [label for _theme, label in fiches[0].card_levers] == ["Bénévolat"]
    assert fiches[1].card_levers == []


def test_best_matches_of_a_query_that_finds_nothing_or_nothing_to_search():
    _catalogue()
    assert best_matches(Fiche.objects.published(), prepare_query("introuvable"), 10) == ([], 0)
    assert best_matches(Fiche.objects.published(), prepare_query(""), 10) == ([], 0)


def test_best_matches_with_groups_and_exclusions_match_the_orm():
    _catalogue()
    query = "bénévoles OR chose -titre"
    fiches, total = best_matches(Fiche.objects.published(), prepare_query(query), 5)
    expected = _orm_ranking(query)
    assert total == len(expected)
    assert [f.slug for f in fiches] == [f.slug for f in expected[:5]]


def test_best_matches_cost_one_query_and_one_for_the_levers_of_their_cards(django_assert_num_queries):
    _catalogue()
    parsed = prepare_query("bénévoles")
    with django_assert_num_queries(2):
        fiches, _ = best_matches(Fiche.objects.published(), parsed, 10)
    assert len(fiches) == 10 and all(hasattr(fiche, "card_levers") for fiche in fiches)
