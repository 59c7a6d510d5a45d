import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resources.models import ActionObjective, Component, Domain, EntryDoor, Fiche, Region
from resources.vocabularies import VOCABULARIES
from tests.factories import make_component, make_fiche, make_fiches_in_bulk, make_lever, make_vocabulary

pytestmark = pytest.mark.django_db


def titles(response):
    return [fiche.title for fiche in response.context["catalogue"].page.object_list]


def facet(response, name):
    return {o.value: o for o in next(f for f in response.context["catalogue"].facets if f.name == name).options}


def test_list_shows_published_fiches_only(visitor):
    make_fiche(title="Publiée")
    make_fiche(title="Brouillon", status=Fiche.Status.DRAFT)
    response = visitor.get("/fiches/")
    assert response.status_code == 200
    assert titles(response) == ["Publiée"]


def test_family_facet_filters_and_two_families_combine_with_or(visitor):
    make_fiche(title="Action", family=Fiche.Family.ACTION)
    make_fiche(title="Repère", family=Fiche.Family.REPERE)
    make_fiche(title="Méthode", family=Fiche.Family.METHODE)
    assert titles(visitor.get("/fiches/?famille=repere")) == ["Repère"]
    assert sorted(titles(visitor.get("/fiches/?famille=action&famille=repere"))) == ["Action", "Repère"]


@pytest.mark.parametrize("kind", VOCABULARIES, ids=lambda kind: kind.param)
def test_every_vocabulary_facet_filters_the_list(visitor, kind):
    if kind.model is Component:
        wanted, other = make_component(slug="voulue"), make_component(slug="autre")
    elif kind.param == "levier":
        wanted, other = make_lever(slug="voulue"), make_lever(slug="autre")
    else:
        wanted, other = make_vocabulary(kind.model, slug="voulue"), make_vocabulary(kind.model, slug="autre")
    getattr(make_fiche(title="Dedans"), kind.field).add(wanted)
    getattr(make_fiche(title="Dehors"), kind.field).add(other)
    make_fiche(title="Sans valeur")
    response = visitor.get(f"/fiches/?{kind.param}=voulue")
    assert response.status_code == 200
    assert titles(response) == ["Dedans"]


def test_tag_facet_filters_by_folded_slug(visitor):
    make_fiche(title="Étiquetée").tags.add("Bénévolat")
    make_fiche(title="Autre").tags.add("financement")
    assert titles(visitor.get("/fiches/?tag=benevolat")) == ["Étiquetée"]


def test_values_of_one_facet_or_and_facets_and(visitor):
    bretagne, corse = make_vocabulary(Region, slug="bretagne"), make_vocabulary(Region, slug="corse")
    sante = make_vocabulary(Domain, slug="sante")
    a = make_fiche(title="Bretagne santé")
    a.regions.add(bretagne)
    a.domains.add(sante)
    b = make_fiche(title="Corse santé")
    b.regions.add(corse)
    b.domains.add(sante)
    make_fiche(title="Bretagne seule").regions.add(bretagne)
    both_regions = visitor.get("/fiches/?region=bretagne&region=corse")
    assert sorted(titles(both_regions)) == ["Bretagne santé", "Bretagne seule", "Corse santé"]
    assert sorted(titles(visitor.get("/fiches/?region=bretagne&region=corse&domaine=sante"))) == [
        "Bretagne santé", "Corse santé"
    ]


def test_a_fiche_matching_two_values_of_a_facet_appears_once(visitor):
    a, b = make_vocabulary(Region, slug="a"), make_vocabulary(Region, slug="b")
    make_fiche(title="Deux régions").regions.add(a, b)
    response = visitor.get("/fiches/?region=a&region=b")
    assert titles(response) == ["Deux régions"]
    assert response.context["catalogue"].page.paginator.count == 1


def test_counts_apply_the_other_filters_but_not_their_own(visitor):
    bretagne, corse = make_vocabulary(Region, slug="bretagne"), make_vocabulary(Region, slug="corse")
    sante, sport = make_vocabulary(Domain, slug="sante"), make_vocabulary(Domain, slug="sport")
    for region, domain in [(bretagne, sante), (bretagne, sante), (bretagne, sport), (corse, sante)]:
        fiche = make_fiche()
        fiche.regions.add(region)
        fiche.domains.add(domain)
    make_fiche(status=Fiche.Status.DRAFT).regions.add(bretagne)
    response = visitor.get("/fiches/?region=bretagne")
    regions, domains = facet(response, "region"), facet(response, "domaine")
    # Its own facet ignores itself: choosing Corse too would add 1 fiche.
    assert (regions["bretagne"].count, regions["corse"].count) == (3, 1)
    assert regions["bretagne"].checked and not regions["corse"].checked
    # Another facet counts within Bretagne only; drafts never count.
    assert (domains["sante"].count, domains["sport"].count) == (2, 1)
    families = facet(response, "famille")
    assert families["action"].count == 3 and families["repere"].count == 0


def test_options_giving_nothing_stay_visible_but_disabled(visitor):
    make_vocabulary(EntryDoor, slug="porte-vide", label="Porte sans fiche")
    make_fiche()
    html = visitor.get("/fiches/").content.decode()
    assert "Porte sans fiche" in html
    assert 'id="f-porte-porte-vide" name="porte" value="porte-vide" disabled' in html


def test_counts_follow_the_text_query(visitor):
    sante = make_vocabulary(Domain, slug="sante")
    make_fiche(title="Mobiliser des bénévoles").domains.add(sante)
    make_fiche(title="Lever des subventions").domains.add(sante)
    response = visitor.get("/fiches/?q=bénévoles")
    assert titles(response) == ["Mobiliser des bénévoles"]
    assert facet(response, "domaine")["sante"].count == 1


def test_active_filters_are_removable_chips_and_clear_all(visitor):
    make_vocabulary(Region, slug="bretagne", label="Bretagne")
    make_vocabulary(Domain, slug="sante", label="Santé")
    response = visitor.get("/fiches/?region=bretagne&domaine=sante&q=alliance&tri=titre")
    chips = {chip.label: chip.remove_url for chip in response.context["catalogue"].chips}
    assert chips["Bretagne"] == "?q=alliance&domaine=sante&tri=titre"
    assert chips["Santé"] == "?q=alliance&region=bretagne&tri=titre"
    assert chips["Recherche\u00a0: «\u00a0alliance\u00a0»"] == "?region=bretagne&domaine=sante&tri=titre"
    html = response.content.decode()
    assert "Tout effacer" in html and "retirer ce filtre" in html


def test_sort_by_title_ignores_accents_and_case(visitor):
    for title in ["Zéro déchet", "équilibrer son modèle", "Alliances", "Financer", "L’étude", "La base"]:
        make_fiche(title=title)
    assert titles(visitor.get("/fiches/?tri=titre")) == [
        "Alliances", "équilibrer son modèle", "Financer", "La base", "L’étude", "Zéro déchet"
    ]


def test_default_sort_is_most_recent_first(visitor):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    make_fiche(title="Ancienne", published_at=now - timedelta(days=10))
    make_fiche(title="Récente", published_at=now)
    assert titles(visitor.get("/fiches/")) == ["Récente", "Ancienne"]


def test_recent_pages_under_filters_follow_the_date_then_the_id_on_every_page(visitor, settings):
    """The « recent » sort's pages are read from the facet index's bits: the same fiches, in the same order, as the
    database's sort (ties on the date broken by id), past the first page."""
    from datetime import timedelta

    from django.utils import timezone

    settings.FACET_INDEX_VERSION_TTL = 0
    bretagne = make_vocabulary(Region, slug="bretagne", label="Bretagne")
    now = timezone.now()
    for number in range(30):
        fiche = make_fiche(title=f"Fiche {number:02d}", published_at=now - timedelta(days=number % 7))
        if number % 3:
            fiche.regions.add(bretagne)
    expected = [f.title for f in Fiche.objects.published().filter(regions=bretagne).order_by("-published_at", "pk")]
    pages = [titles(visitor.get(f"/fiches/?region=bretagne&page={page}")) for page in (1, 2)]
    assert pages[0] + pages[1] == expected and len(pages[0]) == 12


def test_relevance_is_the_default_with_a_query_and_puts_title_matches_first(visitor):
    make_fiche(title="Un autre sujet", body="On parle ici de bénévoles en passant.")
    make_fiche(title="Mobiliser des bénévoles", body="Tout sur le sujet.")
    response = visitor.get("/fiches/?q=bénévoles")
    assert response.context["catalogue"].sort == "pertinence"
    assert titles(response) == ["Mobiliser des bénévoles", "Un autre sujet"]


def test_relevance_without_a_query_falls_back_to_date_silently(visitor):
    make_vocabulary(Region, slug="bretagne", label="Bretagne")
    make_fiche(title="Alliance")
    response = visitor.get("/fiches/?tri=pertinence&q=alliance&region=bretagne")
    search_chip = next(c for c in response.context["catalogue"].chips if c.label.startswith("Recherche"))
    assert "tri=pertinence" in search_chip.remove_url
    without_query = visitor.get("/fiches/" + search_chip.remove_url)
    assert without_query.status_code == 200
    assert without_query.context["catalogue"].sort == "recent"
    assert "pertinence" not in without_query.context["catalogue"].query_string


def test_a_query_of_only_exclusions_is_ignored_with_a_message(visitor):
    make_fiche(title="Subventions publiques")
    response = visitor.get("/fiches/?q=-subvention")
    assert response.status_code == 400
    assert "aucun mot à chercher" in response.content.decode()


def test_filters_without_a_facet_survive_applying_the_panel(visitor):
    from resources.models import Tool

    make_vocabulary(Tool, slug="etude", label="Étude")
    html = visitor.get("/fiches/?outil=etude&famille=action").content.decode()
    panel = html[html.index('<form id="hub-facets"'):]
    panel = panel[:panel.index("</form>")]
    assert '<input type="hidden" name="outil" value="etude">' in panel
    assert '<input type="hidden" name="famille"' not in panel  # a checkbox of the panel carries it


def test_repeated_values_give_one_chip(visitor):
    response = visitor.get("/fiches/?famille=action&famille=action")
    assert [chip.label for chip in response.context["catalogue"].chips] == ["Actions"]


def test_tags_used_only_by_drafts_are_unknown_values(visitor):
    make_fiche(status=Fiche.Status.DRAFT).tags.add("confidentiel")
    response = visitor.get("/fiches/?tag=confidentiel")
    assert response.status_code == 400
    assert "confidentiel" not in [chip.label for chip in response.context["catalogue"].chips]


def test_zero_and_one_take_the_singular(visitor):
    assert ">0 fiche</h2>" in visitor.get("/fiches/").content.decode()
    make_fiche()
    assert ">1 fiche</h2>" in visitor.get("/fiches/").content.decode()


def test_pagination_keeps_every_parameter(visitor):
    lever = make_lever(slug="alliances")
    for _ in range(13):
        make_fiche(family=Fiche.Family.ACTION, title="Alliance locale", levers=[lever])
    response = visitor.get("/fiches/?famille=action&levier=alliances&q=alliance&tri=titre")
    html = response.content.decode()
    assert response.context["catalogue"].page.paginator.num_pages == 2
    assert 'href="?q=alliance&amp;famille=action&amp;levier=alliances&amp;tri=titre&amp;page=2"' in html
    second = visitor.get("/fiches/?q=alliance&famille=action&levier=alliances&tri=titre&page=2")
    assert len(second.context["catalogue"].page.object_list) == 1


def test_partial_request_gets_the_results_partial_only(visitor):
    make_fiche(title="Partielle")
    response = visitor.get("/fiches/", headers={"X-Hub-Partial": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "Partielle" in html and 'id="hub-facets"' in html
    assert "X-Hub-Partial" in response.headers["Vary"]


def test_every_state_is_a_plain_get_url(visitor):
    html = visitor.get("/fiches/").content.decode()
    assert '<form id="hub-facets" class="hub-facets" method="get" action="/fiches/"' in html
    assert 'type="submit" class="hub-button">Appliquer les filtres</button>' in html


# --- Bad input ----------------------------------------------------------------------------------


def test_unknown_values_are_ignored_with_a_clear_message(visitor):
    make_fiche(title="Toujours là")
    response = visitor.get("/fiches/?famille=inconnue&region=atlantide&tri=hasard")
    assert response.status_code == 400
    html = response.content.decode()
    assert "a été ignorée" in html
    for name in ("famille", "region", "tri"):
        assert f"«&nbsp;{name}&nbsp;»" in html
    assert titles(response) == ["Toujours là"]


def test_repeated_single_value_parameters_are_explained(visitor):
    make_fiche(title="Alliance")
    response = visitor.get("/fiches/?q=zzz&q=alliance&tri=titre&tri=recent")
    assert response.status_code == 400
    assert "paramètre répété" in response.content.decode()
    assert titles(response) == ["Alliance"]


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "bénévoles\x00",
        '"alliances de',
        "-",
        "- - -",
        "' OR 1=1; DROP TABLE resources_fiche; --",
        "<script>alert('x')</script>",
        "OR",
        '""',
        "%_%",
    ],
)
def test_hostile_queries_never_break_the_list(visitor, query):
    make_fiche(title="Mobiliser des bénévoles")
    response = visitor.get("/fiches/", {"q": query})
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "<script>alert" not in html
    assert Fiche.objects.count() == 1


def test_a_very_long_query_is_truncated_and_said_so(visitor):
    response = visitor.get("/fiches/", {"q": "bénévoles " * 1000})
    assert response.status_code == 400
    assert "seuls les 200 premiers caractères" in response.content.decode()


def test_markup_in_a_bad_value_is_escaped(visitor):
    response = visitor.get("/fiches/?famille=<script>alert(1)</script>")
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_huge_parameter_value_is_not_a_500(visitor):
    assert visitor.get("/fiches/?region=" + "x" * 10_000).status_code == 400


def test_too_many_values_in_one_facet_is_a_400(visitor):
    assert visitor.get("/fiches/?" + "&".join(f"region=r{i}" for i in range(200))).status_code == 400


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "²", "9" * 30, ""])
def test_garbage_page_numbers_are_a_400(visitor, page):
    make_fiche()
    assert visitor.get(f"/fiches/?page={page}").status_code == 400


def test_page_past_the_end_is_a_404(visitor):
    make_fiche()
    assert visitor.get("/fiches/?page=99999").status_code == 404


# --- Speed ---------------------------------------------------------------------------------------

EVERY_FACET = (
    "/fiches/?famille=action&objectif=o&levier=l&composante=c&profil=p&region=r&domaine=d&porte=e"
    "&tag=alliance&acteur=a&impact=i&partie=pa&economie=ec&outil=t&q=alliance&tri=titre&page=1"
)


def _catalogue(n, values):
    for index in range(n):
        fiche = make_fiche(title=f"Alliance numéro {index}", levers=[values["levers"]])
        for field, value in values.items():
            if field != "levers":
                getattr(fiche, field).add(value)
        fiche.tags.add("alliance", f"mot-{index % 7}")


def _list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(ctx)


def test_list_query_count_with_every_facet_active_is_the_same_for_10_and_500_fiches(
    visitor, django_assert_max_num_queries
):
    lever = make_lever(slug="l")
    values = {"levers": lever, "components": make_component(lever=lever, slug="c")}
    slugs = {"objectives": "o", "actor_profiles": "p", "regions": "r", "domains": "d", "entry_doors": "e",
             "actor_kinds": "a", "impacts": "i", "referentiel_parts": "pa", "economies": "ec", "tools": "t"}
    for kind in VOCABULARIES:
        if kind.field in slugs:
            values[kind.field] = make_vocabulary(kind.model, slug=slugs[kind.field])
    make_vocabulary(ActionObjective, slug="objectif-sans-fiche")
    _catalogue(10, values)
    with_10 = _list_queries(visitor, EVERY_FACET)
    # The query count is measured, not the way rows are written: the 490 others come in bulk, in the same shape.
    make_fiches_in_bulk(490, title=lambda index: f"Alliance numéro {10 + index}", values=values,
                        tags=lambda index: ["alliance", f"mot-{(10 + index) % 7}"])
    with_500 = _list_queries(visitor, EVERY_FACET)
    assert with_10 == with_500
    with django_assert_max_num_queries(40):
        response = visitor.get(EVERY_FACET)
    assert ">500 fiches</h2>" in response.content.decode()  # every fiche matches every facet


def test_bitmap_counts_agree_with_the_database(visitor):
    lever_a, lever_b = make_lever(slug="a"), make_lever(slug="b")
    regions = [make_vocabulary(Region, slug=f"r{i}") for i in range(3)]
    for index in range(40):
        fiche = make_fiche(
            title=f"Fiche {'bénévoles' if index % 3 else 'subventions'} {index}",
            family=Fiche.Family.values[index % 4],
            levers=[lever_a if index % 2 else lever_b],
            status=Fiche.Status.DRAFT if index % 11 == 0 else Fiche.Status.PUBLISHED,
        )
        fiche.regions.add(regions[index % 3])
    for url in ["/fiches/", "/fiches/?levier=a", "/fiches/?levier=a&region=r1&famille=action",
                "/fiches/?q=bénévoles&region=r2", "/fiches/?famille=repere&famille=acteur&levier=b"]:
        catalogue = visitor.get(url).context["catalogue"]
        assert catalogue.page.paginator.count == catalogue.filterset.qs.count(), url
        regions_facet = {o.value: o.count for o in next(f for f in catalogue.facets if f.name == "region").options}
        for slug, count in regions_facet.items():
            others = visitor.get(url + ("&" if "?" in url else "?") + f"region={slug}").context["catalogue"]
            if "region=" not in url:
                assert others.filterset.qs.count() == count, (url, slug)


@pytest.mark.parametrize("param", ["region", "tag", "famille", "q", "tri", "composante"])
def test_nul_bytes_in_any_parameter_are_removed_and_said(visitor, param):
    make_fiche(title="Toujours là")
    response = visitor.get(f"/fiches/?{param}=ab%00c")
    assert response.status_code == 400
    assert "caractères nuls retirés" in response.content.decode()


def test_component_options_are_listed_lever_by_lever(visitor):
    first, second = make_lever(slug="premier", order=1), make_lever(slug="second", order=2)
    make_component(lever=second, slug="du-second", order=1)
    make_component(lever=first, slug="du-premier", order=5)
    response = visitor.get("/fiches/")
    assert list(facet(response, "composante")) == ["du-premier", "du-second"]
