import re

import pytest

from resources.models import Domain, EntryDoor, Fiche, ReferentielPart, Tool
from tests.factories import make_component, make_fiche, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db


def h1_count(response):
    return len(re.findall(r"<h1[\s>]", response.content.decode()))


def test_home_presents_the_three_levers_and_the_ways_in(visitor):
    lever = make_lever(label="Richesses humaines", theme="rh")
    make_component(lever=lever, label="Bénévoles")
    make_fiche(family=Fiche.Family.REPERE)
    make_fiche(family=Fiche.Family.REPERE, status=Fiche.Status.DRAFT)
    response = visitor.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert h1_count(response) == 1
    assert re.search(r"Par les données</a>.*?1 fiche</p>", html, re.S)  # the draft is not counted
    assert "Richesses humaines" in html and "Bénévoles" in html
    for way in ("Par objectif", "Par type d’acteur", "Par les données", "Par méthode", "Par un parcours"):
        assert way in html
    assert 'href="/fiches/?famille=repere"' in html


def test_referentiel_shows_parts_impacts_and_the_systemic_view(visitor):
    make_vocabulary(ReferentielPart, label="Voyage en pays socio-économique")
    response = visitor.get("/referentiel/")
    html = response.content.decode()
    assert response.status_code == 200 and h1_count(response) == 1
    assert "Voyage en pays socio-économique" in html
    assert 'role="img"' in html and "<title id=\"systemic-title\">" in html
    assert 'aria-current="page">Référentiel' in html


def test_lever_page_lists_its_components_and_published_fiches(visitor):
    lever = make_lever(slug="financement", label="Financement", question="Quels leviers de financement activer ?")
    component = make_component(lever=lever, label="Subventionnement", examples="Mécénat")
    make_fiche(title="Fiche financement publiée", levers=[lever]).components.add(component)
    make_fiche(title="Brouillon financement", levers=[lever], status=Fiche.Status.DRAFT).components.add(component)
    html = visitor.get("/leviers/financement/").content.decode()
    assert '<p class="hub-tile__count">1 fiche</p>' in html  # the draft is not counted
    assert "Quels leviers de financement activer ?" in html
    assert "Subventionnement" in html and "Mécénat" in html
    assert "Fiche financement publiée" in html
    assert "Brouillon financement" not in html


def test_component_page_lists_its_fiches_and_siblings(visitor):
    lever = make_lever(slug="alliances", label="Alliances")
    component = make_component(lever=lever, slug="alliances-de-moyens", label="Alliances de moyens")
    make_component(lever=lever, label="Alliances de positionnement")
    fiche = make_fiche(title="Mutualiser des locaux")
    fiche.components.add(component)
    response = visitor.get("/leviers/alliances/alliances-de-moyens/")
    html = response.content.decode()
    assert response.status_code == 200 and h1_count(response) == 1
    assert "Mutualiser des locaux" in html and "Alliances de positionnement" in html


def test_component_under_the_wrong_lever_is_a_404(visitor):
    make_component(lever=make_lever(slug="alliances"), slug="alliances-de-moyens")
    make_lever(slug="financement")
    assert visitor.get("/leviers/financement/alliances-de-moyens/").status_code == 404


@pytest.mark.parametrize("model, prefix", [(Domain, "domaines"), (EntryDoor, "portes-d-entree"), (Tool, "outils")])
def test_vocabulary_pages_list_values_and_their_fiches(visitor, model, prefix):
    value = make_vocabulary(model, label="Valeur testée", description="Une description utile.")
    fiche = make_fiche(title="Fiche rattachée")
    getattr(fiche, {"domaines": "domains", "portes-d-entree": "entry_doors", "outils": "tools"}[prefix]).add(value)
    index = visitor.get(f"/{prefix}/")
    assert index.status_code == 200 and h1_count(index) == 1
    assert "Valeur testée" in index.content.decode() and "1 fiche" in index.content.decode()
    detail = visitor.get(f"/{prefix}/{value.slug}/")
    assert detail.status_code == 200 and h1_count(detail) == 1
    assert "Fiche rattachée" in detail.content.decode()


def test_a_value_to_confirm_says_so(visitor):
    value = make_vocabulary(Domain, provenance="to_confirm")
    assert "À confirmer" in visitor.get(f"/domaines/{value.slug}/").content.decode()


@pytest.mark.parametrize("url", ["/inconnu/", "/regions/nulle-part/", "/leviers/inconnu/", "/fiches/inconnue/"])
def test_unknown_addresses_give_the_french_404(visitor, url):
    response = visitor.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.parametrize(
    "url, text",
    [
        ("/accessibilite/", "Déclaration d’accessibilité"),
        ("/mentions-legales/", "Mentions légales"),
        ("/plan-du-site/", "Plan du site"),
        ("/parcours/", "Les parcours"),
    ],
)
def test_editorial_pages_are_served(visitor, url, text):
    response = visitor.get(url)
    assert response.status_code == 200 and h1_count(response) == 1
    assert text in response.content.decode()


def test_every_page_has_a_skip_link_and_french_lang(visitor):
    html = visitor.get("/referentiel/").content.decode()
    assert '<html lang="fr">' in html
    assert '<a class="hub-skip" href="#contenu">' in html and '<main id="contenu"' in html
    assert 'aria-label="Fil d’Ariane"' in html


def test_sitemap_lists_published_fiches_only(visitor):
    make_fiche(slug="visible")
    make_fiche(slug="cachee", status=Fiche.Status.DRAFT)
    make_vocabulary(Domain, slug="sante")
    xml = visitor.get("/sitemap.xml").content.decode()
    assert "/fiches/visible/" in xml and "/fiches/cachee/" not in xml
    assert "/domaines/sante/" in xml


def test_robots_txt_points_to_the_sitemap(visitor):
    response = visitor.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_accessibility_statement_follows_the_rgaa_structure(visitor, db):
    text = visitor.get("/accessibilite/").content.decode()
    for heading in ["État de conformité", "Contenus non accessibles", "Retour d’information et contact", "Voies de recours"]:
        assert f"<h2>{heading}</h2>" in text
    assert "<strong>non conforme</strong>" in text  # no audit yet: the only status RGAA allows
    assert 'href="mailto:contact@hub.example.org"' in text
