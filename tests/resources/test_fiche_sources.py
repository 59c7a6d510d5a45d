"""The fiche page's « Sources et statut de l’information »: full citations, the editors' deductions, the legend."""

import pytest

from tests.factories import make_fiche, make_reference

pytestmark = pytest.mark.django_db


def test_a_fiche_shows_its_references_as_citations_then_what_the_editors_deduced(visitor):
    reference = make_reference(slug="referentiel", title="Référentiel d’essai", publisher="Le RAMEAU",
                               date="septembre 2019", url="https://example.org/referentiel", kind="document")
    fiche = make_fiche(slug="essai")
    fiche.sources.create(reference=reference, note="les trois leviers", order=0)
    fiche.sources.create(kind="inference", label="Déduit par la rédaction : les leviers se combinent.", order=1)
    html = visitor.get("/fiches/essai/").content.decode()
    section = html[html.index('<section class="hub-sources"'):]
    assert "Sources et statut de l’information</h2>" in section
    assert "Le RAMEAU</span>, «&nbsp;<cite" in section
    assert 'septembre 2019. <span class="hub-citation__kind">Document' in section
    assert '<a class="hub-citation__url" href="https://example.org/referentiel" rel="noopener">' in section
    assert "Cité pour&#8239;: les trois leviers" in section
    assert 'href="/bibliographie/#ref-referentiel"' in section
    assert section.index("Ce que la rédaction a déduit") > section.index("Référentiel d’essai")
    assert "les leviers se combinent" in section
    assert '<a href="/statut-de-l-information/">Que signifient ces statuts&#8239;?</a>' in section


def test_without_deductions_the_section_has_no_empty_heading(visitor):
    make_fiche(slug="essai", sources=["Une publication"])
    html = visitor.get("/fiches/essai/").content.decode()
    assert "Une publication" in html and "Ce que la rédaction a déduit" not in html


def test_a_reference_edited_in_the_admin_shows_on_the_cached_fiche_page_at_once(visitor):
    reference = make_reference(title="Titre d’origine")
    make_fiche(slug="essai", sources=["Titre d’origine"])
    assert "Titre d’origine" in visitor.get("/fiches/essai/").content.decode()
    reference.title = "Titre corrigé"
    reference.save()
    html = visitor.get("/fiches/essai/").content.decode()
    assert "Titre corrigé" in html and "Titre d’origine" not in html


def test_the_fiche_page_costs_the_same_queries_whatever_the_number_of_references(visitor, django_assert_max_num_queries):
    make_fiche(slug="une", sources=["A"])
    make_fiche(slug="six", sources=["B", "C", "D", "E", "F", "G"])
    with django_assert_max_num_queries(18) as one:
        visitor.get("/fiches/une/")
    with django_assert_max_num_queries(18) as six:
        visitor.get("/fiches/six/")
    assert len(one.captured_queries) == len(six.captured_queries)
