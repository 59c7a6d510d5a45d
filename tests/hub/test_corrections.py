"""Readers' corrections: « Signaler une erreur ou proposer une correction » on a fiche (hub.views.corrections), kept
for the editors and never published; the admin page that shows them beside the fiche; the e-mails erased."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from resources import models as m
from tests.factories import make_fiche

pytestmark = pytest.mark.django_db

VALID = {"message": "Le seuil a changé en 2024.", "proposed_text": "Le seuil est de 10\u00a0000\u00a0€.",
         "email": " Lectrice@Example.org ", "site_web": ""}


@pytest.fixture
def fiche():
    return make_fiche(slug="mecenat", title="Le mécénat", chapeau="Donner sans contrepartie.",
                      body="## Le principe\n\nUne réduction d’impôt de **60\u00a0%**.")


def test_a_reader_without_account_sends_a_correction_that_is_stored_but_never_shown(fiche, visitor, mailoutbox):
    page = visitor.get("/fiches/mecenat/").content.decode()
    assert 'href="/fiches/mecenat/corriger/"' in page and "signaler une erreur ou proposer une correction" in page
    form = visitor.get("/fiches/mecenat/corriger/")
    html = form.content.decode()
    assert form.status_code == 200 and "csrfmiddlewaretoken" in html and "<h1>" in html
    assert "seulement pour vous répondre" in html  # what the e-mail is for

    response = visitor.post("/fiches/mecenat/corriger/", VALID)
    assert response.status_code == 302 and response["Location"] == "/fiches/mecenat/corriger/merci/"
    assert "Merci pour votre correction" in visitor.get(response["Location"]).content.decode()
    correction = m.Correction.objects.get()
    assert (correction.fiche, correction.message, correction.proposed_text, correction.email, correction.status) == (
        fiche, VALID["message"], VALID["proposed_text"], "lectrice@example.org", m.Correction.Status.NEW)
    assert VALID["message"] not in visitor.get("/fiches/mecenat/").content.decode()
    assert mailoutbox == []


def test_a_robot_that_fills_the_hidden_field_is_thanked_and_nothing_is_stored(fiche, visitor):
    response = visitor.post("/fiches/mecenat/corriger/", {**VALID, "site_web": "https://spam.example"})
    assert response.status_code == 302 and not m.Correction.objects.exists()


def test_the_eleventh_correction_in_an_hour_from_one_network_gets_429_with_the_typed_text_kept(fiche, client):
    for _ in range(10):
        assert client.post("/fiches/mecenat/corriger/", VALID, REMOTE_ADDR="203.0.113.7").status_code == 302
    response = client.post("/fiches/mecenat/corriger/", {**VALID, "message": "Mon texte à garder"},
                           REMOTE_ADDR="203.0.113.7")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Trop de corrections envoyées depuis votre connexion" in html and "Mon texte à garder</textarea>" in html
    assert m.Correction.objects.count() == 10
    assert client.post("/fiches/mecenat/corriger/", VALID, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_a_draft_or_unknown_fiche_gives_404(visitor, staff_client):
    make_fiche(slug="brouillon", status=m.Fiche.Status.DRAFT, published_at=None)
    for url in ("/fiches/brouillon/corriger/", "/fiches/inconnue/corriger/", "/fiches/brouillon/corriger/merci/"):
        assert visitor.get(url).status_code == 404, url
        assert visitor.post(url, VALID).status_code in (404, 405), url
    assert staff_client.get("/fiches/brouillon/corriger/").status_code == 404
    assert "corriger" not in staff_client.get("/fiches/brouillon/").content.decode()  # no link on a draft
    assert not m.Correction.objects.exists()


@pytest.mark.parametrize("fields, error", [
    ({"message": ""}, "Décrivez l’erreur ou ce qui manque."),
    ({"message": "x" * 3001}, "Le message dépasse 3\u00a0000\u00a0caractères\u00a0: raccourcissez-le."),
    ({"proposed_text": "x" * 10001}, "Le texte proposé dépasse 10\u00a0000\u00a0caractères"),
    ({"email": "pas-une-adresse"}, "Saisissez une adresse e-mail valide"),
], ids=["empty", "long-message", "long-text", "bad-email"])
def test_bad_fields_get_a_french_message_and_nothing_is_stored(fiche, visitor, fields, error):
    response = visitor.post("/fiches/mecenat/corriger/", {**VALID, **fields})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not m.Correction.objects.exists()


def test_the_admin_shows_the_fiche_text_beside_the_escaped_correction_new_ones_first(fiche, staff_client):
    old = m.Correction.objects.create(fiche=fiche, message="Ancienne, traitée.", status=m.Correction.Status.HANDLED)
    new = m.Correction.objects.create(fiche=fiche, message="<script>alert(1)</script> Le taux est faux.",
                                      proposed_text="<img src=x onerror=alert(2)>")
    listing = staff_client.get("/admin/resources/correction/").content.decode()
    assert listing.index("Le taux est faux") < listing.index("Ancienne, traitée.")
    assert "<script>alert(1)" not in listing
    assert staff_client.get("/admin/resources/correction/?status__exact=traitee").content.decode().count(
        "Ancienne, traitée.") == 1

    html = staff_client.get(f"/admin/resources/correction/{new.pk}/change/").content.decode()
    assert 'class="hub-correction-compare"' in html
    assert "Donner sans contrepartie." in html and "<h2>Le principe</h2>" in html  # the fiche, rendered
    assert f'href="/admin/resources/fiche/{fiche.pk}/change/"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Le taux est faux." in html and "<script>alert(1)" not in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html
    assert 'value="Marquer comme traitée"' in html
    assert 'value="Marquer comme traitée"' not in staff_client.get(
        f"/admin/resources/correction/{old.pk}/change/").content.decode()
    assert staff_client.get("/admin/resources/correction/add/").status_code == 403  # readers write them


def test_the_list_action_marks_corrections_handled_once(fiche, staff, staff_client):
    first, second = (m.Correction.objects.create(fiche=fiche, message=str(n)) for n in range(2))
    earlier = timezone.now() - datetime.timedelta(days=3)
    m.Correction.objects.filter(pk=second.pk).update(status=m.Correction.Status.HANDLED, handled_at=earlier)
    staff_client.post("/admin/resources/correction/", {"action": "mark_handled",
                                                       "_selected_action": [first.pk, second.pk]})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.handled_by) == (m.Correction.Status.HANDLED, staff)
    assert second.handled_at == earlier and second.handled_by is None  # already handled: left as it was


def test_prune_corrections_erases_emails_30_days_after_handling_and_keeps_the_rest(fiche, capsys):
    now = timezone.now()
    rows = {
        "old": dict(status=m.Correction.Status.HANDLED, handled_at=now - datetime.timedelta(days=31)),
        "recent": dict(status=m.Correction.Status.HANDLED, handled_at=now - datetime.timedelta(days=29)),
        "new": dict(),
    }
    made = {key: m.Correction.objects.create(fiche=fiche, message=key, email=f"{key}@example.org", **values)
            for key, values in rows.items()}
    call_command("prune_corrections")
    assert capsys.readouterr().out.strip() == "1 adresse effacée."
    emails = {key: m.Correction.objects.get(pk=row.pk).email for key, row in made.items()}
    assert emails == {"old": "", "recent": "recent@example.org", "new": "new@example.org"}
