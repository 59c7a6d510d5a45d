"""What anonymous requests can add to the shared cache (core.content_cache): a key holds only what the page reads."""

import pytest
from django.core.cache import cache

from tests.factories import make_fiche, make_lever

pytestmark = pytest.mark.django_db

HOSTILE = 200


def entries(kind):
    """How many entries of this kind the cache holds (the test cache is locmem: its keys are « :1:<key> »)."""
    return sum(key.startswith(f":1:content:{kind}:") for key in cache._cache)


def state(response):
    return response.headers.get("X-Hub-Cache")


@pytest.fixture
def lever():
    lever = make_lever(slug="levier-borne", label="Levier borné")
    make_fiche(slug="fiche-bornee", title="Fiche bornée", levers=[lever])
    return lever


# 1. A key holds only what the page reads ----------------------------------------------------------------------------


def test_200_values_of_the_partial_header_add_at_most_two_page_entries(lever, visitor):
    values = ["", "1", "0", "true", " 1", "1 ", "01", *(f"valeur-{i}" for i in range(HOSTILE - 7))]
    for value in values:
        response = visitor.get("/fiches/", headers={"X-Hub-Partial": value})
        assert response.status_code == 200
        assert ("<html" in response.content.decode()) is (value != "1"), value  # only « 1 » asks for the results
    assert entries("page") <= 2
    full, partial = visitor.get("/fiches/"), visitor.get("/fiches/", headers={"X-Hub-Partial": "1"})
    assert (state(full), state(partial)) == ("hit", "hit")


def test_200_unknown_parameters_add_at_most_one_listing_entry(lever, visitor):
    for i in range(HOSTILE):
        response = visitor.get(f"/fiches/?utm_source=lettre-{i}")
        assert response.status_code == 200 and "Fiche bornée" in response.content.decode()
    assert entries("fiches") <= 1


def test_a_known_filter_still_gets_its_own_entry_whatever_comes_with_it(
    lever, visitor, django_assert_max_num_queries
):
    plain = visitor.get("/fiches/")
    filtered = visitor.get("/fiches/?levier=levier-borne&utm_source=a")
    assert entries("fiches") == 2
    with django_assert_max_num_queries(0):
        for url in ("/fiches/?levier=levier-borne", "/fiches/?utm_campaign=b&levier=levier-borne&fbclid=c"):
            again = visitor.get(url, headers={"X-Hub-Partial": "1"})
            assert again.status_code == 200 and again.content.decode().strip() in filtered.content.decode()
    visitor.get("/fiches/?levier=levier-borne&tri=titre")  # the sort is read: another entry
    visitor.get("/fiches/?levier=levier-borne&page=1")  # so is the page
    assert entries("fiches") == 4
    assert plain.status_code == filtered.status_code == 200


def test_an_unknown_parameter_is_ignored_even_with_nul_bytes(lever, visitor):
    response = visitor.get("/fiches/?utm_source=a%00b")
    assert response.status_code == 200 and "caractères nuls" not in response.content.decode()
    assert visitor.get("/fiches/?levier=levier-borne%00").status_code == 400  # a parameter the page reads


def test_searches_that_differ_only_past_the_length_the_page_reads_share_one_entry(lever, visitor):
    prefix = "fiche " * 40  # 240 characters: the search reads the first 200
    for i in range(HOSTILE):
        response = visitor.get(f"/recherche/?q={prefix}{i}")
        assert response.status_code == 200 and "seuls ses 200 premiers caractères" in response.content.decode()
    assert entries("search") == 1
