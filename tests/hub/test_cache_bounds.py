"""What anonymous requests can add to the shared cache (core.content_cache): a key holds only what the page reads,
and what anyone can vary without end (queries, searches, a host with a port) is stored within a budget per visitor;
past it the page is still served, not stored."""

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, RequestFactory

from core.content_cache import VERSION_KEY
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


@pytest.fixture
def no_budget(settings):
    """Keys alone: a budget far above what the test sends, so only the key can keep the entries down."""
    settings.HUB_CACHE_ENTRIES_PER_CLIENT = 10 * HOSTILE


@pytest.fixture
def budget(settings):
    settings.HUB_CACHE_ENTRIES_PER_CLIENT = 3
    return 3


def from_address(address):
    return Client(REMOTE_ADDR=address)


# 1. A key holds only what the page reads ----------------------------------------------------------------------------


def test_200_values_of_the_partial_header_add_at_most_two_page_entries(lever, no_budget, visitor):
    values = ["", "1", "0", "true", " 1", "1 ", "01", *(f"valeur-{i}" for i in range(HOSTILE - 7))]
    for value in values:
        response = visitor.get("/fiches/", headers={"X-Hub-Partial": value})
        assert response.status_code == 200
        assert ("<html" in response.content.decode()) is (value != "1"), value  # only « 1 » asks for the results
    assert entries("page") <= 2
    full, partial = visitor.get("/fiches/"), visitor.get("/fiches/", headers={"X-Hub-Partial": "1"})
    assert (state(full), state(partial)) == ("hit", "hit")


def test_200_unknown_parameters_add_at_most_one_listing_entry(lever, no_budget, visitor):
    for i in range(HOSTILE):
        response = visitor.get(f"/fiches/?utm_source=lettre-{i}")
        assert response.status_code == 200 and "Fiche bornée" in response.content.decode()
    assert entries("fiches") <= 1


def test_a_known_filter_still_gets_its_own_entry_whatever_comes_with_it(
    lever, no_budget, visitor, django_assert_max_num_queries
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


def test_an_unknown_parameter_is_ignored_even_with_nul_bytes(lever, no_budget, visitor):
    response = visitor.get("/fiches/?utm_source=a%00b")
    assert response.status_code == 200 and "caractères nuls" not in response.content.decode()
    assert visitor.get("/fiches/?levier=levier-borne%00").status_code == 400  # a parameter the page reads


def test_searches_that_differ_only_past_the_length_the_page_reads_share_one_entry(lever, no_budget, visitor):
    prefix = "fiche " * 40  # 240 characters: the search reads the first 200
    for i in range(HOSTILE):
        response = visitor.get(f"/recherche/?q={prefix}{i}")
        assert response.status_code == 200 and "seuls ses 200 premiers caractères" in response.content.decode()
    assert entries("search") == 1


def test_a_host_with_a_port_is_stored_within_the_visitor_s_budget(lever, budget, visitor):
    for port in range(1000, 1000 + HOSTILE):
        assert visitor.get("/referentiel/", HTTP_HOST=f"testserver:{port}").status_code == 200
    assert entries("page") == budget
    assert state(visitor.get("/referentiel/")) == "miss" and state(visitor.get("/referentiel/")) == "hit"  # listed


# 2. A budget of new entries per visitor ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind, url", [("fiches", "/fiches/?q=mot{}"), ("search", "/recherche/?q=mot{}")])
def test_past_its_budget_a_visitor_s_new_queries_are_served_not_stored_while_another_s_are(lever, budget, kind, url):
    greedy, other = from_address("192.0.2.1"), from_address("198.51.100.7")
    for i in range(budget + 5):
        assert greedy.get(url.format(i)).status_code == 200
    assert entries(kind) == budget
    assert other.get(url.format("autre")).status_code == 200
    assert entries(kind) == budget + 1
    assert greedy.get(url.format(0)).status_code == 200  # stored within the budget: served to everyone
    assert entries(kind) == budget + 1


def test_the_budget_is_one_per_ipv6_network_not_per_address(lever, budget):
    for i in range(budget + 2):
        assert from_address(f"2001:db8:1:2::{i + 1:x}").get(f"/recherche/?q=mot{i}").status_code == 200
    assert entries("search") == budget
    assert from_address("2001:db8:1:3::1").get("/recherche/?q=ailleurs").status_code == 200
    assert entries("search") == budget + 1


def test_behind_a_proxy_the_budget_counts_the_address_the_proxy_saw(lever, budget, settings):
    settings.HUB_PROXY_COUNT = 1
    for i in range(budget + 2):  # the same visitor, writing a new address of its own each time
        proxied = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}, 192.0.2.9")
        assert proxied.get(f"/recherche/?q=mot{i}").status_code == 200
    assert entries("search") == budget


def test_content_pages_everyone_asks_for_are_not_counted(lever, budget, visitor):
    for page in ("/", "/referentiel/", "/fiches/", "/leviers/levier-borne/", "/accessibilite/", "/plan-du-site/"):
        assert state(visitor.get(page)) == "miss" and state(visitor.get(page)) == "hit", page
    assert entries("page") == 6


class UncountableCache(LocMemCache):
    """A cache that reads and writes, but whose counters fail (a failover in the middle of a request)."""

    def add(self, *args, **kwargs):
        raise ConnectionError("cache injoignable")

    def incr(self, *args, **kwargs):
        raise ConnectionError("cache injoignable")


def test_a_budget_that_cannot_be_counted_stores_nothing_and_breaks_nothing(lever, settings):
    settings.CACHES = {"default": {"BACKEND": f"{__name__}.UncountableCache", "LOCATION": "sans-compteur"}}
    cache.set(VERSION_KEY, "v1", None)  # the version exists: only the count fails
    visitor = from_address("192.0.2.1")
    for _ in range(2):
        response = visitor.get("/recherche/?q=fiche")
        assert response.status_code == 200 and "Fiche bornée" in response.content.decode()
        assert visitor.get("/fiches/?q=fiche").status_code == 200
    assert entries("search") == entries("fiches") == 0


# 3. Who a visitor is --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("address, group", [
    ("192.0.2.1", "192.0.2.1"),
    ("::ffff:192.0.2.1", "192.0.2.1"),
    ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("pas une adresse", "?"),
    ("", "?"),
])
def test_a_visitor_is_counted_by_address_and_an_ipv6_one_by_its_64(address, group):
    from core.clients import client_group  # new module: imported here so the other tests also run on older code

    assert client_group(RequestFactory().get("/", REMOTE_ADDR=address)) == group
