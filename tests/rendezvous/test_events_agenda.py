"""The agenda's pages: upcoming and past lists, filters with declared choices, pagination, query counts, an event's
page, where the agenda is announced (menu, site map, sitemap.xml, home), and the reads the letter uses."""

from datetime import timedelta

import pytest
from django.test import Client

from rendezvous.agenda import replays, upcoming_events
from tests.factories import make_event, make_fiche, make_lever, make_registration
from tests.rendezvous.clock import freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def levers():
    return {"fin": make_lever(slug="financement", label="Financement", theme="fin"),
            "all": make_lever(slug="alliances", label="Alliances", theme="all")}


def page(path, status=200):
    response = Client().get(path)
    assert response.status_code == status, path
    return response.content.decode()


def titles_in(html, titles):
    """The titles found in the page, in page order."""
    return sorted((title for title in titles if f">{title}</a>" in html), key=html.index)


def test_the_agenda_lists_what_is_coming_soonest_first_and_the_past_page_the_rest(clock):
    later = make_event(title="Dans deux mois", starts_at=clock.now + timedelta(days=60), capacity=30, is_example=True)
    soon = make_event(title="Dans trois jours", starts_at=clock.now + timedelta(days=3))
    running = make_event(title="Commencé", starts_at=clock.now - timedelta(minutes=30), duration=90)
    past = make_event(title="Fini hier", starts_at=clock.now - timedelta(days=1), replay_url="https://example.org/replay")
    older = make_event(title="Fini le mois dernier", starts_at=clock.now - timedelta(days=30))
    make_event(title="Brouillon", status="brouillon", starts_at=clock.now + timedelta(days=1))
    make_registration(later)
    titles = ["Dans deux mois", "Dans trois jours", "Commencé", "Fini hier", "Fini le mois dernier", "Brouillon"]

    html = page("/agenda/")
    assert titles_in(html, titles) == ["Commencé", "Dans trois jours", "Dans deux mois"]
    assert "3 rendez-vous" in html and "29 places restantes" in html
    assert '<span class="hub-badge hub-badge--example">Exemple</span>' in html
    assert later.online_url not in html and soon.online_url not in html and running.online_url not in html

    html = page("/agenda/passes/")
    assert titles_in(html, titles) == ["Fini hier", "Fini le mois dernier"]
    assert 'href="https://example.org/replay"' in html and "places restantes" not in html
    assert past.online_url not in html and older.online_url not in html


def test_filters_by_kind_and_lever_combine(clock, levers):
    make_event(title="Webinaire financement", kind="webinaire", levers=[levers["fin"]])
    make_event(title="Jeudi alliances", kind="jeudi", levers=[levers["all"]])
    make_event(title="Atelier des deux", kind="atelier", levers=[levers["fin"], levers["all"]])
    titles = ["Webinaire financement", "Jeudi alliances", "Atelier des deux"]
    assert titles_in(page("/agenda/?type=jeudi"), titles) == ["Jeudi alliances"]
    assert titles_in(page("/agenda/?levier=financement"), titles) == ["Webinaire financement", "Atelier des deux"]
    html = page("/agenda/?levier=alliances&type=atelier")
    assert titles_in(html, titles) == ["Atelier des deux"]
    assert '<option value="atelier" selected>Atelier</option>' in html and "1 rendez-vous pour ces filtres" in html
    assert titles_in(page("/agenda/?type=&levier="), titles) == titles  # « Tous » is no filter
    assert "Aucun rendez-vous annoncé pour ces filtres" in page("/agenda/?type=jeudi&levier=financement")


@pytest.mark.parametrize("query, refused", [
    ("type=conference", "type"),
    ("levier=inconnu", "levier"),
    ("type=jeudi&levier=%3Cscript%3E", "levier"),
    ("type=" + "x" * 5000, "type"),
])
def test_an_unknown_filter_value_is_a_400_that_says_what_was_ignored(clock, levers, query, refused):
    make_event(title="Jeudi alliances", kind="jeudi", levers=[levers["all"]])
    for path in ("/agenda/", "/agenda/passes/"):
        html = page(f"{path}?{query}", status=400)
        assert "Une partie de l’adresse n’a pas été comprise et a été ignorée" in html
        assert f"«&nbsp;{refused}&nbsp;»&#8239;: Sélectionnez un choix valide." in html
        assert "<title>Erreur&nbsp;: " in html


@pytest.mark.parametrize("query, status", [
    ("page=2", 200), ("page=3", 404), ("page=0", 400), ("page=abc", 400), ("page=" + "9" * 12, 400),
    ("type=%00", 400), ("page=%00", 400),
])
def test_pages_of_results_and_bad_page_numbers(clock, query, status):
    for index in range(13):  # two pages of twelve
        make_event(title=f"Numéro {index:02d}", starts_at=clock.now + timedelta(days=index + 1))
    html = page(f"/agenda/?{query}", status=status)
    if query == "page=2":
        assert ">Numéro 12</a>" in html and ">Numéro 11</a>" not in html
        assert "(page 2)" in html and 'href="?page=1"' in html


def test_the_agenda_costs_the_same_queries_for_3_or_30_events(clock, levers, django_assert_max_num_queries):
    def events(count):
        for index in range(count):
            event = make_event(starts_at=clock.now + timedelta(days=index + 1), capacity=10,
                               levers=[levers["fin"], levers["all"]])
            make_registration(event)
            make_event(starts_at=clock.now - timedelta(days=index + 1), replay_url="https://example.org/r",
                       levers=[levers["fin"]])

    events(3)
    client = Client()
    counts = {}
    for path in ("/agenda/", "/agenda/passes/", "/agenda/?type=webinaire&levier=financement"):
        with django_assert_max_num_queries(6) as captured:
            assert client.get(path).status_code == 200
        counts[path] = len(captured.captured_queries)
    events(27)
    for path, count in counts.items():
        with django_assert_max_num_queries(count):
            assert client.get(path).status_code == 200


def test_an_event_s_page_says_everything_but_the_online_link(clock, levers):
    published = make_fiche(title="Hybrider son modèle")
    draft = make_fiche(title="Fiche en brouillon", status="brouillon", published_at=None)
    event = make_event(
        title="Hybrider ses ressources", kind="jeudi", capacity=2, levers=[levers["fin"]], fiches=[published, draft],
        speakers="Alix Martin\n\nSam Petit", description="## Au programme\n\nTrois temps.<script>alert(1)</script>",
        starts_at=clock.now + timedelta(days=4),
    )
    make_registration(event)
    html = page(f"/agenda/{event.slug}/")
    for shown in ("<h1>Hybrider ses ressources</h1>", "Jeudi de l’ODD\u00a017", "(heure de Paris)",
                  "En ligne (le lien est envoyé aux personnes inscrites)", "<li>Alix Martin</li><li>Sam Petit</li>",
                  'href="/leviers/financement/"', ">Hybrider son modèle</a>", "<h2>Au programme</h2>",
                  "<strong>1 place restante</strong>", f'href="/agenda/{event.slug}.ics"', 'name="consent"',
                  "effacés dès que j’annule, ou 30 jours après le rendez-vous"):
        assert shown in html, shown
    for hidden in (event.online_url, "Fiche en brouillon", "<script>alert"):
        assert hidden not in html, hidden


def test_a_past_event_shows_its_replay_and_resources_first_and_no_longer_invites(clock):
    event = make_event(starts_at=clock.now - timedelta(days=3), replay_url="https://example.org/replay-1",
                       resources="- [Le support](https://example.org/support.pdf)", is_example=True)
    html = page(f"/agenda/{event.slug}/")
    assert "Replay et ressources" in html and 'href="https://example.org/replay-1"' in html
    assert '<a href="https://example.org/support.pdf" rel="noopener noreferrer">Le support</a>' in html
    # The replay and the resources come before the facts and the programme.
    assert html.index("Replay et ressources") < html.index("<dt>Quand</dt>") < html.index("Le programme")
    assert 'name="email"' not in html and "Rendez-vous passés</a>" in html
    assert "<title>[Exemple] " in html and "il n’a pas eu lieu" in html
    for invitation in ("il n’aura pas lieu", "a eu lieu", f"/agenda/{event.slug}.ics", "Ajouter à mon agenda",
                       "le lien est envoyé", "S’inscrire"):
        assert invitation not in html, invitation
    assert "<dd>En ligne</dd>" in html
    no_replay = page(f"/agenda/{make_event(starts_at=clock.now - timedelta(days=3)).slug}/")
    assert "Pas de replay pour ce rendez-vous." in no_replay and "hub-event__example" not in no_replay


def test_on_site_events_show_their_place(clock):
    event = make_event(format="sur_place", online_url="", place="Maison des associations, 35000 Rennes")
    assert "Maison des associations, 35000 Rennes" in page(f"/agenda/{event.slug}/")
    assert "Sur place&#8239;: Maison des associations, 35000 Rennes" in page("/agenda/")


def test_the_agenda_is_in_the_menu_the_site_map_the_sitemap_and_the_home_page(clock):
    soon = make_event(title="Le plus proche", starts_at=clock.now + timedelta(days=1))
    make_event(title="Le deuxième", starts_at=clock.now + timedelta(days=2))
    make_event(title="Le troisième", starts_at=clock.now + timedelta(days=3))
    past = make_event(starts_at=clock.now - timedelta(days=3))
    draft = make_event(status="brouillon")
    agenda = page("/agenda/")
    assert '<a href="/agenda/" aria-current="page">Agenda</a>' in agenda
    assert '<a href="/agenda/">L’agenda</a>' in page("/plan-du-site/")
    sitemap = page("/sitemap.xml")
    for path in ("/agenda/", "/agenda/passes/", soon.get_absolute_url(), past.get_absolute_url()):
        assert f"http://testserver{path}</loc>" in sitemap, path
    assert draft.get_absolute_url() not in sitemap and "/mon-inscription/" not in sitemap
    home = page("/")
    assert titles_in(home, ["Le plus proche", "Le deuxième", "Le troisième"]) == ["Le plus proche", "Le deuxième"]
    assert "Prochains rendez-vous" in home and "places restantes" not in home


def test_the_letter_reads_what_is_coming_and_the_replays_of_a_period(clock):
    coming = [make_event(starts_at=clock.now + timedelta(days=days)) for days in (9, 2, 30)]
    make_event(starts_at=clock.now + timedelta(days=1), status="brouillon")
    in_period = make_event(starts_at=clock.now - timedelta(days=5), replay_url="https://example.org/a")
    latest = make_event(starts_at=clock.now - timedelta(days=2), replay_url="https://example.org/b")
    make_event(starts_at=clock.now - timedelta(days=4))  # no replay
    make_event(starts_at=clock.now - timedelta(days=40), replay_url="https://example.org/c")  # before the period
    assert list(upcoming_events(after=clock.now, limit=2)) == [coming[1], coming[0]]
    assert list(replays(since=clock.now - timedelta(days=7), until=clock.now)) == [latest, in_period]


def test_an_event_s_fiches_are_in_french_alphabetical_order(clock, django_assert_max_num_queries):
    titles = ["Hybrider son modèle", "Équilibrer son modèle", "accueillir des bénévoles", "Zéro déchet", "Écrire"]
    event = make_event(fiches=[make_fiche(title=title) for title in titles])
    with django_assert_max_num_queries(3):  # the event, its levers, its fiches
        html = page(f"/agenda/{event.slug}/")
    assert titles_in(html, titles) == [
        "accueillir des bénévoles", "Écrire", "Équilibrer son modèle", "Hybrider son modèle", "Zéro déchet"]
