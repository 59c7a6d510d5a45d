"""Dates in Paris time on the pages, instants in UTC in the .ics files (parsed back by icalendar), the nights the
clocks change, and the Atom feed (parsed back by xml.etree)."""

import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar

from rendezvous.event_dates import when_label
from rendezvous.ics import event_calendar
from rendezvous.plain_text import html_to_text
from rendezvous.registrations import registration_cancel, registration_create
from tests.factories import make_event, make_lever
from tests.rendezvous.clock import freeze

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
SITE = "https://hub.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def clock(settings, monkeypatch):
    settings.HUB_SITE_URL = SITE
    return freeze(monkeypatch)


def h(hour, minute):
    return f"{hour}\u202fh\u202f{minute:02d}"


def public_calendar(client, event):
    response = client.get(f"/agenda/{event.slug}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    return response.content, Calendar.from_ical(response.content).events[0]


@pytest.mark.parametrize("starts_at, duration, shown, utc_start, utc_end", [
    # The night clocks go back: 2 h 30 happens twice, first in summer time (UTC+2), then in winter time (UTC+1).
    (datetime(2027, 10, 31, 2, 30, tzinfo=PARIS, fold=0), 60,
     f"dimanche 31 octobre 2027, {h(2, 30)} (heure d’été) – {h(2, 30)} (heure d’hiver) (heure de Paris)",
     datetime(2027, 10, 31, 0, 30, tzinfo=UTC), datetime(2027, 10, 31, 1, 30, tzinfo=UTC)),
    (datetime(2027, 10, 31, 2, 30, tzinfo=PARIS, fold=1), 60,
     f"dimanche 31 octobre 2027, {h(2, 30)} (heure d’hiver) – {h(3, 30)} (heure de Paris)",
     datetime(2027, 10, 31, 1, 30, tzinfo=UTC), datetime(2027, 10, 31, 2, 30, tzinfo=UTC)),
    # The night clocks go forward: two hours from 1 h 30 end at 4 h 30, 2 h 00 to 3 h 00 never happens.
    (datetime(2027, 3, 28, 1, 30, tzinfo=PARIS), 120,
     f"dimanche 28 mars 2027, {h(1, 30)} – {h(4, 30)} (heure de Paris)",
     datetime(2027, 3, 28, 0, 30, tzinfo=UTC), datetime(2027, 3, 28, 2, 30, tzinfo=UTC)),
    # An ordinary winter afternoon, and an evening that ends the next day.
    (datetime(2027, 1, 14, 14, 0, tzinfo=PARIS), 90,
     f"jeudi 14 janvier 2027, {h(14, 0)} – {h(15, 30)} (heure de Paris)",
     datetime(2027, 1, 14, 13, 0, tzinfo=UTC), datetime(2027, 1, 14, 14, 30, tzinfo=UTC)),
    (datetime(2027, 6, 30, 23, 0, tzinfo=PARIS), 120,
     f"mercredi 30 juin 2027, {h(23, 0)} – jeudi 1er juillet 2027, {h(1, 0)} (heure de Paris)",
     datetime(2027, 6, 30, 21, 0, tzinfo=UTC), datetime(2027, 6, 30, 23, 0, tzinfo=UTC)),
])
def test_pages_say_paris_time_and_the_ics_the_right_utc_instants(starts_at, duration, shown, utc_start, utc_end):
    event = make_event(starts_at=starts_at, duration=duration)
    event.refresh_from_db()  # as every page reads it: in UTC from the database
    assert when_label(event.starts_at, event.ends_at) == shown
    client = Client()
    assert shown in client.get(f"/agenda/{event.slug}/").content.decode()
    assert shown in client.get("/agenda/").content.decode()
    raw, entry = public_calendar(client, event)
    assert (entry["DTSTART"].dt, entry["DTEND"].dt) == (utc_start, utc_end)
    assert entry["DTSTART"].dt.utcoffset() == timedelta(0)
    assert f"DTSTART:{utc_start:%Y%m%dT%H%M%S}Z" in raw.decode()


def test_the_public_ics_never_carries_the_online_link_the_attached_one_does():
    lever = make_lever(label="Financement")
    event = make_event(title="Hybrider ses ressources", is_example=True, levers=[lever],
                       online_url="https://visio.example.org/salle-secrete", speakers="Alix Martin\nSam Petit")
    client = Client()
    raw, public = public_calendar(client, event)
    assert b"salle-secrete" not in raw
    assert str(public["SUMMARY"]) == "[Exemple] Hybrider ses ressources"
    assert str(public["LOCATION"]) == "En ligne"
    assert str(public["URL"]) == f"{SITE}/agenda/{event.slug}/"
    assert "Alix Martin, Sam Petit" in str(public["DESCRIPTION"])
    assert str(public["UID"]) == f"rendez-vous-{event.pk}@hub.example.org"

    attached = Calendar.from_ical(event_calendar(event, online_link=True)).events[0]
    assert str(attached["UID"]) == str(public["UID"])  # the same event for a calendar that has both
    assert str(attached["LOCATION"]) == "https://visio.example.org/salle-secrete"
    assert "https://visio.example.org/salle-secrete" in str(attached["DESCRIPTION"])

    # Renamed and moved, it keeps its UID.
    event.title, event.slug = "Un autre titre", "un-autre-titre"
    event.starts_at += timedelta(days=1)
    event.save()
    assert public_calendar(client, event)[1]["UID"] == public["UID"]


def test_an_event_on_site_gives_its_place_and_drafts_have_no_ics():
    event = make_event(format="sur_place", online_url="", place="Maison des associations, 1 rue Haute, 35000 Rennes")
    _, entry = public_calendar(Client(), event)
    assert str(entry["LOCATION"]) == "Maison des associations, 1 rue Haute, 35000 Rennes"
    draft = make_event(status="brouillon")
    assert Client().get(f"/agenda/{draft.slug}.ics").status_code == 404
    assert Client().get(f"/agenda/{draft.slug}/").status_code == 404
    assert Client().get("/agenda/inconnu.ics").status_code == 404


# The shipped events' descriptions are written so: hard-wrapped paragraphs, a list, a link.
WRAPPED = """Un webinaire d’exemple, dans l’esprit
du cycle mensuel.

Subventions, dons, mécénat : la plupart des organisations
combinent déjà plusieurs ressources. Trois questions :

- quelles familles de ressources,
  et que demande chacune ?
- par quoi commencer ?

Les [supports](https://example.org/supports.pdf) seront en ligne.
"""
PLAIN = ("Un webinaire d’exemple, dans l’esprit du cycle mensuel.\n\n"
         "Subventions, dons, mécénat : la plupart des organisations combinent déjà plusieurs ressources. Trois "
         "questions :\n\n"
         "- quelles familles de ressources, et que demande chacune ?\n"
         "- par quoi commencer ?\n\n"
         "Les supports (https://example.org/supports.pdf) seront en ligne.")


def attached(message):
    [(filename, content, mimetype)] = message.attachments
    assert mimetype == "text/calendar" and filename.endswith(".ics")
    return Calendar.from_ical(content).events[0]


@pytest.mark.parametrize("format, where, location", [
    ("sur_place", "Lieu\u00a0: Maison des associations, 35000 Rennes", "Maison des associations, 35000 Rennes"),
    ("en_ligne", "En ligne. Lien de connexion\u00a0: https://visio.example.org/salle", "https://visio.example.org/salle"),
])
def test_the_ics_attached_to_a_confirmation_and_a_promotion_says_where_in_plain_text(format, where, location):
    event = make_event(capacity=1, format=format, online_url="https://visio.example.org/salle" if format == "en_ligne" else "",
                       place="Maison des associations, 35000 Rennes" if format == "sur_place" else "",
                       description=WRAPPED)
    holder, _ = registration_create(event=event, name="A", email="a@example.org", consent=True)
    registration_create(event=event, name="B", email="b@example.org", consent=True)
    registration_cancel(registration=holder)
    confirmed, waiting, promoted = mail.outbox
    assert confirmed.subject.startswith("Inscription confirmée") and waiting.attachments == []
    assert promoted.subject.startswith("Une place s’est libérée")
    for message in (confirmed, promoted):
        entry = attached(message)
        description = str(entry["DESCRIPTION"])
        assert str(entry["LOCATION"]) == location
        assert description == f"Webinaire\n{where}\n\n{PLAIN}\n\nPage du rendez-vous\u00a0: {SITE}/agenda/{event.slug}/"
        if format == "sur_place":
            assert "En ligne" not in description and "Lien de connexion" not in description
    _, public = public_calendar(Client(), event)
    assert str(public["DESCRIPTION"]).startswith(f"Webinaire\n{where if format == 'sur_place' else 'En ligne (le lien'}")


@pytest.mark.parametrize("markdown, text", [
    ("## Au programme\n\nTrois temps.", "Au programme\n\nTrois temps."),
    ("1. un\n2. deux\n    - détail", "1. un\n2. deux\n  - détail"),
    ("- lâche\n\n- liste", "- lâche\n- liste"),  # a loose list: its items' <p> open no paragraph
    ("une ligne  \ncoupée exprès", "une ligne\ncoupée exprès"),
    ("<https://example.org/a> et [ici](https://example.org/b)", "https://example.org/a et ici (https://example.org/b)"),
    ("A &amp; B <script>alert(1)</script>", "A & B"),
    ("", ""),
])
def test_rendered_markdown_reads_back_as_plain_text(markdown, text):
    from resources.markdown import render_markdown

    assert html_to_text(render_markdown(markdown)) == text


def test_the_atom_feed_lists_published_events_newest_announced_first_on_the_site_address(clock):
    first = make_event(title="Premier annoncé", starts_at=clock.now + timedelta(days=60),
                       online_url="https://visio.example.org/salle-du-premier")
    second = make_event(title="Second annoncé", is_example=True, starts_at=clock.now + timedelta(days=5))
    past = make_event(title="Déjà passé", starts_at=clock.now - timedelta(days=40), replay_url="https://example.org/r")
    make_event(title="Brouillon caché", status="brouillon")
    response = Client().get("/agenda/flux.atom", HTTP_HOST="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"salle-du-premier" not in response.content and "Brouillon caché" not in response.content.decode()
    feed = ElementTree.fromstring(response.content)
    assert feed.find(f"{ATOM}title").text == "Agenda du hub des modèles socio-économiques"
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == f"{SITE}/agenda/"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITE}/agenda/flux.atom"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.find(f"{ATOM}title").text for entry in entries] == [
        "Déjà passé", "[Exemple] Second annoncé", "Premier annoncé"]
    assert [entry.find(f"{ATOM}link").get("href") for entry in entries] == [
        f"{SITE}{event.get_absolute_url()}" for event in (past, second, first)]
    assert [entry.find(f"{ATOM}id").text for entry in entries] == [
        f"tag:hub.example.org,2026:agenda:{event.pk}" for event in (past, second, first)]
    summary = entries[1].find(f"{ATOM}summary").text
    assert "Webinaire (exemple)" in summary and "(heure de Paris)" in summary and "<strong>programme</strong>" in summary


def test_the_agenda_announces_its_feed():
    html = Client().get("/agenda/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml" title="Agenda du hub (Atom)" href="/agenda/flux.atom">' in html
