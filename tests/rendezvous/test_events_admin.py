"""Staff's agenda in the admin: the list with its counts, the registrations read only, the CSV export, « Écrire aux
inscrits » (queued once per person, sent by the job), a capacity raised, times the autumn night makes ambiguous.
Registrations are staff's only."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client

from rendezvous.models import Event, OutgoingMail
from rendezvous.registrations import registration_create
from tests.factories import make_event, make_registration
from tests.rendezvous.clock import freeze

pytestmark = pytest.mark.django_db

MESSAGE_ID = re.compile(r'name="message_id" value="([0-9a-f]{32})"')


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return freeze(monkeypatch)


@pytest.fixture
def event():
    event = make_event(title="Hybrider ses ressources", slug="hybrider", capacity=2)
    make_registration(event, name="=HYPERLINK(\"http://x\")", email="alix@example.org", organisation="La Ruche; Rennes")
    make_registration(event, name="Sam Petit", email="sam@example.org")
    make_registration(event, name="Noé Attente", email="noe@example.org", status="attente")
    make_registration(event, name="", email="", status="annulee")
    return event


def test_the_list_counts_places_and_the_page_shows_registrations_read_only(staff_client, event):
    make_event(title="Sans limite", capacity=None)
    listing = staff_client.get("/admin/rendezvous/event/").content.decode()
    assert "Hybrider ses ressources" in listing
    assert '<td class="field-places">2 / 2 · 1 en attente</td>' in listing  # one column for both counts
    assert '<td class="field-places">0</td>' in listing
    assert "column-confirmed" not in listing and "column-waiting" not in listing
    page = staff_client.get(f"/admin/rendezvous/event/{event.pk}/change/").content.decode()
    assert "Sam Petit" in page and "noe@example.org" in page
    assert "Inscription annulée" in page and "Inscription annulée (annulée)" not in page
    assert "2 place(s) confirmée(s), 1 en liste d’attente" in page
    assert f'href="/admin/rendezvous/event/{event.pk}/inscriptions.csv"' in page
    assert 'name="registrations-0-name"' not in page  # nothing to type: people register on the site


def test_the_csv_export_lists_places_then_the_waiting_list_by_rank_as_a_french_spreadsheet_expects(staff_client, event):
    make_registration(event, name="Lou Ensuite", email="lou@example.org", status="attente")
    response = staff_client.get(f"/admin/rendezvous/event/{event.pk}/inscriptions.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="inscriptions-hybrider.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0] == ["Nom", "Adresse e-mail", "Organisation", "Statut", "Rang", "Inscription le", "Place obtenue le"]
    assert [row[:5] for row in rows[1:]] == [
        ["'=HYPERLINK(\"http://x\")", "alix@example.org", "La Ruche; Rennes", "Place confirmée", ""],  # a formula stays text
        ["Sam Petit", "sam@example.org", "", "Place confirmée", ""],
        ["Noé Attente", "noe@example.org", "", "En liste d’attente", "1"],
        ["Lou Ensuite", "lou@example.org", "", "En liste d’attente", "2"],
    ]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[1][5])


def test_writing_to_the_registered_queues_one_e_mail_per_place_once_and_the_job_sends_them(staff_client, event):
    form = staff_client.get(f"/admin/rendezvous/event/{event.pk}/ecrire/")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Le message part à <strong>2 personnes</strong>" in html
    # Laid out as the admin's forms: an aligned fieldset, one row a field, both fields wide.
    assert '<fieldset class="module aligned ">' in html and '<div class="form-row field-subject">' in html
    assert '<label class="required" for="id_subject">Objet\u00a0:</label>' in html
    assert html.count('class="vLargeTextField"') == 2
    message_id = MESSAGE_ID.search(html).group(1)
    fields = {"subject": "Le lien a changé", "text": "Bonjour,\nle lien de connexion change.", "message_id": message_id}
    sent = staff_client.post(f"/admin/rendezvous/event/{event.pk}/ecrire/", fields, follow=True)
    assert "2 e-mail(s) mis en file d’attente" in sent.content.decode()
    again = staff_client.post(f"/admin/rendezvous/event/{event.pk}/ecrire/", fields, follow=True)
    assert "Ce message était déjà en file d’attente" in again.content.decode()
    rows = OutgoingMail.objects.filter(key__startswith=f"event:{event.pk}:message:{message_id}:")
    assert sorted(rows.values_list("to", flat=True)) == ["alix@example.org", "sam@example.org"]
    assert mail.outbox == []  # queued, not sent by the page

    call_command("send_due", stdout=io.StringIO())
    assert sorted(message.to[0] for message in mail.outbox) == ["alix@example.org", "sam@example.org"]
    message = mail.outbox[0]
    assert message.subject == "Le lien a changé"
    assert message.body.startswith("Bonjour,\nle lien de connexion change.")
    assert "/agenda/mon-inscription/" in message.body and "«\u00a0Hybrider ses ressources\u00a0»" in message.body
    call_command("send_due", stdout=io.StringIO())
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("fields, error", [
    ({"subject": "Objet\r\nBcc: x@example.org", "text": "Texte"}, "sur une seule ligne"),
    ({"subject": "Objet", "text": "Texte", "message_id": "pas-un-identifiant"}, "rechargez la page"),
    ({"subject": "", "text": ""}, "Ce champ est obligatoire."),
])
def test_a_message_with_a_bad_field_is_refused_and_queues_nothing(staff_client, event, fields, error):
    response = staff_client.post(f"/admin/rendezvous/event/{event.pk}/ecrire/", {"message_id": "a" * 32, **fields})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not OutgoingMail.objects.exists()


def test_registrations_are_staff_only(client, learner, django_user_model, event):
    paths = [f"/admin/rendezvous/event/{event.pk}/inscriptions.csv", f"/admin/rendezvous/event/{event.pk}/ecrire/",
             f"/admin/rendezvous/event/{event.pk}/change/", "/admin/rendezvous/event/"]
    for who in (None, learner):
        visitor = Client()
        if who:
            visitor.force_login(who)
        for path in paths:
            response = visitor.get(path)
            assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), path
        assert visitor.post(paths[1], {"subject": "x", "text": "y", "message_id": "a" * 32}).status_code == 302
    # A member of staff allowed to see events but not their registrations, nor to write to them.
    editor = django_user_model.objects.create_user(username="editrice", password="pw-editrice-1", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_event"))
    client.force_login(editor)
    assert client.get(paths[0]).status_code == 403
    assert client.get(paths[1]).status_code == 403
    assert not OutgoingMail.objects.exists()


def _admin_fields(event, **changes):
    fields = {
        "kind": event.kind, "title": event.title, "slug": event.slug, "status": event.status,
        "starts_at_0": "14/01/2027", "starts_at_1": "14:00:00", "duration": str(event.duration),
        "format": event.format, "online_url": event.online_url, "place": event.place,
        "capacity": "" if event.capacity is None else str(event.capacity), "speakers": "",
        "description": event.description, "replay_url": "", "resources": "",
        "registrations-TOTAL_FORMS": "0", "registrations-INITIAL_FORMS": "0",
        "registrations-MIN_NUM_FORMS": "0", "registrations-MAX_NUM_FORMS": "0",
    }
    fields.update(changes)
    return fields


def test_raising_the_capacity_gives_the_new_places_to_the_waiting_list_in_order(staff_client, clock):
    event = make_event(capacity=1, starts_at=clock.now + timedelta(days=5))
    for name in ("a", "b", "c"):
        registration_create(event=event, name=name, email=f"{name}@example.org", consent=True)
    del mail.outbox[:]
    response = staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/", _admin_fields(event, capacity="2"),
                                 follow=True)
    assert "1 personne(s) de la liste d’attente ont reçu une place" in response.content.decode()
    assert dict(event.registrations.values_list("email", "status")) == {
        "a@example.org": "confirmee", "b@example.org": "confirmee", "c@example.org": "attente"}
    assert [message.to for message in mail.outbox] == [["b@example.org"]]
    assert mail.outbox[0].subject.startswith("Une place s’est libérée")
    staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/", _admin_fields(event, capacity=""))
    assert set(event.registrations.values_list("status", flat=True)) == {"confirmee"}
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("day, time", [("31/10/2027", "02:30:00"), ("28/03/2027", "02:30:00")])
def test_the_admin_refuses_a_time_the_change_of_hour_makes_ambiguous_or_impossible(staff_client, day, time):
    event = make_event()
    response = staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/",
                                 _admin_fields(event, starts_at_0=day, starts_at_1=time))
    assert response.status_code == 200
    assert "n’a pas pu être interprétée dans le fuseau horaire Europe/Paris\u00a0; elle est peut-être ambigüe ou elle " \
           "n’existe pas." in response.content.decode()


def test_the_admin_validates_format_addresses_and_reserved_slugs(staff_client):
    event = make_event()
    response = staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/", _admin_fields(
        event, online_url="javascript:alert(1)", replay_url="ftp://example.org/x", slug="passes"))
    html = response.content.decode()
    assert "Saisissez une URL valide." in html  # javascript: is no web address at all
    assert html.count("commence par https:// ou http://") == 1  # ftp: is one, but not for a browser
    assert "est une adresse de l’agenda" in html
    response = staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/", _admin_fields(
        event, format="sur_place", online_url="", place=" "))
    assert "Un rendez-vous sur place a besoin de son adresse." in response.content.decode()
    response = staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/", _admin_fields(event, online_url=""))
    assert "Un rendez-vous en ligne a besoin de son lien de connexion." in response.content.decode()
    saved = staff_client.post(f"/admin/rendezvous/event/{event.pk}/change/", _admin_fields(event, duration="120"))
    assert saved.status_code == 302
    event = Event.objects.get(pk=event.pk)
    assert (event.ends_at - event.starts_at) == timedelta(minutes=120)


def test_a_slug_left_empty_is_made_from_the_title_with_elisions_as_hyphens(staff_client):
    fields = _admin_fields(make_event(), title="Atelier d’essai\u00a0: l’équilibre", slug="")
    page = staff_client.get("/admin/rendezvous/event/add/").content.decode()
    assert "#id_slug" not in page  # no prepopulating script: it would glue « dessai »
    assert "Laissé vide, il est tiré du titre" in page
    assert staff_client.post("/admin/rendezvous/event/add/", fields).status_code == 302
    assert Event.objects.filter(slug="atelier-d-essai-l-equilibre").exists()
    again = staff_client.post("/admin/rendezvous/event/add/", fields)  # the same title: the same slug, refused
    assert again.status_code == 200 and "Identifiant d’adresse existe déjà" in again.content.decode()
    nothing = staff_client.post("/admin/rendezvous/event/add/", {**fields, "title": "???"})
    assert "Le titre ne donne aucun identifiant" in nothing.content.decode()
    assert Event.objects.count() == 2
