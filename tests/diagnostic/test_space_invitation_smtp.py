"""An invitation through a real SMTP exchange: the test starts a mail server (aiosmtpd) on 127.0.0.1, the page sends
to it with Django's SMTP backend, and the link read from the message received is followed and accepted. Then a
mail server that is not there: the page says the e-mail did not leave, and « Renvoyer » works once it is back."""

import re

import pytest
from aiosmtpd.controller import Controller
from django.test import Client

from diagnostic.models import Invitation, Membership
from tests.factories import make_space
from tests.smtp import Mailbox, free_port, smtp_to

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/invitation/[^/\s]+/)")


def test_an_invitation_travels_through_a_real_mail_server_and_is_accepted(mail_server, learner, learner_client,
                                                                         other_learner):
    port, mailbox = mail_server
    space = make_space(responsable=learner, name="Les Jardins partagés")
    with smtp_to(port):
        response = learner_client.post(f"/mon-modele/{space.pk}/membres/", {"email": "bob@example.org", "role": "lecteur"},
                                       follow=True)
        assert "Invitation envoyée à bob@example.org." in response.content.decode()
        recipients, message = mailbox.messages[0]
        assert recipients == ["bob@example.org"]
        assert "«\u00a0Les Jardins partagés\u00a0»" in message["Subject"]
        body = message.get_content()
        assert "comme lecteur·rice" in body
        link = LINK.search(body).group(1)
        bob = Client()
        bob.force_login(other_learner)
        assert "Rejoindre l’espace</button>" in bob.get(link).content.decode()
        response = bob.post(link)
        assert response.status_code == 302 and response["Location"] == f"/mon-modele/{space.pk}/"
        # The word to the inviter went through the same server.
        assert [recipients for recipients, _ in mailbox.messages] == [["bob@example.org"], ["alice@example.org"]]
    assert Membership.objects.get(user=other_learner).role == "lecteur"
    assert not Invitation.objects.exists()


def test_with_no_mail_server_the_invitation_waits_and_resend_works_once_it_is_back(learner, learner_client):
    space = make_space(responsable=learner)
    with smtp_to(free_port()):  # nothing listens there
        response = learner_client.post(f"/mon-modele/{space.pk}/membres/", {"email": "dana@example.org", "role": "lecteur"},
                                       follow=True)
    page = response.content.decode()
    assert "L’invitation est enregistrée, mais l’e-mail n’a pas pu partir" in page and "e-mail non parti" in page
    invitation = Invitation.objects.get()
    assert invitation.sent_at is None
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test")
    controller.start()
    try:
        with smtp_to(controller.port):
            response = learner_client.post(f"/mon-modele/{space.pk}/invitations/{invitation.pk}/renvoyer/", follow=True)
    finally:
        controller.stop()
    assert "Invitation envoyée à dana@example.org." in response.content.decode()
    assert len(mailbox.messages) == 1 and mailbox.messages[0][0] == ["dana@example.org"]
    assert Invitation.objects.get().sent_at is not None
    link = LINK.search(mailbox.messages[0][1].get_content()).group(1)
    assert Client().get(link).status_code == 200
