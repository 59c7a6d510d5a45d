"""Registering for an event: places, the waiting list and its promotions, the person's page by its signed link,
cancelling, closing at the start, and what the form tells nobody (no enumeration, rate limit, header injection)."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar

from rendezvous.models import OutgoingMail, Registration
from rendezvous.registration_links import registration_token
from rendezvous.registrations import RegistrationClosed, registration_create, registrations_prune
from rendezvous.tokens import token_make
from tests.factories import make_event, make_registration
from tests.rendezvous.clock import freeze
from tests.wsgi_server import wsgi_server

pytestmark = pytest.mark.django_db

SITE = "https://hub.example.org"
LINK = re.compile(r"https://hub\.example\.org(/agenda/mon-inscription/[^/\s]+/)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def site(settings, monkeypatch):
    settings.HUB_SITE_URL = SITE
    return freeze(monkeypatch)


def register(client, event, email, name="Camille Dupont", organisation="", consent="on", **extra):
    fields = {"name": name, "email": email, "organisation": organisation, "consent": consent}
    return client.post(f"/agenda/{event.slug}/", {key: value for key, value in fields.items() if value is not None},
                       **extra)


def link_in(message):
    """The path of the person's page in an e-mail (text and HTML carry the same one)."""
    found = set(LINK.findall(message.body)) | set(LINK.findall(message.alternatives[0][0]))
    assert len(found) == 1, found
    return found.pop()


def attached_calendar(message):
    [(filename, content, mimetype)] = message.attachments
    assert mimetype == "text/calendar" and filename.endswith(".ics")
    return Calendar.from_ical(content).events[0]


def test_the_last_place_is_confirmed_then_people_wait_in_order_with_their_rank():
    event = make_event(capacity=2, title="Hybrider ses ressources")
    make_registration(event)
    client = Client()

    answer = register(client, event, "Premiere@Example.org", organisation="La Ruche")
    assert answer.status_code == 302 and answer["Location"] == f"/agenda/{event.slug}/inscription-envoyee/"
    first = Registration.objects.get(email="premiere@example.org")
    assert (first.status, first.name, first.organisation) == ("confirmee", "Camille Dupont", "La Ruche")
    confirmed = mail.outbox[-1]
    assert confirmed.to == ["premiere@example.org"]
    assert confirmed.subject == "Inscription confirmée\u00a0: Hybrider ses ressources"
    assert event.online_url in confirmed.body and event.online_url in confirmed.alternatives[0][0]
    assert "Camille" not in confirmed.body  # what was typed as a name never reaches a mailbox
    assert "(heure de Paris)" in confirmed.body
    calendar = attached_calendar(confirmed)
    assert event.online_url in str(calendar["LOCATION"]) and event.online_url in str(calendar["DESCRIPTION"])

    for number, email in enumerate(["deuxieme@example.org", "troisieme@example.org"], start=1):
        assert register(client, event, email).status_code == 302
        waiting = mail.outbox[-1]
        assert Registration.objects.get(email=email).status == "attente"
        assert waiting.subject == "Liste d’attente\u00a0: Hybrider ses ressources"
        assert f"vous êtes n°\u00a0{number} sur la liste d’attente" in waiting.body
        assert waiting.attachments == [] and event.online_url not in waiting.body + waiting.alternatives[0][0]
        page = client.get(link_in(waiting)).content.decode()
        assert f"Vous êtes n°&nbsp;{number} sur la liste d’attente" in page and event.online_url not in page

    page = client.get(f"/agenda/{event.slug}/").content.decode()
    assert "Complet\u00a0: inscription en liste d’attente" in page
    assert "M’inscrire sur la liste d’attente" in page
    assert event.online_url not in page
    assert [(m.key.rsplit(":", 2)[0], m.status) for m in OutgoingMail.objects.order_by("pk")] == [
        (f"event:{event.pk}:confirmation", "sent")] * 3


def test_cancelling_by_the_link_frees_the_place_for_the_first_person_waiting_who_is_told():
    event = make_event(capacity=1)
    client = Client()
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        register(client, event, email)
    holder_page = link_in(mail.outbox[0])
    cancel_page = f"{holder_page}annuler/"

    # Opening the links (a mail scanner does) changes nothing.
    assert client.get(holder_page).status_code == 200
    confirmation = client.get(cancel_page)
    assert confirmation.status_code == 200
    assert "votre place ira à la première personne de la liste d’attente" in confirmation.content.decode()
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == ["confirmee", "attente", "attente"]
    assert len(mail.outbox) == 3

    answer = client.post(cancel_page, follow=True)
    assert answer.redirect_chain == [(f"/agenda/{event.slug}/", 302)]
    assert "est annulée\u00a0; votre nom et votre adresse ont été effacés." in answer.content.decode()
    cancelled, promoted, still = Registration.objects.order_by("pk")
    assert (cancelled.status, cancelled.name, cancelled.email, cancelled.organisation) == ("annulee", "", "", "")
    assert cancelled.cancelled_at is not None
    assert promoted.status == "confirmee" and promoted.promoted_at is not None
    assert still.status == "attente"
    told = mail.outbox[3]
    assert told.to == ["b@example.org"] and told.subject.startswith("Une place s’est libérée\u00a0: ")
    assert event.online_url in told.body and event.online_url in str(attached_calendar(told)["LOCATION"])
    assert OutgoingMail.objects.filter(key=f"event:{event.pk}:promotion:{promoted.pk}").count() == 1
    assert "n°&nbsp;1 sur la liste" in client.get(link_in(mail.outbox[2])).content.decode()

    # The used link now says the registration is gone, and a second cancellation changes nothing.
    for method in (client.get, client.post):
        gone = method(cancel_page)
        assert gone.status_code == 410 and "a été annulée" in gone.content.decode()
    assert client.get(holder_page).status_code == 410
    assert Registration.objects.filter(status="confirmee").count() == 1 and len(mail.outbox) == 4


def test_forged_altered_foreign_and_expired_links_are_refused(site):
    event = make_event(starts_at=site.now + timedelta(days=2), duration=60)
    registration = make_registration(event)
    token = registration_token(registration)
    client = Client()
    assert client.get(f"/agenda/mon-inscription/{token}/").status_code == 200
    forged = [
        token[:-2] + ("aa" if not token.endswith("aa") else "bb"),  # the signature altered
        token_make("subscription", registration.pk, registration.nonce),  # signed for another purpose
        token_make("registration", registration.pk, "0" * 32),  # an old nonce
        token_make("registration", registration.pk + 1000, registration.nonce),  # no such registration
        token_make("registration", "x"), "pas-un-jeton",
    ]
    for bad in forged:
        assert client.get(f"/agenda/mon-inscription/{bad}/").status_code == 404, bad
        assert client.get(f"/agenda/mon-inscription/{bad}/annuler/").status_code == 404, bad
        assert client.post(f"/agenda/mon-inscription/{bad}/annuler/").status_code == 404, bad
    site += timedelta(days=2, minutes=61)  # the event is over: the link expired with it
    expired = client.get(f"/agenda/mon-inscription/{token}/")
    assert expired.status_code == 410
    assert "le lien de votre inscription a expiré avec lui" in expired.content.decode()
    assert client.post(f"/agenda/mon-inscription/{token}/annuler/").status_code == 410
    assert Registration.objects.get().status == "confirmee"


def test_the_person_s_page_shows_their_place_the_online_link_and_what_is_kept():
    event = make_event(title="Faire alliance")
    registration = make_registration(event, name="Camille Dupont", organisation="La Ruche", email="camille@example.org")
    page = Client().get(f"/agenda/mon-inscription/{registration_token(registration)}/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    for shown in ("Votre place est confirmée.", event.online_url, "Camille Dupont", "La Ruche", "camille@example.org",
                  "Annuler mon inscription", "Faire alliance", "(heure de Paris)"):
        assert shown in html, shown


def test_registration_closes_once_the_event_has_started(site):
    event = make_event(starts_at=site.now + timedelta(minutes=5), duration=60)
    client = Client()
    assert "M’inscrire" in client.get(f"/agenda/{event.slug}/").content.decode()
    site += timedelta(minutes=5)
    page = client.get(f"/agenda/{event.slug}/").content.decode()
    assert "Les inscriptions sont closes" in page and 'name="email"' not in page
    refused = register(client, event, "tard@example.org")
    assert refused.status_code == 400
    assert "Les inscriptions sont closes\u00a0: ce rendez-vous a commencé." in refused.content.decode()
    with pytest.raises(RegistrationClosed):
        registration_create(event=event, name="Tard", email="tard@example.org", consent=True)
    assert not Registration.objects.exists() and mail.outbox == []


def test_no_place_is_given_from_the_waiting_list_once_the_event_has_started(site):
    event = make_event(capacity=1, starts_at=site.now + timedelta(hours=1))
    holder, _ = registration_create(event=event, name="A", email="a@example.org", consent=True)
    registration_create(event=event, name="B", email="b@example.org", consent=True)
    site += timedelta(hours=1, minutes=10)
    Client().post(f"/agenda/mon-inscription/{registration_token(holder)}/annuler/")
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == ["annulee", "attente"]
    assert len(mail.outbox) == 2


def _same_page(html):
    return CSRF.sub("", html)


def test_a_known_address_gets_the_same_answer_as_a_new_one_and_its_confirmation_again():
    event = make_event(capacity=1)
    registration_create(event=event, name="Connue", email="connue@example.org", consent=True)
    del mail.outbox[:]
    fields = {"name": "Camille Dupont", "organisation": "", "consent": "on"}
    with wsgi_server() as send:
        answers = []
        for email in ("connue@example.org", "nouvelle@example.org"):
            sent = len(mail.outbox)
            answer = send("POST", f"/agenda/{event.slug}/", {**fields, "email": email})
            during = mail.outbox[sent:]
            answer.iterable.close()  # the server closes the response: the work after it runs now
            answers.append((answer.status, sorted(answer.headers), answer.body, during))
    assert answers[0] == answers[1]
    assert answers[0][0] == "302 Found" and answers[0][3] == []
    # What differs travelled by e-mail, after the answer: the known address got its confirmation again.
    again, waiting = mail.outbox
    assert again.to == ["connue@example.org"] and again.subject.startswith("Inscription confirmée")
    assert waiting.to == ["nouvelle@example.org"] and waiting.subject.startswith("Liste d’attente")
    assert Registration.objects.filter(email="connue@example.org").count() == 1
    assert OutgoingMail.objects.filter(key__endswith=":2").get().to == "connue@example.org"
    pages = [Client().get(f"/agenda/{event.slug}/inscription-envoyee/") for _ in range(2)]
    assert pages[0].status_code == 200 and "Vérifiez votre boîte aux lettres" in pages[0].content.decode()


def test_the_form_is_rate_limited_per_address_and_kept_filled():
    event = make_event()
    other = make_event()
    client = Client()
    for index in range(6):  # six an hour to one address, whatever the event
        assert register(client, event if index % 2 else other, "Presse@Example.org").status_code == 302
    refused = register(client, event, "presse@example.org", name="Camille Dupont", organisation="La Ruche")
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Trop de demandes d’e-mail pour cette adresse ou depuis votre connexion\u00a0: par sécurité, réessayez dans" in html
    for kept in ('value="Camille Dupont"', 'value="presse@example.org"', 'value="La Ruche"', " checked"):
        assert kept in html, kept
    assert len(mail.outbox) == 6
    assert register(client, event, "autre@example.org").status_code == 302  # another address is not held back


@pytest.mark.parametrize("fields", [
    {"name": "Camille\r\nBcc: cible@example.org"},
    {"name": "Camille\nDupont"},
    {"email": "camille@example.org\nBcc: cible@example.org"},
    {"email": "camille\r\n@example.org"},
    {"organisation": "La Ruche\r\nSubject: gagné"},
    {"name": "Camille\x00"},
    {"consent": None},
    {"name": "   "},
])
def test_a_line_break_a_control_character_or_no_consent_is_a_form_error_never_an_e_mail(fields):
    event = make_event()
    values = {"name": "Camille", "email": "camille@example.org", "organisation": "", "consent": "on", **fields}
    answer = register(Client(), event, **values)
    assert answer.status_code == 400
    assert "Le formulaire contient" in answer.content.decode()
    assert not Registration.objects.exists() and not OutgoingMail.objects.exists() and mail.outbox == []


def test_without_a_limit_everyone_gets_a_place_and_a_cancelled_address_may_register_again():
    event = make_event(capacity=None)
    for index in range(3):
        registration_create(event=event, name="X", email=f"p{index}@example.org", consent=True)
    assert set(Registration.objects.values_list("status", flat=True)) == {"confirmee"}
    first = Registration.objects.get(email="p0@example.org")
    Client().post(f"/agenda/mon-inscription/{registration_token(first)}/annuler/")
    again, created = registration_create(event=event, name="X", email="P0@example.org", consent=True)
    assert created and again.status == "confirmee" and again.pk != first.pk


def test_names_and_addresses_are_erased_thirty_days_after_the_event_and_counts_stay(site):
    old = make_event(starts_at=site.now - timedelta(days=31), duration=60)
    recent = make_event(starts_at=site.now - timedelta(days=20))
    for event in (old, old, recent):
        make_registration(event, organisation="La Ruche")
    assert registrations_prune(now=site.now) == 2
    assert list(old.registrations.values_list("name", "email", "organisation", "status")) == [("", "", "", "confirmee")] * 2
    assert recent.registrations.get().email.endswith("@example.org")
    assert registrations_prune(now=site.now) == 0


def test_every_page_of_an_example_s_registration_carries_the_example_mark(site):
    event = make_event(is_example=True, starts_at=site.now + timedelta(days=2), duration=60)
    badge = '<span class="hub-badge hub-badge--example">Exemple</span>'
    client = Client()
    held, cancelled = make_registration(event), make_registration(event)
    token, gone = registration_token(held), registration_token(cancelled)
    client.post(f"/agenda/mon-inscription/{gone}/annuler/")
    pages = {"sent": client.get(f"/agenda/{event.slug}/inscription-envoyee/"),
             "registration": client.get(f"/agenda/mon-inscription/{token}/"),
             "cancel": client.get(f"/agenda/mon-inscription/{token}/annuler/"),
             "cancelled": client.get(f"/agenda/mon-inscription/{gone}/")}
    site += timedelta(days=3)
    pages["ended"] = client.get(f"/agenda/mon-inscription/{token}/")
    assert {name: (page.status_code, badge in page.content.decode()) for name, page in pages.items()} == {
        "sent": (200, True), "registration": (200, True), "cancel": (200, True), "cancelled": (410, True),
        "ended": (410, True)}
    assert 'href="/static/css/events.css"' in pages["cancel"].content.decode()
    plain = make_event()
    assert badge not in client.get(f"/agenda/{plain.slug}/inscription-envoyee/").content.decode()


def test_the_registration_pages_name_the_event_in_the_breadcrumb_and_never_put_a_comma_after_its_title():
    event = make_event(title="Hybrider ses ressources\u00a0: par où commencer\u202f?")
    token = registration_token(make_registration(event))
    agenda = '<li><a href="/agenda/">Agenda</a></li>'
    crumb = f'<li><a href="/agenda/{event.slug}/">Hybrider ses ressources\u00a0: par où commencer\u202f?</a></li>'
    client = Client()
    html = client.get(f"/agenda/mon-inscription/{token}/").content.decode()
    assert f'{agenda}{crumb}<li><span aria-current="page">Votre inscription</span></li>' in html
    cancel = client.get(f"/agenda/mon-inscription/{token}/annuler/").content.decode()
    assert (f'{agenda}{crumb}<li><a href="/agenda/mon-inscription/{token}/">Votre inscription</a></li>'
            '<li><span aria-current="page">Annuler</span></li>') in cancel
    for page in (html, cancel):
        assert "?</a>," not in page and "?," not in page
        assert "commencer\u202f?</a><br><time" in page or "commencer\u202f?<br><time" in page


def test_the_form_speaks_as_the_letter_s_and_opens_on_its_error_summary(site):
    event = make_event(starts_at=site.now + timedelta(hours=1))
    client = Client()
    assert f'action="/agenda/{event.slug}/#erreurs"' in client.get(f"/agenda/{event.slug}/").content.decode()
    empty = register(client, event, "", name="", consent=None)
    assert empty.status_code == 400
    html = empty.content.decode()
    assert '<div class="hub-alert hub-alert--error" role="alert" tabindex="-1" id="erreurs">' in html
    for shown in ("Indiquez votre nom.", "Indiquez votre adresse e-mail.", "Cochez cette case pour vous inscrire",
                  '<li><a href="#id_name">Nom et prénom</a></li>', '<li><a href="#id_email">Adresse e-mail</a></li>',
                  '<li><a href="#id_consent">Accord</a></li>',  # the checkbox keeps its sentence, the summary a word
                  '<label for="id_consent">J’accepte que le hub garde mon nom'):
        assert shown in html, shown
    assert "Ce champ est obligatoire" not in html
    invalid = register(client, event, "camille@").content.decode()
    assert "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." in invalid
    letter = client.post("/lettre/abonnement/", {"email": "camille@"}).content.decode()
    assert "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr." in letter
    assert '<li><a href="#id_consent">Accord</a></li>' in letter and '<label for="id_consent">J’accepte' in letter
    for page in (html, invalid, letter):
        assert "courriel" not in page
    site += timedelta(hours=1)  # started: the refusal takes the summary's place, and its focus
    closed = register(client, event, "camille@example.org").content.decode()
    assert '<p class="hub-alert" role="alert" tabindex="-1" id="erreurs">Les inscriptions sont closes' in closed
