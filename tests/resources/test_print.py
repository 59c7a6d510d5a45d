"""What the fiche page carries for paper (static/css/print.css shows it, tests/browser/test_print.py prints it)."""

import re

import pytest

from resources.models import Provenance, Region
from tests.factories import make_component, make_fiche, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db

FOOTER = re.compile(r'<p class="hub-print-footer" hidden data-print-footer>(.*?)</p>')


def _printed_footer(html):
    found = FOOTER.search(html)
    assert found, "pas de pied de page imprimé"
    return found.group(1)


def test_a_fiche_page_carries_the_printed_footer_with_its_address_and_no_date_of_the_server(visitor):
    make_fiche(slug="benevoles")
    footer = _printed_footer(visitor.get("/fiches/benevoles/").content.decode())
    # The day is the browser's (print.js): a day written here would be wrong once the page is cached.
    assert footer == (
        'Imprimé<span data-print-date></span> depuis '
        '<span class="hub-print-footer__url" data-print-url>http://testserver/fiches/benevoles/</span>'
    )


def test_a_fiche_page_loads_print_js_deferred(visitor):
    make_fiche(slug="benevoles")
    html = visitor.get("/fiches/benevoles/").content.decode()
    assert '<script src="/static/js/print.js" defer></script>' in html


def test_a_fiche_page_carries_its_classement_on_one_printed_line(visitor):
    lever = make_lever(slug="financement", label="Financement")
    fiche = make_fiche(slug="subventions", levers=[lever])
    fiche.components.add(make_component(lever=lever, label="Subventionnement"), make_component(label="Mécénat"))
    fiche.regions.add(make_vocabulary(Region, label="Bretagne"))
    fiche.tags.add("bénévolat")
    html = visitor.get("/fiches/subventions/").content.decode()
    line = re.search(r'<p class="hub-print-classement" hidden>(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", line)).strip()
    assert text == (
        "Classement — Leviers&#8239;: Financement Composantes&#8239;: Mécénat, Subventionnement "
        "Régions&#8239;: Bretagne Mots-clés&#8239;: bénévolat"
    )
    assert line.count('class="hub-print-classement__group"') == 4


def test_a_fiche_without_any_classement_prints_no_empty_line(visitor):
    make_fiche(slug="nue")
    assert "hub-print-classement" not in visitor.get("/fiches/nue/").content.decode()


def test_a_cached_page_carries_the_same_footer_without_a_date(visitor):
    first = visitor.get("/referentiel/")
    again = visitor.get("/referentiel/")
    assert again["X-Hub-Cache"] == "hit"
    for response in (first, again):
        assert _printed_footer(response.content.decode()).startswith("Imprimé<span data-print-date></span> depuis ")


def test_a_long_source_address_is_shortened_on_screen_and_whole_on_paper(visitor):
    address = "https://www.example.org/" + "ressources/" * 8 + "fiche.pdf"
    make_vocabulary(Region, slug="bretagne", label="Bretagne", source_url=address, provenance=Provenance.CONFIRMED)
    html = visitor.get("/regions/bretagne/").content.decode()
    assert f'<span class="hub-provenance__full" hidden>{address}</span>' in html
    assert '<span class="hub-provenance__short">https://www.example.org/ressources/' in html


def test_the_printed_address_leaves_out_the_query_string(visitor):
    html = visitor.get("/recherche/?q=b%C3%A9n%C3%A9voles&next=https://evil.example/").content.decode()
    assert _printed_footer(html).endswith('data-print-url>http://testserver/recherche/</span>')
