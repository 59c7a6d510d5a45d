"""The agenda's shipped examples (fixtures/rendez-vous.toml): valid, all marked as examples, loaded idempotently by
load_content, rendering; the loader refuses what it cannot place in time; the daily erasure command."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.test import Client

from rendezvous.events_loader import EVENTS_FILE, events_load, paris_time
from rendezvous.models import Event
from resources.content_checks import typography_problems
from resources.content_files import ContentError
from tests.factories import make_event, make_registration
from tests.rendezvous.clock import freeze
from tests.shipped import restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(shipped_rows):
    """The levers and fiches the examples name (what content_load() writes)."""
    restore(shipped_rows, upto="content")


def test_the_shipped_examples_load_once_are_all_marked_and_render(catalogue, monkeypatch):
    freeze(monkeypatch)  # 10 January 2027: four examples to come, one past (November 2026)
    assert typography_problems(EVENTS_FILE) == []
    assert events_load() == 5
    assert events_load() == 0
    events = Event.objects.published()
    assert events.count() == 5 and not events.filter(is_example=False).exists()
    assert {event.kind for event in events} == {"webinaire", "jeudi", "atelier"}
    assert all(event.levers.exists() and event.fiches.exists() for event in events)
    past = Event.objects.get(ends_at__year=2026)
    assert past.replay_url.startswith("https://example.org/") and past.resources_html
    client = Client()
    agenda = client.get("/agenda/").content.decode()
    assert agenda.count('<span class="hub-badge hub-badge--example">Exemple</span>') == 4
    assert past.title not in agenda
    assert past.title in client.get("/agenda/passes/").content.decode()
    for event in events:
        page = client.get(event.get_absolute_url())
        assert page.status_code == 200, event.slug
        assert ("il n’a pas eu lieu" if event == past else "il n’aura pas lieu") in page.content.decode()
        assert client.get(f"/agenda/{event.slug}.ics").status_code == 200


def test_loading_again_keeps_what_staff_edited_unless_asked(shipped_content):
    Event.objects.filter(slug="exemple-atelier-situer-son-modele").update(title="Titre corrigé par l’équipe")
    out = io.StringIO()
    call_command("load_content", stdout=out)
    assert "et 0 rendez-vous d’exemple créés." in out.getvalue()
    assert Event.objects.get(slug="exemple-atelier-situer-son-modele").title == "Titre corrigé par l’équipe"
    events_load(update=True)
    assert Event.objects.get(slug="exemple-atelier-situer-son-modele").title.startswith("Atelier\u00a0: situer")


BROKEN = [
    ('starts_at = 2027-10-31T02:30:00', "ambiguë ou n’existe pas à Paris"),
    ('starts_at = 2027-03-28T02:15:00', "ambiguë ou n’existe pas à Paris"),
    ('starts_at = "demain"', "date et une heure locales"),
    ('starts_at = 2027-01-21T13:00:00\nlevers = ["inconnu"]', "levier inconnu 'inconnu'"),
    ('starts_at = 2027-01-21T13:00:00\nfiches = ["fiche-inconnue"]', "fiche inconnue 'fiche-inconnue'"),
    ('starts_at = 2027-01-21T13:00:00\nonline_url = "javascript:alert(1)"', "commence par https:// ou http://"),
    ('starts_at = 2027-01-21T13:00:00\nformat = "sur_place"', "a besoin de son adresse"),
    ('starts_at = 2027-01-21T13:00:00\nduration = 0', "duration"),
]


@pytest.mark.parametrize("lines, message", BROKEN)
def test_the_loader_refuses_what_it_cannot_place_or_name(catalogue, tmp_path, lines, message):
    path = tmp_path / "rendez-vous.toml"
    fields = {"slug": "essai", "title": "Essai", "kind": "webinaire", "status": "publie", "duration": 60,
              "format": "en_ligne", "online_url": "https://visio.example.org/essai", "description": "Texte."}
    overridden = {line.split(" = ")[0] for line in lines.splitlines()}
    body = "\n".join(f'{key} = {value!r}'.replace("'", '"') if isinstance(value, str) else f"{key} = {value}"
                     for key, value in fields.items() if key not in overridden)
    path.write_text(f"[[event]]\n{body}\n{lines}\n", encoding="utf-8")
    with pytest.raises(ContentError, match=message):
        events_load(path=path)
    assert not Event.objects.exists()


def test_paris_time_reads_a_local_time_as_paris_does():
    assert paris_time(datetime(2027, 1, 21, 13, 0)).utcoffset() == timedelta(hours=1)
    assert paris_time(datetime(2027, 7, 1, 13, 0)).utcoffset() == timedelta(hours=2)


def test_the_daily_erasure_command_says_what_it_did(monkeypatch):
    clock = freeze(monkeypatch)
    event = make_event(starts_at=clock.now - timedelta(days=40))
    make_registration(event)
    out = io.StringIO()
    call_command("prune_registrations", stdout=out)
    assert out.getvalue() == "1 inscription effacée.\n"
    call_command("prune_registrations", stdout=out)
    assert out.getvalue().endswith("0 inscription effacée.\n")


def test_the_legal_notice_says_what_a_registration_keeps_why_for_how_long_and_how_to_erase_it():
    html = Client().get("/mentions-legales/").content.decode()
    start = html.index("Si vous vous inscrivez à un")
    paragraph = html[start:html.index("</p>", start)]
    for said in ('<a href="/agenda/">rendez-vous de l’agenda</a>', "votre nom, votre adresse électronique",
                 "votre organisation", "servent seulement à gérer votre inscription", "Seule l’équipe du hub les voit",
                 "effacées dès que vous annulez", "le lien de votre inscription que porte chaque e-mail",
                 "trente jours après la fin du rendez-vous"):
        assert said in paragraph, said
