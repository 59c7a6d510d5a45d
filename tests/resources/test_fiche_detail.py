import pytest
from django.test.utils import CaptureQueriesContext
from django.db import connection

from resources.models import Fiche, Region
from tests.factories import make_component, make_fiche, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db


def test_visitor_reads_a_published_fiche_with_its_parts(visitor):
    lever = make_lever(slug="richesses-humaines", label="Richesses humaines", theme="rh")
    region = make_vocabulary(Region, slug="bretagne", label="Bretagne")
    fiche = make_fiche(slug="benevoles", title="Mobiliser des bénévoles", chapeau="Un chapeau clair.",
                       body="## Pourquoi\n\nParce que.", levers=[lever], sources=["Référentiel 2019"])
    fiche.regions.add(region, make_vocabulary(Region, slug="alsace", label="Alsace", order=region.order + 1))
    fiche.components.add(make_component(lever=lever, slug="benevolat", label="Bénévolat"))
    fiche.tags.add("bénévolat")
    fiche.related.add(make_fiche(title="Fiche voisine"))
    response = visitor.get("/fiches/benevoles/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Mobiliser des bénévoles</h1>" in html
    assert "Un chapeau clair." in html and "<h2>Pourquoi</h2>" in html
    # Every vocabulary in its display order, chips coloured by their lever: one query for them all.
    assert '<a class="hub-chip" href="/fiches/?region=bretagne"' in html
    assert html.index("?region=bretagne") < html.index("?region=alsace")
    assert '<a class="hub-chip hub-chip--rh" href="/fiches/?levier=richesses-humaines"' in html
    assert '<a class="hub-chip hub-chip--rh" href="/fiches/?composante=benevolat"' in html
    assert "Régions</span>&#8239;: Bretagne, Alsace</span>" in html
    assert 'href="/fiches/?tag=benevolat"' in html
    assert "Référentiel 2019" in html and "Fiche voisine" in html
    assert 'aria-current="page">Mobiliser des bénévoles' in html


def test_draft_is_a_404_for_visitors(visitor):
    make_fiche(slug="brouillon", status=Fiche.Status.DRAFT)
    assert visitor.get("/fiches/brouillon/").status_code == 404


def test_draft_is_a_404_for_logged_in_non_staff(learner_client):
    make_fiche(slug="brouillon", status=Fiche.Status.DRAFT)
    assert learner_client.get("/fiches/brouillon/").status_code == 404


def test_staff_previews_a_draft_at_its_public_address(staff_client):
    make_fiche(slug="brouillon", status=Fiche.Status.DRAFT)
    response = staff_client.get("/fiches/brouillon/")
    assert response.status_code == 200
    assert "Brouillon" in response.content.decode()


def test_related_drafts_are_not_shown(visitor):
    fiche = make_fiche(slug="principale")
    fiche.related.add(make_fiche(title="Voisine en brouillon", status=Fiche.Status.DRAFT))
    assert "Voisine en brouillon" not in visitor.get("/fiches/principale/").content.decode()


def _detail_queries(client, slug):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/fiches/{slug}/").status_code == 200
    return len(ctx)


def _richly_linked_fiche(n_related):
    lever = make_lever()
    fiche = make_fiche(levers=[lever], sources=["A", "B"])
    fiche.components.add(*[make_component(lever=lever) for _ in range(3)])
    fiche.regions.add(*[make_vocabulary(Region) for _ in range(3)])
    fiche.tags.add("un", "deux")
    fiche.related.add(*[make_fiche(levers=[lever]) for _ in range(n_related)])
    return fiche


def test_detail_query_count_does_not_grow_with_the_catalogue(visitor, django_assert_max_num_queries):
    small = _richly_linked_fiche(2)
    few = _detail_queries(visitor, small.slug)
    big = _richly_linked_fiche(10)
    for _ in range(190):
        make_fiche()
    many = _detail_queries(visitor, big.slug)
    assert few == many
    with django_assert_max_num_queries(8):
        visitor.get(f"/fiches/{big.slug}/")
