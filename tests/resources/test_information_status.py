"""The status of the information (confirmé, déduit, à confirmer): said once, at the end of the page, with its source
and the way to the legend; the legend page itself."""

import re
import tomllib
from pathlib import Path

import pytest

from resources.content_files import parse_fiche
from resources.models import Domain, Provenance, Region
from tests.factories import make_component, make_fiche, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LEGEND = 'href="/statut-de-l-information/"'


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def status_section(html):
    """The « Statut de l’information » section, which must be the page's last section of content."""
    found = re.search(r'<section class="hub-info-status".*?</section>', html, re.S)
    assert found, "no « Statut de l’information » section"
    assert "<section" not in html[found.end():html.index("</main>")], "the status is not at the end of the page"
    return found.group(0)


def test_a_value_to_confirm_says_so_at_the_end_of_the_page_not_in_its_text(visitor):
    value = make_vocabulary(Domain, provenance=Provenance.TO_CONFIRM, source_url="https://www.example.org/domaines")
    html = page(visitor, f"/domaines/{value.slug}/")
    section = status_section(html)
    assert '<h2 id="statut-information" class="hub-info-status__title">Statut de l’information</h2>' in section
    assert "<strong class=\"hub-info-status__word\">À confirmer</strong>" in section
    assert '<a href="https://www.example.org/domaines" rel="noopener">' in section
    assert LEGEND in section and "Que signifient ces statuts&#8239;?" in section
    assert "À confirmer" not in html.replace(section, "")


def test_a_confirmed_value_shows_its_source_as_a_link(visitor):
    value = make_vocabulary(Region, provenance=Provenance.CONFIRMED, source_url="https://www.insee.fr/fr/regions")
    section = status_section(page(visitor, f"/regions/{value.slug}/"))
    assert "<strong class=\"hub-info-status__word\">Confirmé</strong>" in section
    assert "<dt>Source&#8239;:</dt>" in section
    assert '<a href="https://www.insee.fr/fr/regions" rel="noopener">https://www.insee.fr/fr/regions</a>' in section


def test_an_inferred_value_says_deduit_and_shows_no_source_line_without_an_address(visitor):
    value = make_vocabulary(Region, provenance=Provenance.INFERRED, source_url="")
    section = status_section(page(visitor, f"/regions/{value.slug}/"))
    assert "<strong class=\"hub-info-status__word\">Déduit</strong>" in section
    assert "Source" not in section


def test_levers_and_components_end_with_their_status_too(visitor):
    lever = make_lever(provenance=Provenance.CONFIRMED, source_url="https://odd17.org/page")
    component = make_component(lever, provenance=Provenance.TO_CONFIRM)
    assert "Confirmé" in status_section(page(visitor, lever.get_absolute_url()))
    assert "À confirmer" in status_section(page(visitor, component.get_absolute_url()))


def test_a_list_of_one_status_counts_it_and_puts_no_badge_on_its_tiles(visitor):
    for _ in range(3):
        make_vocabulary(Domain, provenance=Provenance.TO_CONFIRM)
    html = page(visitor, "/domaines/")
    assert "hub-badge" not in html
    section = status_section(html)
    assert "<strong class=\"hub-info-status__word\">À confirmer</strong> (3)" in section
    assert "La source de chaque valeur figure sur sa page." in section


def test_a_list_that_mixes_statuses_badges_the_values_not_confirmed(visitor):
    make_vocabulary(Region, label="Bretagne", provenance=Provenance.CONFIRMED)
    make_vocabulary(Region, label="Mayotte", provenance=Provenance.TO_CONFIRM)
    make_vocabulary(Region, label="Guyane", provenance=Provenance.INFERRED)
    html = page(visitor, "/regions/")
    assert html.count('<span class="hub-badge">') == 2
    assert '<span class="hub-badge">À confirmer</span>' in html and '<span class="hub-badge">Déduit</span>' in html
    section = status_section(html)
    assert re.search(r"Confirmé</strong> \(1\), .*Déduit</strong> \(1\), .*À confirmer</strong> \(1\)", section)


def test_the_legend_page_explains_the_three_statuses_and_how_to_report_a_doubt(visitor, settings):
    html = page(visitor, "/statut-de-l-information/")
    assert html.count("<h1") == 1
    for word in ("Confirmé", "Déduit", "À confirmer"):
        assert f'">{word}</dt>' in html
    assert "mailto:" in html and "Signaler un doute" in html
    assert "sources" in html


def test_the_legend_page_examples_are_real_shipped_content_with_the_status_they_illustrate(visitor):
    """The three examples name shipped content: the confirmed lever, a fiche with a deduction, the domains to
    confirm."""
    html = page(visitor, "/statut-de-l-information/")
    assert 'href="/leviers/richesses-humaines/"' in html
    assert 'href="/fiches/mobiliser-et-fideliser-des-benevoles/"' in html
    assert 'href="/domaines/"' in html
    levers = tomllib.loads((FIXTURES / "vocabularies.toml").read_text(encoding="utf-8"))["lever"]
    assert next(row for row in levers if row["slug"] == "richesses-humaines")["provenance"] == "confirmed"
    fiche = parse_fiche(FIXTURES / "fiches" / "mobiliser-et-fideliser-des-benevoles.md")
    assert any(source.get("kind") == "inference" for source in fiche.meta["sources"])
    domains = tomllib.loads((FIXTURES / "vocabularies.toml").read_text(encoding="utf-8"))["domain"]
    assert len(domains) == 16 and all(row["provenance"] == "to_confirm" for row in domains)


@pytest.mark.parametrize("url", ["/", "/plan-du-site/", "/mentions-legales/"])
def test_the_legend_is_linked_from_the_footer_the_site_map_and_the_legal_page(visitor, url):
    assert page(visitor, url).count(LEGEND) >= 1


def test_the_site_map_lists_the_legend(visitor):
    html = page(visitor, "/plan-du-site/")
    sitemap = html[html.index('<div class="hub-sitemap">'):]
    assert LEGEND in sitemap


def test_a_fiche_page_is_untouched_by_the_status_section(visitor):
    fiche = make_fiche()
    assert "hub-info-status" not in page(visitor, fiche.get_absolute_url())
