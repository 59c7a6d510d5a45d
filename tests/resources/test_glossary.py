"""The glossary: its terms, its pages, its links from fiches and steps, its search and its shipped file."""

import pytest
from django.core.exceptions import ValidationError

from resources import content_files
from resources.glossary import glossary_term_changed, glossary_term_deleted
from resources.glossary_text import MAX_AUTOMATIC_LINKS
from resources.models import Fiche, GlossaryTerm
from tests.factories import make_fiche, make_reference

pytestmark = pytest.mark.django_db


def make_term(**overrides):
    fields = {
        "slug": "mecenat",
        "term": "mécénat",
        "variants": "mécène\nmécènes",
        "definition": "Le soutien d’une entreprise ou d’une personne à une cause d’intérêt général.",
        "provenance": "confirmed",
    }
    fields.update(overrides)
    return GlossaryTerm.objects.create(**fields)


def reload(fiche):
    return Fiche.objects.get(pk=fiche.pk)


# Linking from bodies


def test_explicit_link_renders_the_term_or_the_given_text():
    make_term()
    fiche = make_fiche(body="Voir [[glossaire:mecenat]] et [[glossaire:mecenat|ce soutien]].")
    assert '<a class="hub-glossary-link" href="/glossaire/mecenat/"' in fiche.body_html
    assert ">mécénat</a>" in fiche.body_html
    assert ">ce soutien</a>" in fiche.body_html


def test_an_explicit_link_to_an_unknown_term_is_refused_by_clean():
    fiche = make_fiche()
    fiche.body = "Voir [[glossaire:inconnu]]."
    with pytest.raises(ValidationError) as error:
        fiche.full_clean()
    assert "Terme du glossaire inconnu" in str(error.value)


def test_only_the_first_occurrence_of_a_term_is_linked_automatically():
    make_term()
    fiche = make_fiche(body="Le Mécénat aide. Le mécénat encore. Un mécène aussi.")
    assert fiche.body_html.count("hub-glossary-link") == 1
    assert '<a class="hub-glossary-link" href="/glossaire/mecenat/">Mécénat</a>' in fiche.body_html


def test_no_automatic_link_in_headings_links_or_code():
    make_term()
    body = "## Le mécénat\n\n[le mécénat](https://example.org) `mécénat`\n\n    mécénat\n\nEnfin le mécénat."
    fiche = make_fiche(body=body)
    assert fiche.body_html.count("hub-glossary-link") == 1
    assert "<h2>Le mécénat</h2>" in fiche.body_html
    assert '<p>Enfin le <a class="hub-glossary-link" href="/glossaire/mecenat/">mécénat</a>.</p>' in fiche.body_html


def test_the_longest_term_wins_and_whole_words_only():
    make_term()
    make_term(slug="mecenat-de-competences", term="mécénat de compétences", variants="")
    fiche = make_fiche(body="Le mécénat de compétences, puis le mécénat. Les mécénats-x et antimécénat non.")
    assert 'href="/glossaire/mecenat-de-competences/">mécénat de compétences</a>' in fiche.body_html
    assert 'href="/glossaire/mecenat/">mécénat</a>.' in fiche.body_html


def test_no_automatic_link_inside_an_address_or_a_compound():
    make_term(slug="odd-17", term="ODD 17", variants="ODD17")
    fiche = make_fiche(body="La plateforme odd17.org, le site www.odd17 et le mot anti-odd17 ; enfin l’ODD17.")
    assert fiche.body_html.count("hub-glossary-link") == 1
    assert 'l’<a class="hub-glossary-link" href="/glossaire/odd-17/">ODD17</a>.' in fiche.body_html


def test_no_automatic_link_inside_guillemets_even_across_an_emphasis():
    make_term(slug="trajectoire", term="trajectoire socio-économique", variants="trajectoires socio-économiques")
    fiche = make_fiche(body="La plateforme «\u00a0*Trajectoires* socio-économiques\u00a0» aide. "
                            "Votre trajectoire socio-économique se dessine.")
    assert fiche.body_html.count("hub-glossary-link") == 1
    assert '<a class="hub-glossary-link" href="/glossaire/trajectoire/">trajectoire socio-économique</a>' in fiche.body_html


def test_a_body_gets_at_most_a_few_automatic_links():
    words = [f"mot{n}" for n in range(MAX_AUTOMATIC_LINKS + 3)]
    for word in words:
        make_term(slug=word, term=word, variants="")
    fiche = make_fiche(body=" ".join(words) + ".")
    assert fiche.body_html.count("hub-glossary-link") == MAX_AUTOMATIC_LINKS
    assert 'href="/glossaire/mot0/"' in fiche.body_html and f'href="/glossaire/{words[-1]}/"' not in fiche.body_html


def test_a_term_linked_explicitly_is_not_linked_again_automatically():
    make_term()
    fiche = make_fiche(body="Le mécénat, puis [[glossaire:mecenat|ce soutien]].")
    assert fiche.body_html.count("hub-glossary-link") == 1


def test_a_step_body_links_terms_too():
    from tests.factories import make_parcours

    make_term()
    step = make_parcours(steps=1).steps.get()
    step.body = "Le mécénat dans une étape."
    step.save()
    assert 'href="/glossaire/mecenat/"' in step.body_html


# Rendering again after a term changes


def test_bodies_are_rendered_again_when_a_term_is_created_changed_or_deleted():
    fiche = make_fiche(body="Le mécénat et les mécènes.")
    explicit = make_fiche(body="Voir [[glossaire:mecenat|ce soutien]].")
    assert "hub-glossary-link" not in fiche.body_html
    term = make_term()
    assert glossary_term_changed(term=term) == 2
    assert 'href="/glossaire/mecenat/">mécénat</a>' in reload(fiche).body_html
    assert "ce soutien</a>" in reload(explicit).body_html

    previous = term.forms
    term.term, term.variants = "soutien", ""
    term.save()
    glossary_term_changed(term=term, previous_forms=previous)
    assert "hub-glossary-link" not in reload(fiche).body_html

    slug, name, forms = term.slug, term.term, term.forms
    term.delete()  # the admin deletes, then calls the service
    glossary_term_deleted(slug=slug, term=name, forms=forms)
    explicit = reload(explicit)
    assert "[[glossaire:" not in explicit.body and "ce soutien" in explicit.body
    assert "hub-glossary-link" not in explicit.body_html


def test_a_body_that_never_mentions_the_term_is_not_saved_again():
    other = make_fiche(body="Rien à voir.")
    before = other.updated_at
    assert glossary_term_changed(term=make_term()) == 0
    assert reload(other).updated_at == before


def test_the_admin_renders_bodies_again_on_save(staff_client):
    fiche = make_fiche(body="Le mécénat aide.")
    response = staff_client.post("/admin/resources/glossaryterm/add/", {
        "term": "mécénat", "slug": "mecenat", "variants": "", "definition": "Une définition courte.",
        "provenance": "confirmed",
    })
    assert response.status_code == 302
    assert 'href="/glossaire/mecenat/"' in reload(fiche).body_html


def test_a_form_already_used_by_another_term_is_refused():
    make_term()
    twin = GlossaryTerm(slug="autre", term="autre", variants="Mécène", definition="Texte.", provenance="confirmed")
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "Forme déjà employée" in str(error.value)


# Pages


def test_index_lists_terms_in_french_order_with_letter_anchors(visitor, django_assert_max_num_queries):
    make_term(slug="zeste", term="zeste", variants="")
    make_term(slug="ecosysteme", term="écosystème", variants="")
    make_term()
    with django_assert_max_num_queries(3):
        page = visitor.get("/glossaire/").content.decode()
    assert page.index("écosystème") < page.index(">mécénat<") < page.index("zeste")
    assert 'href="#lettre-e"' in page and 'id="lettre-e"' in page


def test_index_costs_the_same_for_three_or_thirty_terms(visitor, django_assert_max_num_queries):
    for n in range(30):
        make_term(slug=f"terme-{n}", term=f"terme {n}", variants="")
    with django_assert_max_num_queries(3):
        assert visitor.get("/glossaire/").status_code == 200


def test_term_page_shows_definition_variants_fiches_see_also_sources(visitor, django_assert_max_num_queries):
    term = make_term()
    other = make_term(slug="subvention", term="subvention", variants="")
    fiche = make_fiche(title="Diversifier ses dons")
    term.related_fiches.add(fiche)
    term.see_also.add(other)
    term.references.add(make_reference(title="Équilibrer son modèle socio-économique", publisher="Le RAMEAU"))
    with django_assert_max_num_queries(7):
        page = visitor.get("/glossaire/mecenat/").content.decode()
    assert "<h1>mécénat</h1>" in page
    assert "mécène, mécènes" in page
    assert "Diversifier ses dons" in page
    assert 'href="/glossaire/subvention/"' in page
    assert "Équilibrer son modèle socio-économique" in page  # the reference's citation
    assert "/statut-de-l-information/" in page


def test_unknown_term_gives_404(visitor):
    assert visitor.get("/glossaire/inconnu/").status_code == 404


def test_footer_links_the_glossary(visitor):
    assert 'href="/glossaire/"' in visitor.get("/plan-du-site/").content.decode()


# Search


def test_search_finds_a_term_by_a_variant(visitor):
    make_term(slug="cpo", term="convention pluriannuelle d’objectifs", variants="CPO")
    page = visitor.get("/recherche/?q=cpo").content.decode()
    assert 'id="res-glossaire">Glossaire <span class="hub-count">(1)</span>' in page
    assert 'href="/glossaire/cpo/"' in page


# Shipped file


def test_the_shipped_glossary_is_valid_and_has_at_least_forty_terms():
    terms = content_files.load_glossary()
    fiches = {fiche.slug for fiche in content_files.iter_fiches()}
    report = content_files.check_glossary(terms, fiches, content_files.reference_slugs())
    assert {slug: problems for slug, problems in report.items() if problems} == {}
    assert len(terms) >= 40


def test_the_check_reports_duplicates_and_unknown_names():
    row = {"slug": "a", "term": "A", "definition": "mot " * 50, "provenance": "confirmed", "sources": ["x"],
           "related_fiches": ["nope"], "see_also": ["b"]}
    twin = dict(row, term="B", related_fiches=[], see_also=[])
    same_form = dict(twin, slug="c", term="Â")
    report = content_files.check_glossary([row, twin, same_form], set(), {"x"})
    problems = " ".join(report["a"])
    assert "slug used twice" in problems
    assert "no fiche 'nope'" in problems and "no other term 'b'" in problems
    assert "form 'Â' is already a form of 'a'" in " ".join(report["c"])


def test_every_shipped_term_loads_and_links_the_shipped_bodies(shipped_content, visitor):
    assert GlossaryTerm.objects.count() == len(content_files.load_glossary())
    fiche = Fiche.objects.get(slug="equilibrer-son-modele-socio-economique")
    assert "hub-glossary-link" in fiche.body_html
    term = GlossaryTerm.objects.get(slug="investissement-societal")
    assert term.related_fiches.exists()
    assert visitor.get("/glossaire/investissement-societal/").status_code == 200


def test_the_extract_keeps_the_non_breaking_spaces_and_ends_on_a_word():
    term = make_term(definition="Une mesure de concentration\u00a0: la somme des carrés des parts. Une autre phrase.")
    assert term.extract == "Une mesure de concentration\u00a0: la somme des carrés des parts."
    long = make_term(slug="long", term="long", variants="",
                     definition=" ".join(["mot"] * 10 + ["de", "la", "phrase"] * 10) + ".")
    assert long.extract.endswith("…") and not long.extract.endswith(" la…")
