import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import Fiche, Region
from tests.factories import make_fiche, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db


def titles(response):
    return [fiche.title for fiche in response.context["page"].object_list]


def test_list_shows_published_fiches_only(visitor):
    make_fiche(title="Publiée")
    make_fiche(title="Brouillon", status=Fiche.Status.DRAFT)
    response = visitor.get("/fiches/")
    assert response.status_code == 200
    assert titles(response) == ["Publiée"]


def test_family_filter_keeps_one_family(visitor):
    make_fiche(title="Une action", family=Fiche.Family.ACTION)
    make_fiche(title="Un repère", family=Fiche.Family.REPERE)
    assert titles(visitor.get("/fiches/?famille=repere")) == ["Un repère"]


def test_two_families_combine_with_or(visitor):
    make_fiche(title="Action", family=Fiche.Family.ACTION)
    make_fiche(title="Repère", family=Fiche.Family.REPERE)
    make_fiche(title="Méthode", family=Fiche.Family.METHODE)
    assert sorted(titles(visitor.get("/fiches/?famille=action&famille=repere"))) == ["Action", "Repère"]


def test_a_vocabulary_chip_filters_the_list(visitor):
    bretagne = make_vocabulary(Region, slug="bretagne")
    inside = make_fiche(title="En Bretagne")
    inside.regions.add(bretagne)
    make_fiche(title="Ailleurs")
    response = visitor.get("/fiches/?region=bretagne")
    assert titles(response) == ["En Bretagne"]
    assert "Retirer ce filtre" in response.content.decode() or "retirer ce filtre" in response.content.decode()


def test_filters_of_two_facets_combine_with_and(visitor):
    bretagne = make_vocabulary(Region, slug="bretagne")
    lever = make_lever(slug="alliances")
    both = make_fiche(title="Les deux", levers=[lever])
    both.regions.add(bretagne)
    make_fiche(title="Levier seul", levers=[lever])
    assert titles(visitor.get("/fiches/?region=bretagne&levier=alliances")) == ["Les deux"]


def test_a_fiche_matching_two_values_appears_once(visitor):
    a, b = make_vocabulary(Region, slug="a"), make_vocabulary(Region, slug="b")
    fiche = make_fiche(title="Deux régions")
    fiche.regions.add(a, b)
    assert titles(visitor.get("/fiches/?region=a&region=b")) == ["Deux régions"]


def test_unknown_family_is_ignored_with_a_clear_message(visitor):
    make_fiche(title="Toujours là")
    response = visitor.get("/fiches/?famille=inconnue")
    assert response.status_code == 400
    html = response.content.decode()
    assert "ont été ignorés" in html and "famille" in html
    assert titles(response) == ["Toujours là"]


def test_unknown_vocabulary_value_is_reported_not_crashed(visitor):
    response = visitor.get("/fiches/?region=atlantide")
    assert response.status_code == 400
    assert "ont été ignorés" in response.content.decode()


def test_markup_in_a_bad_value_is_escaped(visitor):
    response = visitor.get("/fiches/?famille=<script>alert(1)</script>")
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_huge_parameter_value_is_not_a_500(visitor):
    response = visitor.get("/fiches/?region=" + "x" * 10_000)
    assert response.status_code == 400


def test_too_many_values_in_one_facet_is_a_400(visitor):
    response = visitor.get("/fiches/?" + "&".join(f"region=r{i}" for i in range(200)))
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "²", "9" * 30, ""])
def test_garbage_page_numbers_are_a_400(visitor, page):
    make_fiche()
    assert visitor.get(f"/fiches/?page={page}").status_code == 400


def test_page_past_the_end_is_a_404(visitor):
    make_fiche()
    assert visitor.get("/fiches/?page=99999").status_code == 404


def test_pagination_keeps_the_filters(visitor):
    for _ in range(13):
        make_fiche(family=Fiche.Family.ACTION)
    response = visitor.get("/fiches/?famille=action")
    html = response.content.decode()
    assert response.context["page"].paginator.num_pages == 2
    assert 'href="?famille=action&amp;page=2"' in html
    second = visitor.get("/fiches/?famille=action&page=2")
    assert len(second.context["page"].object_list) == 1


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def _catalogue(n, lever, region):
    for _ in range(n):
        fiche = make_fiche(levers=[lever])
        fiche.regions.add(region)


def test_list_query_count_is_the_same_with_10_or_200_fiches(visitor, django_assert_max_num_queries):
    lever, region = make_lever(slug="alliances"), make_vocabulary(Region, slug="bretagne")
    url = "/fiches/?famille=action&levier=alliances&region=bretagne&page=1"
    _catalogue(10, lever, region)
    with_10 = _list_queries(visitor, url)
    _catalogue(190, lever, region)
    with_200 = _list_queries(visitor, url)
    assert with_10 == with_200
    with django_assert_max_num_queries(6):
        visitor.get(url)
