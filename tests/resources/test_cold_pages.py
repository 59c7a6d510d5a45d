"""What the cold pages (computed from scratch) read, and that they show the same thing: the cards' levers read in one
plain query (with_card_levers), a fiche's empty relations never queried, the catalogue's form class built once."""

import re

import pytest
from django.http import QueryDict
from django.template import Context, Template

from resources.filters import FicheFilter
from resources.models import Fiche, FicheSource
from resources.models.fiche import with_card_levers
from tests.factories import make_fiche, make_lever, make_worksheet

pytestmark = pytest.mark.django_db

CARD = Template("{% load cards %}{% for fiche in fiches %}{% fiche_card fiche %}{% endfor %}")


@pytest.fixture(autouse=True)
def _no_content_cache(settings):
    settings.HUB_PAGE_CACHE_SECONDS = 0  # every page computed from scratch, as for a query nobody asked before


def _levers():
    return [
        make_lever(slug="financement", label="Financement", theme="fin", order=2),
        make_lever(slug="richesses-humaines", label="Richesses <humaines>", theme="rh", order=1),
        make_lever(slug="alliances", label="Alliances", theme="all", order=2),
    ]


def test_card_levers_are_the_prefetched_levers_in_their_order_and_the_cards_the_same():
    fin, rh, alliances = _levers()
    make_fiche(slug="trois", levers=[fin, rh, alliances])
    make_fiche(slug="aucun")
    make_fiche(slug="un", levers=[alliances])
    prefetched = list(Fiche.objects.for_cards().order_by("slug"))
    read = with_card_levers(Fiche.objects.card_fields().order_by("slug"))
    assert [f.card_levers for f in read] == [[(lv.theme, lv.label) for lv in f.levers.all()] for f in prefetched]
    assert read[1].card_levers == [("rh", "Richesses <humaines>"), ("all", "Alliances"), ("fin", "Financement")]
    assert CARD.render(Context({"fiches": read})) == CARD.render(Context({"fiches": prefetched}))
    assert "Richesses &lt;humaines&gt;" in CARD.render(Context({"fiches": read}))


def test_card_levers_cost_one_query_and_none_without_fiches(django_assert_num_queries):
    fin, rh, _ = _levers()
    for _ in range(5):
        make_fiche(levers=[fin, rh])
    fiches = list(Fiche.objects.card_fields())
    with django_assert_num_queries(1):
        with_card_levers(fiches)
    with django_assert_num_queries(0):
        assert with_card_levers([]) == []


@pytest.mark.parametrize("path", ["/", "/leviers/financement/", "/fiches/?levier=financement", "/recherche/?q=fiche"])
def test_pages_with_cards_read_the_levers_once_whatever_the_number_of_fiches(visitor, path, django_assert_max_num_queries):
    fin, rh, _ = _levers()
    for _ in range(3):
        make_fiche(levers=[fin, rh])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = visitor.get(path)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    few, html = count()
    assert 'hub-chip--rh">Richesses &lt;humaines&gt;</li><li class="hub-chip hub-chip--fin">Financement' in html
    for _ in range(12):
        make_fiche(levers=[fin, rh])
    many, _ = count()
    assert many <= few


def _fiche_page_queries(visitor, slug):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = visitor.get(f"/fiches/{slug}/")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_fiche_without_sources_related_fiches_nor_worksheets_reads_none_of_them(visitor):
    fiche = make_fiche(slug="seule", title="Une fiche seule")
    fiche.tags.add("solitude")
    queries, html = _fiche_page_queries(visitor, "seule")
    assert queries <= 4  # the fiche (with its three EXISTS), its tags, its classement (+ the facet index's version)
    assert 'id="liees"' not in html and 'id="feuilles"' not in html and 'id="sources"' not in html
    assert 'href="/fiches/?tag=solitude"' in html


def test_a_fiche_shows_its_sources_related_fiches_and_worksheets(visitor):
    lever = make_lever(slug="financement", label="Financement", theme="fin")
    fiche = make_fiche(slug="riche", sources=["Rapport annuel 2024"])
    fiche.related.add(make_fiche(title="Fiche voisine", levers=[lever]))
    make_worksheet(title="Feuille utile", summary="Pour s’organiser.", fiches=[fiche])
    _, html = _fiche_page_queries(visitor, "riche")
    assert "Rapport annuel 2024" in html
    assert 'id="liees"' in html and "Fiche voisine" in html and 'hub-chip--fin">Financement' in html
    assert 'id="feuilles"' in html and "Feuille utile</a>&#8239;: Pour s’organiser." in html


def test_a_fiche_lists_the_related_fiches_it_links_to_and_only_published_ones(visitor):
    fiche = make_fiche(slug="depart")
    fiche.related.add(make_fiche(title="Fiche publiée"), make_fiche(title="Fiche brouillon", status=Fiche.Status.DRAFT))
    _, html = _fiche_page_queries(visitor, "depart")
    assert "Fiche publiée" in html and "Fiche brouillon" not in html
    FicheSource.objects.all().delete()
    only_draft = make_fiche(slug="vers-brouillon")
    only_draft.related.add(make_fiche(title="Autre brouillon", status=Fiche.Status.DRAFT))
    _, html = _fiche_page_queries(visitor, "vers-brouillon")
    assert 'id="liees"' not in html


def test_the_catalogue_form_class_is_built_once_and_each_form_has_its_own_tags():
    draft = make_fiche(status=Fiche.Status.DRAFT)
    draft.tags.add("secret")
    make_fiche().tags.add("public")
    first = FicheFilter(QueryDict("tag=public"), queryset=Fiche.objects.published())
    second = FicheFilter(QueryDict("tag=secret"), queryset=Fiche.objects.published())
    assert type(first.form) is type(second.form)
    assert first.form.fields["tag"] is not second.form.fields["tag"]
    assert first.is_valid() and [tag.slug for tag in first.form.cleaned_data["tag"]] == ["public"]
    assert not second.is_valid() and "tag" in second.form.errors


def test_the_home_page_event_cards_show_the_same_lever_chips_as_the_agenda(visitor, django_assert_max_num_queries):
    from tests.factories import make_event

    fin, rh, alliances = _levers()
    make_event(title="Avec leviers", levers=[fin, rh])
    make_event(title="Sans levier")

    def chips(html, title):
        card = html[html.index(title):]
        return re.findall(r'<li class="hub-chip hub-chip--(\w+)">([^<]+)</li>', card[:card.index("</article>")])

    home = visitor.get("/").content.decode()
    agenda = visitor.get("/agenda/").content.decode()
    assert chips(home, "Avec leviers") == chips(agenda, "Avec leviers") == [("rh", "Richesses &lt;humaines&gt;"),
                                                                          ("fin", "Financement")]
    assert chips(home, "Sans levier") == chips(agenda, "Sans levier") == []
    with django_assert_max_num_queries(8):
        visitor.get("/")


def test_tags_are_still_checked_against_published_fiches_when_asked_for(visitor):
    draft = make_fiche(status=Fiche.Status.DRAFT)
    draft.tags.add("secret")
    make_fiche(title="Fiche publique").tags.add("public")
    assert visitor.get("/fiches/?tag=public").status_code == 200
    assert visitor.get("/fiches/?tag=secret").status_code == 400
    assert visitor.get("/fiches/?tag=public&tag=secret").status_code == 400
    assert "Fiche publique" in visitor.get("/fiches/?famille=action").content.decode()


LOOP = Template('{% for fiche in fiches %}<li>{% include "resources/_fiche_card.html" %}</li>{% endfor %}')
LOOP_H4 = Template('{% for fiche in fiches %}<li>{% include "resources/_fiche_card.html" with heading="h4" %}</li>'
                   '{% endfor %}')


@pytest.mark.parametrize("heading", [None, "h2"])
def test_fiche_items_write_what_the_loop_of_included_cards_wrote(heading):
    fin, rh, _ = _levers()
    make_fiche(slug="une", title="Une <fiche> « hostile » & 'citée'", levers=[fin, rh])
    make_fiche(slug="deux", levers=[])
    fiches = list(with_card_levers(Fiche.objects.card_fields().order_by("slug")))
    context = {"fiches": fiches, **({"heading": heading} if heading else {})}
    items = Template("{% load cards %}{% fiche_items fiches %}").render(Context(context))
    assert items == LOOP.render(Context(context)) and items.count("<li><article") == 2
    assert "Une &lt;fiche&gt;" in items
    h4 = Template('{% load cards %}{% fiche_items fiches heading="h4" %}').render(Context(context))
    assert h4 == LOOP_H4.render(Context(context)) and "<h4 " in h4
    assert Template("{% load cards %}{% fiche_items fiches %}").render(Context({"fiches": []})) == ""
