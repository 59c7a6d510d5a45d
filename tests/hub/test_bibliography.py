"""The bibliography page (/bibliographie/): every reference cited by published content, with who cites it."""

import pytest

from core.content_cache import bump_content_version
from resources import models as m
from tests.factories import make_component, make_fiche, make_lever, make_parcours, make_reference, make_step, make_vocabulary

pytestmark = pytest.mark.django_db


def page(client):
    response = client.get("/bibliographie/")
    assert response.status_code == 200
    return response.content.decode()


def test_visitor_reads_each_cited_reference_with_its_citation_and_who_cites_it(visitor):
    reference = make_reference(slug="referentiel", title="Référentiel d’essai", publisher="Le RAMEAU",
                               date="septembre 2019", url="https://example.org/referentiel")
    make_fiche(slug="fiche-citante", title="Fiche citante", sources=["Référentiel d’essai"])
    step = make_step(make_parcours(title="Parcours citant", slug="parcours-citant"), slug="etape-citante",
                     title="Étape citante")
    step.sources.create(reference=reference)
    make_vocabulary(m.Region, slug="occitanie", label="Occitanie", source_url="https://example.org/referentiel")
    html = page(visitor)
    assert "<h1>Bibliographie</h1>" in html
    assert 'id="ref-referentiel"' in html
    assert "Le RAMEAU</span>, «&nbsp;<cite" in html and "Référentiel d’essai</cite>&nbsp;», septembre 2019" in html
    assert 'href="https://example.org/referentiel"' in html and "Document" in html
    assert '<a href="/fiches/fiche-citante/">Fiche citante</a>' in html
    assert '<a href="/parcours/parcours-citant/etape-citante/">Étape citante</a>' in html
    assert "Parcours citant" in html
    assert '<a href="/regions/occitanie/">Occitanie</a>' in html
    assert "1&nbsp;référence citée par 1&nbsp;fiche, 1&nbsp;étape de parcours et 1&nbsp;valeur" in html


def test_references_are_grouped_by_kind_and_sorted_in_french_order(visitor):
    for publisher, title, kind in [("Légifrance", "Loi de 1901", "official"), ("Le RAMEAU", "Zèbre", "document"),
                                   ("Le RAMEAU", "État des lieux", "document"), ("Avise", "Une page", "web")]:
        make_reference(publisher=publisher, title=title, kind=kind)
        make_fiche(sources=[title])
    html = page(visitor)
    html = html[html.index('<section class="hub-biblio"'):]  # past the table of contents
    order = [html.index(text) for text in ("Documents et publications", "État des lieux", "Zèbre",
                                           "Textes officiels", "Loi de 1901", "Pages web", "Une page")]
    assert order == sorted(order)


def test_a_reference_cited_only_by_a_draft_is_left_out_and_a_draft_is_never_shown_as_citing(visitor):
    make_reference(title="Cité par un brouillon seulement")
    make_fiche(title="Brouillon citant", status=m.Fiche.Status.DRAFT, sources=["Cité par un brouillon seulement"])
    make_reference(title="Cité par les deux")
    make_fiche(title="Autre brouillon", status=m.Fiche.Status.DRAFT, sources=["Cité par les deux"])
    make_fiche(title="Fiche publiée", sources=["Cité par les deux"])
    make_reference(title="Cité par personne")
    html = page(visitor)
    assert "Cité par un brouillon seulement" not in html and "Cité par personne" not in html
    assert "Brouillon citant" not in html and "Autre brouillon" not in html
    assert "Cité par les deux" in html and "Fiche publiée" in html


def test_an_empty_bibliography_says_so(visitor):
    assert "Aucune référence n’est encore citée" in page(visitor)


def _catalogue(size):
    lever = make_lever()
    for n in range(size):
        reference = make_reference(kind=["document", "web", "official"][n % 3])
        fiche = make_fiche(levers=[lever], sources=[reference.title])
        fiche.sources.create(kind="inference", label="Déduit par la rédaction.")
        make_step(make_parcours()).sources.create(reference=reference)
        make_component(lever=lever, source_url=reference.url)
        make_vocabulary(m.Region, source_url=reference.url)


def test_the_bibliography_costs_a_fixed_number_of_queries_whatever_the_catalogue(visitor, django_assert_max_num_queries):
    _catalogue(2)
    with django_assert_max_num_queries(18) as small:
        page(visitor)
    _catalogue(20)
    bump_content_version()
    with django_assert_max_num_queries(18) as large:
        html = page(visitor)
    assert len(large.captured_queries) == len(small.captured_queries)
    assert "22&nbsp;références citées par 22&nbsp;fiches, 22&nbsp;étapes de parcours" in html


def test_the_bibliography_is_served_from_the_cache_and_an_edited_reference_shows_at_once(visitor):
    reference = make_reference(title="Titre d’origine")
    make_fiche(sources=["Titre d’origine"])
    assert "Titre d’origine" in page(visitor)
    assert visitor.get("/bibliographie/").headers["X-Hub-Cache"] == "hit"
    reference.title = "Titre corrigé"
    reference.save()
    assert "Titre corrigé" in page(visitor)


def test_the_footer_and_the_site_map_link_the_bibliography(visitor):
    assert 'href="/bibliographie/"' in visitor.get("/").content.decode()
    assert 'href="/bibliographie/"' in visitor.get("/plan-du-site/").content.decode()
    assert "/bibliographie/" in visitor.get("/sitemap.xml").content.decode()


def test_a_glossary_term_citing_a_reference_is_listed_under_it(visitor):
    reference = make_reference(slug="fiche-2023", title="Fiche pratique d’essai")
    term = m.GlossaryTerm.objects.create(slug="trepied", term="trépied", definition="Les trois leviers.",
                                       provenance="confirmed")
    term.references.add(reference)
    html = page(visitor)
    assert 'id="ref-fiche-2023"' in html
    assert '<a href="/glossaire/trepied/">trépied</a>' in html
    assert "1&nbsp;terme du glossaire" in html


def test_a_reference_cited_by_many_pages_folds_its_list_without_javascript(visitor):
    make_reference(slug="souvent-citee", title="Souvent citée")
    for n in range(9):
        make_fiche(slug=f"citante-{n}", title=f"Citante {n}", sources=["Souvent citée"])
    html = page(visitor)
    entry = html[html.index('id="ref-souvent-citee"'):]
    assert '<details class="hub-biblio__more">' in entry
    assert '<summary class="hub-biblio__cited-title">Cité par 9&nbsp;pages du hub</summary>' in entry
    assert "Citante 8" in entry
