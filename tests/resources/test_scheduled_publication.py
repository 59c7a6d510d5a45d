"""A fiche or an event visible from a date and until another, decided by the query, with caches that follow."""

from datetime import timedelta

import pytest
from django.utils import timezone

from resources.models import Fiche
from rendezvous.models import Event
from tests.factories import make_event, make_fiche, make_lever

pytestmark = pytest.mark.django_db

TITLE = "Mécénat de compétences programmé"
SLUG = "mecenat-programme"
# Every public place a fiche shows: the list, a lever's facet, the lever page, the search, the feed and the sitemap.
PLACES = ["/fiches/", "/fiches/?levier=rh-programme", "/leviers/rh-programme/", "/recherche/?q=programm%C3%A9",
          "/fiches/flux.atom", "/sitemap.xml"]


class Clock:
    """The site's clock (django.utils.timezone.now), moved by the test."""

    def __init__(self):
        self.at = timezone.now().replace(microsecond=0)

    def __call__(self):
        return self.at


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(timezone, "now", moved)
    return moved


def _shows(client, slug):
    """{address: whether the page links to the fiche}, every page answering 200."""
    shown = {}
    for address in PLACES:
        response = client.get(address)
        assert response.status_code == 200, address
        shown[address] = f"/fiches/{slug}/" in response.content.decode()
    return shown


def test_a_scheduled_fiche_appears_everywhere_at_its_minute_even_on_cached_pages(
        client, clock, django_capture_on_commit_callbacks):
    lever = make_lever(slug="rh-programme", label="Richesses humaines")
    make_fiche(title="Une fiche déjà en ligne", levers=[lever])
    start = clock.at
    with django_capture_on_commit_callbacks(execute=True):  # as in production: the version is made at the commit
        fiche = make_fiche(title=TITLE, slug=SLUG, levers=[lever],
                           published_at=start + timedelta(minutes=10))
    assert _shows(client, SLUG) == dict.fromkeys(PLACES, False)
    assert client.get("/fiches/")["X-Hub-Cache"] == "hit"  # the list is served from the cache from now on
    assert client.get(f"/fiches/{fiche.slug}/").status_code == 404

    clock.at = start + timedelta(minutes=10) - timedelta(seconds=1)
    assert _shows(client, SLUG) == dict.fromkeys(PLACES, False)
    assert client.get("/fiches/")["X-Hub-Cache"] == "hit"

    clock.at = start + timedelta(minutes=10)
    assert _shows(client, SLUG) == dict.fromkeys(PLACES, True)
    assert client.get(f"/fiches/{fiche.slug}/").status_code == 200


def test_a_fiche_withdrawn_at_a_date_leaves_every_page_at_that_minute(
        client, clock, django_capture_on_commit_callbacks):
    lever = make_lever(slug="rh-programme")
    start = clock.at
    with django_capture_on_commit_callbacks(execute=True):
        fiche = make_fiche(title=TITLE, slug=SLUG, levers=[lever], published_at=start - timedelta(days=1),
                           unpublish_at=start + timedelta(minutes=5))
    assert _shows(client, SLUG) == dict.fromkeys(PLACES, True)
    clock.at = start + timedelta(minutes=5)
    assert _shows(client, SLUG) == dict.fromkeys(PLACES, False)
    assert client.get(f"/fiches/{fiche.slug}/").status_code == 404


def test_a_schedule_changed_inside_an_open_transaction_is_late_by_a_minute_at_most(client, clock):
    """Without the commit (a test's transaction never commits), the version is not told of the schedule: it lives
    a minute, then the next one reads the schedule."""
    make_fiche(title=TITLE, published_at=clock.at + timedelta(seconds=20))
    start = clock.at
    assert TITLE not in client.get("/fiches/").content.decode()
    clock.at = start + timedelta(seconds=59)
    assert client.get("/fiches/")["X-Hub-Cache"] == "hit"
    clock.at = start + timedelta(seconds=60)
    assert TITLE in client.get("/fiches/").content.decode()


def test_staff_preview_a_scheduled_fiche_and_read_when_it_will_appear(staff_client, clock):
    fiche = make_fiche(title=TITLE, published_at=timezone.make_aware(timezone.datetime(2027, 3, 1, 9, 5)))
    html = staff_client.get(f"/fiches/{fiche.slug}/").content.decode()
    assert "Programmée" in html and "1er mars 2027 à 9\u202fh\u202f05" in html
    listed = staff_client.get("/admin/resources/fiche/?visibilite=programmee").content.decode()
    assert TITLE in listed and "Programmée pour le 1er mars 2027 à 9\u202fh\u202f05" in listed
    assert TITLE not in staff_client.get("/admin/resources/fiche/?visibilite=en-ligne").content.decode()


def test_a_withdrawal_before_the_publication_is_refused_in_french():
    fiche = make_fiche(published_at=timezone.now(), unpublish_at=timezone.now() - timedelta(days=1))
    with pytest.raises(Exception) as raised:
        fiche.full_clean()
    assert "La date de retrait doit suivre la date de publication." in str(raised.value)


def test_the_query_alone_decides_what_a_visitor_sees(clock):
    past, ahead = clock.at - timedelta(hours=1), clock.at + timedelta(hours=1)
    online = make_fiche(published_at=past)
    make_fiche(published_at=ahead)
    make_fiche(published_at=past, unpublish_at=past + timedelta(minutes=1))
    make_fiche(status=Fiche.Status.DRAFT, published_at=None)
    ending = make_fiche(published_at=past, unpublish_at=ahead)
    assert set(Fiche.objects.published()) == {online, ending}


def test_a_scheduled_event_joins_the_agenda_at_its_minute(client, clock, django_capture_on_commit_callbacks):
    start = clock.at
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(title="Jeudi programmé", published_at=start + timedelta(hours=2))
    assert "Jeudi programmé" not in client.get("/agenda/").content.decode()
    assert client.get(f"/agenda/{event.slug}/").status_code == 404
    clock.at = start + timedelta(hours=2)
    assert "Jeudi programmé" in client.get("/agenda/").content.decode()
    assert client.get(f"/agenda/{event.slug}/").status_code == 200
    assert Event.objects.published().count() == 1
