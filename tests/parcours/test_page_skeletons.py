"""The step and parcours pages are rendered once per state and their person's note and CSRF token written in at
each request (core/personal_pages.py): the same page as a full render, and nothing of one person's on another's."""

import re

import pytest
from django.test import Client

from core import personal_pages
from parcours.models import Status
from parcours.services import progress_set_note, progress_set_status
from tests.factories import make_parcours, make_step

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
HOSTILE_NOTE = 'Budget <script>alert("x")</script> & « guillemets » \'simples\'\nsur deux lignes'


@pytest.fixture
def qualifier():
    parcours = make_parcours(slug="qualifier", title="Qualifier son modèle")
    for order in (1, 2, 3):
        make_step(parcours, order=order, slug=f"etape-{order}", title=f"Étape {order} du parcours", depth="decouverte")
    return parcours


def _full(client, url, monkeypatch):
    """The page rendered in full, as it is for a request with messages to show."""
    with monkeypatch.context() as patched:
        patched.setattr(personal_pages, "_has_messages", lambda request: True)
        return client.get(url)


def _same_page(client, url, monkeypatch):
    filled = client.get(url)
    client.get(url)  # the second one is written from the remembered skeleton
    remembered = client.get(url)
    full = _full(client, url, monkeypatch)
    assert filled.status_code == remembered.status_code == full.status_code == 200
    tokens = TOKEN.findall(remembered.content.decode())
    assert tokens, "the page has its forms and their CSRF token"
    for response in (filled, remembered):
        assert TOKEN.sub("TOKEN", response.content.decode()) == TOKEN.sub("TOKEN", full.content.decode())
        assert "hub-slot-" not in response.content.decode()
    assert remembered["Cache-Control"] == full["Cache-Control"] and remembered.get("Vary") == full.get("Vary")
    return remembered.content.decode()


@pytest.mark.parametrize("url", ["/parcours/qualifier/etape-2/", "/parcours/qualifier/"])
def test_a_remembered_page_is_the_full_page_with_the_persons_note_and_token(client, learner, qualifier, url,
                                                                             monkeypatch):
    steps = list(qualifier.steps.order_by("order"))
    progress_set_status(user=learner, step=steps[0], status=Status.DONE)
    progress_set_note(user=learner, step=steps[1], note=HOSTILE_NOTE)
    client.force_login(learner)
    html = _same_page(client, url, monkeypatch)
    if "etape-2" in url:
        assert "Budget &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; « guillemets » &#x27;simples&#x27;" in html
        assert "<script>alert" not in html


@pytest.mark.parametrize("url", ["/parcours/qualifier/etape-1/", "/parcours/qualifier/?niveau=decouverte"])
def test_a_visitors_remembered_page_is_their_full_page(qualifier, url, monkeypatch):
    visitor = Client()
    visitor.post("/parcours/qualifier/etape-1/notes/", {"note": "Une idée <b>à moi</b>"})
    visitor.get(url)  # the message « Vos notes sont enregistrées. » is shown once
    html = _same_page(visitor, url, monkeypatch)
    assert f"?next={url.replace('?', '%3F').replace('=', '%3D')}" in html  # log-in links come back to this address


def test_two_people_in_the_same_state_share_the_page_but_not_their_notes(client, learner, other_learner, qualifier):
    step = qualifier.steps.get(slug="etape-1")
    for person, note in ((learner, "Note privée d’Alice"), (other_learner, "Note de Bob")):
        progress_set_status(user=person, step=step, status=Status.IN_PROGRESS)
        progress_set_note(user=person, step=step, note=note)
    client.force_login(learner)
    assert "Note privée d’Alice" in client.get("/parcours/qualifier/etape-1/").content.decode()
    client.force_login(other_learner)
    html = client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "Note de Bob" in html and "Alice" not in html
    progress_set_note(user=other_learner, step=step, note="")
    html = client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "Note de Bob" not in html and "Alice" not in html
    assert '<textarea name="note"' in html and "\n</textarea>" in html


def test_a_note_that_looks_like_a_slot_is_shown_as_typed(client, learner, qualifier):
    step = qualifier.steps.get(slug="etape-1")
    typed = personal_pages.slot("note") + personal_pages.slot("csrf")
    progress_set_note(user=learner, step=step, note=typed)
    client.force_login(learner)
    for _ in range(2):
        html = client.get("/parcours/qualifier/etape-1/").content.decode()
        assert f"\n{typed}</textarea>" in html


def test_the_token_written_in_is_accepted(learner, qualifier):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    for _ in range(2):  # the full page, then the remembered one
        html = client.get("/parcours/qualifier/etape-1/").content.decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        response = client.post("/parcours/qualifier/etape-1/notes/", {"note": "Écrite", "csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert client.post("/parcours/qualifier/etape-1/notes/", {"note": "Sans jeton"}).status_code == 403


def test_a_message_is_shown_once_then_the_page_is_remembered_again(learner_client, qualifier):
    learner_client.post("/parcours/qualifier/etape-1/statut/", {"statut": Status.IN_PROGRESS})
    assert "en cours" in learner_client.get("/parcours/qualifier/etape-1/").content.decode().split("hub-messages")[1]
    assert "hub-messages" not in learner_client.get("/parcours/qualifier/etape-1/").content.decode()


def test_a_content_edit_and_a_new_status_show_at_once(learner_client, learner, qualifier):
    step = qualifier.steps.get(slug="etape-1")
    learner_client.get("/parcours/qualifier/etape-1/")
    step.title = "Étape une, renommée"
    step.save()
    assert "Étape une, renommée" in learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    progress_set_status(user=learner, step=step, status=Status.DONE)
    html = learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "Marquer comme terminée" not in html and "Remettre à faire" in html
    assert "1 sur 3 étapes" in learner_client.get("/parcours/qualifier/").content.decode()


def test_a_slot_name_is_letters_only():
    with pytest.raises(ValueError):
        personal_pages.slot("note-1")


def test_the_note_field_says_who_sees_it_and_its_limit_in_french(learner_client, qualifier):
    html = learner_client.get("/parcours/qualifier/etape-1/").content.decode()
    assert "Visibles par vous seul·e, en texte simple (5\u202f000 caractères au plus)." in html


def test_the_parcours_list_speaks_to_a_logged_in_person_as_one(learner_client, visitor, qualifier):
    assert "si vous en créez un" not in learner_client.get("/parcours/").content.decode()
    assert "gardées dans votre compte" in learner_client.get("/parcours/").content.decode()
    assert "si vous en créez un" in visitor.get("/parcours/").content.decode()
