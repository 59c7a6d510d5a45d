"""A step's title and a parcours' step titles carry their status at the end of the page, never under the title."""

import re

import pytest

from resources.models import Provenance
from tests.factories import make_parcours, make_step


pytestmark = pytest.mark.django_db

def status_section(html):
    found = re.search(r'<section class="hub-info-status".*?</section>', html, re.S)
    assert found, "no « Statut de l’information » section"
    return found.group(0)


def test_a_step_to_confirm_says_so_in_the_status_section_not_under_its_title(visitor):
    parcours = make_parcours(source_url="https://modeles-socio-economiques.example.org/parcours")
    step = make_step(parcours, provenance=Provenance.TO_CONFIRM)
    html = visitor.get(step.get_absolute_url()).content.decode()
    section = status_section(html)
    assert "<dt>Intitulé de l’étape&#8239;:</dt>" in section
    assert '<strong class="hub-info-status__word">À confirmer</strong>' in section
    assert "<dt>Parcours d’origine&#8239;:</dt>" in section
    assert 'href="https://modeles-socio-economiques.example.org/parcours"' in section
    assert 'href="/statut-de-l-information/"' in section
    assert "à confirmer" not in html.replace(section, "").lower()
    assert html.index("</header>") < html.index(section) < html.index('<aside class="hub-step-aside"')


def test_a_confirmed_step_says_confirme(visitor):
    step = make_step(make_parcours(), provenance=Provenance.CONFIRMED)
    section = status_section(visitor.get(step.get_absolute_url()).content.decode())
    assert '<strong class="hub-info-status__word">Confirmé</strong>' in section
    assert "Parcours d’origine" not in section


def test_the_parcours_page_counts_the_statuses_of_its_step_titles(visitor):
    parcours = make_parcours()
    make_step(parcours, provenance=Provenance.CONFIRMED)
    make_step(parcours, provenance=Provenance.TO_CONFIRM)
    make_step(parcours, provenance=Provenance.TO_CONFIRM)
    html = visitor.get(parcours.get_absolute_url()).content.decode()
    section = status_section(html)
    assert "<dt>Intitulés des étapes&#8239;:</dt>" in section
    assert re.search(r"Confirmé</strong> \(1\), .*À confirmer</strong> \(2\)", section)
    assert "restent à confirmer" not in html


def test_the_parcours_page_explains_a_single_status(visitor):
    parcours = make_parcours(steps=2)
    section = status_section(visitor.get(parcours.get_absolute_url()).content.decode())
    assert "À confirmer</strong> — hypothèse de travail de la rédaction" in section
