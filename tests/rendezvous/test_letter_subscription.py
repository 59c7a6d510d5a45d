"""Subscribing to « La lettre »: double opt-in, one answer whatever the address, a rate limit, signed links that
expire, unsubscribing that deletes the row, and requests nobody confirmed forgotten after 7 days."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rendezvous.letter import UNSUBSCRIBE_PURPOSE
from rendezvous.letter_subscriptions import CONFIRM_PURPOSE
from rendezvous.models import LetterSubscriber, MailStatus, OutgoingMail
from rendezvous.outbox import mail_queue
from rendezvous.tokens import token_make
from tests.rendezvous.letter_helpers import (
    UNSUBSCRIBE_LINK,
    html_of,
    link_in,
    make_subscriber,
    send_due,
)
from tests.wsgi_server import wsgi_server

pytestmark = pytest.mark.django_db

FORM = "/lettre/abonnement/"
DONE = "/lettre/abonnement/envoye/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def subscribe(client, email="ines@example.org", **fields):
    return client.post(FORM, {"email": email, "consent": "on", **fields})


def test_subscribing_takes_a_confirmation_by_post_from_the_link_of_the_email(visitor):
    response = subscribe(visitor, "  Ines@Example.org ")
    assert response.status_code == 302 and response["Location"] == DONE
    assert "Consultez votre messagerie" in visitor.get(DONE).content.decode()
    subscriber = LetterSubscriber.objects.get()
    assert (subscriber.email, subscriber.confirmed_at) == ("ines@example.org", None)
    [message] = mail.outbox
    assert message.to == ["ines@example.org"] and message.subject == "Confirmez votre abonnement à la lettre du hub"
    link = link_in(message)
    assert f'href="http://testserver{link}"' in html_of(message)

    # Opening the link (a person, or a mail scanner) shows a button and changes nothing.
    page = visitor.get(link).content.decode()
    assert "ines@example.org" in page and "Confirmer mon abonnement</button>" in page
    assert LetterSubscriber.objects.get().confirmed_at is None
    response = visitor.post(link, follow=True)
    assert response.redirect_chain == [("/lettre/abonnement/confirme/", 302)]
    assert "<h1>Abonnement confirmé</h1>" in response.content.decode()
    assert LetterSubscriber.objects.get().confirmed_at is not None
    # The link again: already confirmed, said so, no button.
    page = visitor.get(link).content.decode()
    assert "est déjà confirmé" in page and "</button>" not in page.split("<main")[1]


def test_confirming_needs_the_csrf_token():
    subscribe(Client())
    link = link_in(mail.outbox[0])
    assert Client(enforce_csrf_checks=True).post(link).status_code == 403
    assert LetterSubscriber.objects.get().confirmed_at is None


def _served(send, data):
    sent = len(mail.outbox)
    with CaptureQueriesContext(connection) as queries:
        answer = send("POST", FORM, data)
    during = mail.outbox[sent:]
    answer.iterable.close()  # the server closes the response: the work after it runs now
    return answer, [query["sql"] for query in queries], during


def test_the_answer_is_the_same_for_a_new_a_waiting_and_a_subscribed_address_and_only_the_email_differs():
    make_subscriber("abonnee@example.org")
    make_subscriber("attente@example.org", confirmed=False)
    served = []
    with wsgi_server() as send:
        for email in ("nouvelle@example.org", "attente@example.org", "abonnee@example.org"):
            served.append(_served(send, {"email": email, "consent": "on"}))
    shapes = {(answer.status, tuple(sorted(answer.headers)), answer.body) for answer, _, _ in served}
    assert len(shapes) == 1 and served[0][0].status == "302 Found" and served[0][0].header("Location") == DONE
    # While the visitor waited: the same queries (the rate limit's), none about subscribers, nothing sent.
    assert len({len(queries) for _, queries, _ in served}) == 1
    assert not [sql for _, queries, _ in served for sql in queries if "lettersubscriber" in sql.lower()]
    assert all(during == [] for _, _, during in served)
    new, waiting, subscribed = mail.outbox
    assert "Confirmez" in new.subject and "Confirmez" in waiting.subject
    assert subscribed.subject == "Vous êtes déjà abonné·e à la lettre du hub"
    assert UNSUBSCRIBE_LINK.search(subscribed.body) and "/lettre/confirmation/" not in subscribed.body
    assert LetterSubscriber.objects.filter(confirmed_at__isnull=False).count() == 1


def test_the_page_after_the_form_is_the_same_whether_the_address_is_known_or_not():
    make_subscriber("abonnee@example.org")
    pages = []
    for email in ("abonnee@example.org", "nouvelle@example.org"):
        response = Client().post(FORM, {"email": email, "consent": "on"}, follow=True)
        pages.append((response.status_code, response.redirect_chain, CSRF.sub("", response.content.decode())))
    assert pages[0] == pages[1]


def test_a_new_request_replaces_the_previous_link_and_gives_seven_more_days(visitor):
    subscribe(visitor)
    first = link_in(mail.outbox[0])
    LetterSubscriber.objects.update(created_at=timezone.now() - timedelta(days=6))
    subscribe(visitor)
    second = link_in(mail.outbox[1])
    assert first != second
    response = visitor.get(first)
    assert response.status_code == 404 and "remplacé par une demande plus récente" in response.content.decode()
    assert LetterSubscriber.objects.get().created_at > timezone.now() - timedelta(minutes=1)
    assert visitor.post(second).status_code == 302
    assert LetterSubscriber.objects.get().confirmed_at is not None


def _token_made_days_ago(monkeypatch, days, purpose, subscriber):
    past = time.time() - days * 86400
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: past)
        return token_make(purpose, subscriber.pk, subscriber.nonce)


def test_forged_links_are_404_and_expired_ones_410_with_what_to_do(visitor, monkeypatch):
    waiting = make_subscriber(confirmed=False)
    subscribed = make_subscriber()
    good = token_make(CONFIRM_PURPOSE, waiting.pk, waiting.nonce)
    forged = [good[:-3] + "xyz", "pas-un-jeton", token_make(UNSUBSCRIBE_PURPOSE, waiting.pk, waiting.nonce),
              token_make(CONFIRM_PURPOSE, waiting.pk, "0" * 32), token_make(CONFIRM_PURPOSE, "1", waiting.nonce),
              token_make(CONFIRM_PURPOSE, waiting.pk)]
    for token in forged:
        for method in (visitor.get, visitor.post):
            assert method(f"/lettre/confirmation/{token}/").status_code == 404, token
    expired = _token_made_days_ago(monkeypatch, 8, CONFIRM_PURPOSE, waiting)
    response = visitor.post(f"/lettre/confirmation/{expired}/")
    assert response.status_code == 410
    assert "Ce lien de confirmation a expiré (il vaut 7\u00a0jours)" in response.content.decode()
    within_its_week = _token_made_days_ago(monkeypatch, 6, CONFIRM_PURPOSE, waiting)
    assert visitor.post(f"/lettre/confirmation/{within_its_week}/").status_code == 302

    old = _token_made_days_ago(monkeypatch, 731, UNSUBSCRIBE_PURPOSE, subscribed)
    response = visitor.post(f"/lettre/desabonnement/{old}/")
    assert response.status_code == 410 and "utilisez celui d’une lettre plus récente" in response.content.decode()
    assert visitor.get(f"/lettre/desabonnement/{good}/").status_code == 404  # a confirmation link
    assert LetterSubscriber.objects.filter(pk=subscribed.pk).exists()


def test_the_rate_limit_answers_429_with_the_form_still_filled(visitor):
    for _ in range(6):
        assert subscribe(visitor, "ines@example.org").status_code == 302
    response = subscribe(visitor, "ines@example.org")
    page = response.content.decode()
    assert response.status_code == 429
    assert "Trop de demandes d’e-mail pour cette adresse ou depuis votre connexion\u00a0: par sécurité, réessayez" in page
    assert 'value="ines@example.org"' in page and re.search(r'name="consent" id="id_consent" required checked', page)
    assert len(mail.outbox) == 6


@pytest.mark.parametrize("fields, message", [
    ({"email": "ines@example.org"}, "Cochez la case pour accepter que nous gardions votre adresse."),
    ({"email": "", "consent": "on"}, "Indiquez votre adresse e-mail."),
    ({"email": "pas-une-adresse", "consent": "on"}, "Saisissez une adresse e-mail valide"),
    ({"email": "ines@example.org\nBcc: intrus@example.org", "consent": "on"}, "Saisissez une adresse e-mail valide"),
    ({"email": "ines@example.org\r\n", "consent": ["on", "on"], "autre": "x"}, None),
])
def test_bad_input_gets_a_400_with_a_clear_message_and_sends_nothing(visitor, fields, message):
    response = visitor.post(FORM, fields)
    if message is None:  # surrounding blanks are trimmed, repeated fields read once: a valid request
        assert response.status_code == 302
        return
    page = response.content.decode()
    assert response.status_code == 400 and message in page
    assert "Le formulaire contient 1 erreur" in page and "<title>Erreur" in page
    assert mail.outbox == [] and not LetterSubscriber.objects.exists()


def test_other_methods_are_refused(visitor):
    assert visitor.put(FORM).status_code == 405
    assert visitor.delete("/lettre/confirmation/x/").status_code == 405


# Unsubscribing ------------------------------------------------------------------------------------------------------


def test_unsubscribing_deletes_the_row_and_the_letters_not_sent_yet(visitor):
    subscriber = make_subscriber("ines@example.org")
    other = make_subscriber()
    token = token_make(UNSUBSCRIBE_PURPOSE, subscriber.pk, subscriber.nonce)
    for key, to in ((f"lettre:4:{subscriber.pk}", subscriber.email), (f"lettre:4:{other.pk}", other.email)):
        mail_queue(key=key, to=to, subject="La lettre", text="…")
    page = visitor.get(f"/lettre/desabonnement/{token}/").content.decode()
    assert "ines@example.org" in page and "Me désabonner</button>" in page
    assert LetterSubscriber.objects.filter(pk=subscriber.pk).exists()
    response = visitor.post(f"/lettre/desabonnement/{token}/", follow=True)
    assert response.redirect_chain == [("/lettre/", 302)]
    assert "Vous êtes désabonné·e\u00a0: votre adresse est effacée" in response.content.decode()
    assert not LetterSubscriber.objects.filter(email="ines@example.org").exists()
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [other.email]
    response = visitor.get(f"/lettre/desabonnement/{token}/")
    assert response.status_code == 404 and "déjà été désabonnée" in response.content.decode()
    assert Client(enforce_csrf_checks=True).post(
        f"/lettre/desabonnement/{token_make(UNSUBSCRIBE_PURPOSE, other.pk, other.nonce)}/").status_code == 403


def test_the_one_click_unsubscribe_of_mail_programs_works_without_a_form():
    subscriber = make_subscriber()
    token = token_make(UNSUBSCRIBE_PURPOSE, subscriber.pk, subscriber.nonce)
    url = f"/lettre/desabonnement/{token}/un-clic/"
    program = Client(enforce_csrf_checks=True)
    assert program.post(url, {"autre": "chose"}).status_code == 400
    response = program.get(url)
    assert response.status_code == 302 and response["Location"] == f"/lettre/desabonnement/{token}/"
    assert LetterSubscriber.objects.exists()
    response = program.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and not LetterSubscriber.objects.exists()
    assert program.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 404


def test_requests_nobody_confirmed_are_deleted_after_seven_days_by_the_job():
    stale = make_subscriber(confirmed=False, created_at=timezone.now() - timedelta(days=7, minutes=1))
    fresh = make_subscriber(confirmed=False, created_at=timezone.now() - timedelta(days=6))
    old_but_confirmed = make_subscriber(created_at=timezone.now() - timedelta(days=400))
    assert "Supprimés : 1 abonnement à la lettre jamais confirmé" in send_due()
    assert set(LetterSubscriber.objects.values_list("pk", flat=True)) == {fresh.pk, old_but_confirmed.pk}
    assert not LetterSubscriber.objects.filter(pk=stale.pk).exists()


def test_the_confirmation_email_leaves_through_the_outbox_once(visitor):
    subscribe(visitor)
    row = OutgoingMail.objects.get()
    assert row.key.startswith("lettre:confirmation:") and row.status == MailStatus.SENT
    send_due()
    assert len(mail.outbox) == 1
