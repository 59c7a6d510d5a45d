"""Invitations to a space: the e-mailed link, renewing and withdrawing it, and accepting it with a new account (sign-up
carries the link back), an existing one, or as a member already; links forged, expired, superseded or used up."""

import re
import smtplib
from datetime import UTC, datetime, timedelta
from unittest import mock
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from django.core import mail, signing
from django.test import Client
from django.utils import timezone

from diagnostic.invitations import TOKEN_SALT, InvitationRefused, invitation_accept, invitation_from_token, invitation_token
from diagnostic.models import Invitation, Membership, Organisation, SpaceEvent
from tests.factories import jardins_space, logged_client, make_member, make_space
from tests.parcours.test_concurrency import run_together
from tests.signup import confirmation_link, request_sign_up

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/invitation/[^/\s]+/)")
STRONG = "un-mot-de-passe-solide"


client_of = logged_client


@pytest.fixture
def space(learner):
    return jardins_space(learner)


def invite(client, space, email="dana@example.org", role="contributeur", **extra):
    return client.post(f"/mon-modele/{space.pk}/membres/", {"email": email, "role": role}, **extra)


def link_in(message):
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1)


def invited(learner_client, space, **kwargs):
    """Invite through the page; (the invitation, the path of the link e-mailed)."""
    sent = len(mail.outbox)
    assert invite(learner_client, space, **kwargs).status_code == 302
    assert len(mail.outbox) == sent + 1
    return Invitation.objects.get(organisation=space, email=kwargs.get("email", "dana@example.org")), link_in(mail.outbox[-1])


# Inviting


def test_inviting_e_mails_a_link_that_says_who_where_which_role_and_until_when(learner_client, space, settings):
    settings.HUB_SITE_URL = "https://hub.example.org"
    before = timezone.now()
    response = invite(learner_client, space, email="  Dana@Example.ORG ", role="lecteur", follow=True)
    assert "Invitation envoyée à dana@example.org." in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.email == "dana@example.org" and invitation.role == "lecteur"
    assert invitation.invited_by.username == "alice" and invitation.sent_at is not None
    assert timedelta(days=14) <= invitation.expires_at - before < timedelta(days=14, minutes=1)
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert message.subject == (
        "Alice Martin vous invite dans l’espace «\u00a0Les Jardins partagés\u00a0» sur le hub des modèles socio-économiques"
    )
    assert "comme lecteur·rice" in message.body and "- imprimer le dossier de gouvernance" in message.body
    assert "modifier les chiffres" not in message.body
    paris = timezone.localtime(invitation.expires_at, timezone=ZoneInfo("Europe/Paris"))
    assert f"{paris.day} " in message.body and f"{paris.hour} h {paris.minute:02d}" in message.body
    assert re.search(r"https://hub\.example\.org/invitation/[^/\s]+/", message.body)
    assert SpaceEvent.objects.filter(organisation=space, summary="a invité une personne comme lecteur·rice").exists()


def test_the_expiry_in_the_e_mail_is_in_paris_time(learner_client, space):
    # 22:30 UTC on 31 January is 23:30 in Paris; 14 days later: 14 February, 23 h 30.
    moment = datetime(2026, 1, 31, 22, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        invite(learner_client, space)
    assert "valable jusqu’au 14 février 2026 à 23 h 30" in mail.outbox[0].body


@pytest.mark.parametrize("fields, error", [
    ({"email": "", "role": "lecteur"}, "Indiquez l’adresse e-mail de la personne à inviter."),
    ({"email": "pas-une-adresse", "role": "lecteur"}, "Saisissez une adresse e-mail complète"),
    ({"email": "a" * 250 + "@example.org", "role": "lecteur"}, "254 caractères au plus."),
    ({"email": "dana@example.org", "role": "proprietaire"}, "Choisissez l’un des rôles proposés."),
    ({"email": "dana@example.org"}, "Choisissez un rôle."),
])
def test_a_bad_invitation_form_gets_400_with_its_errors(fields, error, learner_client, space):
    response = learner_client.post(f"/mon-modele/{space.pk}/membres/", fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page and 'id="erreurs"' in page
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_a_member_s_address_is_refused(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="lecteur")
    response = invite(learner_client, space, email="CAROL@example.org")
    assert response.status_code == 400
    assert "Cette adresse est déjà celle d’un membre de l’espace." in response.content.decode()
    assert not Invitation.objects.exists() and not mail.outbox


def test_inviting_the_same_address_again_renews_the_invitation_and_kills_the_first_link(learner_client, space):
    first, first_link = invited(learner_client, space, role="lecteur")
    second, second_link = invited(learner_client, space, role="responsable")
    assert first.pk == second.pk and first.nonce != second.nonce and second.role == "responsable"
    assert Invitation.objects.count() == 1
    response = Client().get(first_link)
    assert response.status_code == 410
    assert "remplacée par une invitation plus récente\u00a0: utilisez le lien du dernier e-mail reçu" in response.content.decode()
    assert Client().get(second_link).status_code == 200


def test_a_space_keeps_at_most_thirty_invitations_waiting(learner_client, space):
    for index in range(30):
        Invitation.objects.create(organisation=space, email=f"p{index}@example.org", role="lecteur", nonce="n",
                                  expires_at=timezone.now() + timedelta(days=1))
    response = invite(learner_client, space)
    assert response.status_code == 400
    assert "Un espace garde au plus 30 invitations en attente" in response.content.decode()
    assert Invitation.objects.count() == 30 and not mail.outbox
    # Renewing one of them is still possible.
    assert invite(learner_client, space, email="p3@example.org").status_code == 302


def test_when_the_e_mail_cannot_leave_the_invitation_is_kept_and_the_page_says_so(learner_client, space):
    with mock.patch("diagnostic.space_mail.send_mail", side_effect=smtplib.SMTPServerDisconnected("parti")):
        response = invite(learner_client, space, follow=True)
    page = response.content.decode()
    assert "L’invitation est enregistrée, mais l’e-mail n’a pas pu partir" in page
    assert "utilisez «\u00a0Renvoyer\u00a0» dans un moment" in page and "e-mail non parti" in page
    assert Invitation.objects.get().sent_at is None
    with mock.patch("diagnostic.space_mail.send_mail", side_effect=OSError("réseau")):
        response = learner_client.post(f"/mon-modele/{space.pk}/invitations/{Invitation.objects.get().pk}/renvoyer/")
    assert response.status_code == 302 and Invitation.objects.get().sent_at is None


# Renewing and withdrawing


def test_resending_sends_a_new_link_and_kills_the_previous_one(learner_client, space):
    invitation, old_link = invited(learner_client, space)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = learner_client.post(f"/mon-modele/{space.pk}/invitations/{invitation.pk}/renvoyer/", follow=True)
    assert "Invitation envoyée à dana@example.org." in response.content.decode()
    renewed = Invitation.objects.get()
    assert renewed.nonce != invitation.nonce and renewed.expires_at > timezone.now() + timedelta(days=13)
    assert Client().get(old_link).status_code == 410
    assert Client().get(link_in(mail.outbox[-1])).status_code == 200


def test_resending_is_post_only(learner_client, space):
    invitation, _ = invited(learner_client, space)
    assert learner_client.get(f"/mon-modele/{space.pk}/invitations/{invitation.pk}/renvoyer/").status_code == 405


def test_withdrawing_asks_first_then_the_link_stops_working(learner_client, space):
    invitation, link = invited(learner_client, space)
    url = f"/mon-modele/{space.pk}/invitations/{invitation.pk}/retirer/"
    page = learner_client.get(url).content.decode()
    assert "Retirer l’invitation de dana@example.org" in page and "ne fonctionnera plus" in page
    assert Invitation.objects.exists()
    response = learner_client.post(url, follow=True)
    assert "L’invitation de dana@example.org est retirée" in response.content.decode()
    assert not Invitation.objects.exists()
    response = Client().get(link)
    assert response.status_code == 410 and "a déjà servi ou a été retirée" in response.content.decode()
    assert SpaceEvent.objects.filter(organisation=space, summary="a retiré une invitation").exists()


@pytest.mark.parametrize("role", ["contributeur", "lecteur"])
def test_contributors_and_readers_get_403_on_resend_and_withdraw(role, learner_client, space, django_user_model):
    invitation, _ = invited(learner_client, space)
    client = client_of(make_member(django_user_model, "carol", space=space, role=role))
    base = f"/mon-modele/{space.pk}/invitations/{invitation.pk}"
    assert client.post(f"{base}/renvoyer/").status_code == 403
    assert client.get(f"{base}/retirer/").status_code == 403
    assert client.post(f"{base}/retirer/").status_code == 403
    assert Invitation.objects.get().nonce == invitation.nonce


def test_an_invitation_of_another_space_is_not_found_through_this_one(learner_client, space, other_learner):
    elsewhere = make_space(responsable=other_learner)
    foreign = Invitation.objects.create(organisation=elsewhere, email="x@example.org", role="lecteur", nonce="n",
                                        expires_at=timezone.now() + timedelta(days=1))
    base = f"/mon-modele/{space.pk}/invitations/{foreign.pk}"
    assert learner_client.post(f"{base}/renvoyer/").status_code == 404
    assert learner_client.get(f"{base}/retirer/").status_code == 404
    assert learner_client.post(f"{base}/retirer/").status_code == 404
    assert learner_client.post(f"/mon-modele/{space.pk}/invitations/999999/renvoyer/").status_code == 404
    assert Invitation.objects.get().nonce == "n" and not mail.outbox


# Opening the link


def test_an_anonymous_visitor_sees_the_invitation_and_how_to_get_an_account(learner_client, space):
    invitation, link = invited(learner_client, space)
    response = Client().get(link)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rejoindre l’espace «&#8239;Les Jardins partagés&#8239;»" in page
    assert "Alice Martin vous invite" in page and "comme contributeur·rice" in page
    assert f'href="/compte/inscription/?next={quote(link)}"' in page
    assert f'href="/compte/connexion/?next={quote(link)}"' in page
    assert "Toute personne connectée qui détient ce lien peut rejoindre l’espace" in page
    assert Invitation.objects.get().nonce == invitation.nonce and Membership.objects.count() == 1  # GET changed nothing


def test_opening_the_link_logged_in_changes_nothing_until_the_button(learner_client, space, other_learner):
    _, link = invited(learner_client, space)
    bob = client_of(other_learner)
    page = bob.get(link).content.decode()
    assert "Rejoindre l’espace</button>" in page
    assert "Vous êtes connecté·e comme <strong>bob@example.org</strong>" in page
    assert "même si l’invitation a été envoyée à une autre adresse" in page
    assert not Membership.objects.filter(user=other_learner).exists() and Invitation.objects.exists()


def test_an_anonymous_post_on_the_link_goes_to_the_log_in_page(learner_client, space):
    _, link = invited(learner_client, space)
    response = Client().post(link)
    assert response.status_code == 302 and response["Location"] == f"/compte/connexion/?next={quote(link)}"
    assert Invitation.objects.exists()


def test_an_existing_account_accepts_joins_with_the_role_and_the_inviter_is_told(learner_client, space, other_learner):
    _, link = invited(learner_client, space, role="lecteur")
    bob = client_of(other_learner)
    response = bob.post(link)
    assert response.status_code == 302 and response["Location"] == f"/mon-modele/{space.pk}/"
    assert Membership.objects.get(user=other_learner).role == "lecteur"
    assert not Invitation.objects.exists()
    assert "Bienvenue dans l’espace «\u00a0Les Jardins partagés\u00a0»\u00a0: vous en êtes lecteur·rice." in bob.get(
        response["Location"]).content.decode()
    assert SpaceEvent.objects.filter(
        organisation=space, actor=other_learner,
        summary="a rejoint l’espace comme lecteur·rice, invité·e par Alice Martin").exists()
    notice = mail.outbox[-1]
    assert notice.to == ["alice@example.org"]
    assert notice.subject == "bob@example.org a rejoint l’espace «\u00a0Les Jardins partagés\u00a0»"
    assert f"/mon-modele/{space.pk}/membres/" in notice.body


def test_a_new_person_signs_up_from_the_link_and_lands_back_on_it(learner_client, space):
    _, link = invited(learner_client, space)
    dana = Client()
    signup = f"/compte/inscription/?next={quote(link)}"
    page = dana.get(signup).content.decode()
    assert f'name="next" value="{link}"' in page
    fields = {"email": "dana@example.org", "display_name": "Dana Dupont", "password1": STRONG, "password2": STRONG,
              "next": link}
    path = confirmation_link(request_sign_up(dana, fields, url=signup))[1]
    assert "next=" in path
    assert dana.get(path).status_code == 200
    response = dana.post(path)
    assert response.status_code == 302 and response["Location"] == link
    assert "Rejoindre l’espace</button>" in dana.get(link).content.decode()
    response = dana.post(link)
    assert response["Location"] == f"/mon-modele/{space.pk}/"
    assert Membership.objects.get(user__email="dana@example.org").role == "contributeur"
    assert dana.get(f"/mon-modele/{space.pk}/").status_code == 200


def test_an_existing_account_logs_in_from_the_link_and_lands_back_on_it(learner_client, space, other_learner):
    _, link = invited(learner_client, space)
    bob = Client()
    response = bob.post(f"/compte/connexion/?next={quote(link)}", {"username": "bob", "password": "pw-bob-123",
                                                                      "next": link})
    assert response.status_code == 302 and response["Location"] == link


def test_a_member_already_keeps_their_role_and_the_link_is_used_up(learner_client, space, django_user_model):
    _, link = invited(learner_client, space, email="carol@example.org", role="lecteur")
    carol = client_of(make_member(django_user_model, "carol", space=space, role="contributeur"))
    assert "Vous êtes déjà membre de cet espace, comme contributeur·rice" in carol.get(link).content.decode()
    response = carol.post(link, follow=True)
    assert "Vous étiez déjà membre de l’espace «\u00a0Les Jardins partagés\u00a0»\u00a0: votre rôle (contributeur·rice) est " \
        "inchangé." in response.content.decode()
    assert Membership.objects.get(user__username="carol").role == "contributeur"
    assert not Invitation.objects.exists()


def test_two_acceptances_of_one_link_make_one_membership(learner_client, space, other_learner, django_user_model):
    _, link = invited(learner_client, space)
    bob = client_of(other_learner)
    assert bob.post(link).status_code == 302
    again = bob.post(link, follow=True)  # the link is used up: its member is shown the way in
    assert again.status_code == 200 and again.redirect_chain[-1][0] == f"/mon-modele/{space.pk}/"
    assert "Vous êtes membre de l’espace «\u00a0Les Jardins partagés\u00a0» (contributeur·rice)\u00a0: ce lien a déjà " \
        "servi." in again.content.decode()
    eve = client_of(make_member(django_user_model, "eve"))
    response = eve.post(link)
    assert response.status_code == 410 and "a déjà servi ou a été retirée" in response.content.decode()
    assert sorted(Membership.objects.values_list("user__username", flat=True)) == ["alice", "bob"]


def test_an_acceptance_racing_a_used_link_keeps_one_membership(learner_client, space, other_learner):
    """The service itself, called twice with the invitation read before either ran: the second finds it gone."""
    invitation, link = invited(learner_client, space)
    stale = invitation_from_token(link.split("/")[2])
    first = invitation_accept(invitation=stale, user=other_learner)
    second = invitation_accept(invitation=stale, user=other_learner)
    assert first[1] is True and second == (first[0], False)
    assert Membership.objects.filter(user=other_learner).count() == 1


def test_the_notice_to_the_inviter_never_blocks_the_acceptance(learner_client, space, other_learner):
    _, link = invited(learner_client, space)
    with mock.patch("diagnostic.space_mail.send_mail", side_effect=smtplib.SMTPException("refusé")):
        response = client_of(other_learner).post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=other_learner).exists()


# Links that do not work


@pytest.mark.parametrize("token", [
    "nimporte-quoi", "eyJpIjoxLCJuIjoiYSJ9:1abcde:ZmF1c3Nl", "a" * 300, "%00", "..",
])
def test_a_forged_or_garbled_link_gets_404_with_what_to_do(token, learner_client, space):
    invited(learner_client, space)
    response = Client().get(f"/invitation/{token}/")
    assert response.status_code == 404
    assert "Ce lien d’invitation n’est pas valide" in response.content.decode()
    assert client_of(space.memberships.get().user).post(f"/invitation/{token}/").status_code == 404


@pytest.mark.parametrize("payload", [{"i": "1", "n": "x"}, {"i": 1}, [1, "x"], "texte", {"i": 1, "n": 5}])
def test_a_signed_link_with_a_wrong_payload_counts_as_forged(payload):
    with pytest.raises(InvitationRefused) as refused:
        invitation_from_token(signing.dumps(payload, salt=TOKEN_SALT))
    assert refused.value.reason == InvitationRefused.FORGED and refused.value.status == 404


def test_a_link_signed_for_something_else_counts_as_forged(learner_client, space):
    invitation, _ = invited(learner_client, space)
    token = signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt="autre-chose")
    assert Client().get(f"/invitation/{token}/").status_code == 404


def test_an_expired_link_gets_410_naming_the_date_and_whom_to_ask(learner_client, space, other_learner):
    invitation, link = invited(learner_client, space)
    later = invitation.expires_at + timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = client_of(other_learner).get(link)
        refused_post = client_of(other_learner).post(link)
    page = response.content.decode()
    assert response.status_code == 410 and refused_post.status_code == 410
    expiry = timezone.localtime(invitation.expires_at)
    assert f"a expiré le {expiry.day} " in page and "demandez une nouvelle invitation à Alice Martin" in page
    assert not Membership.objects.filter(user=other_learner).exists()


def test_an_expired_invitation_is_marked_on_the_members_page(learner_client, space):
    invitation, _ = invited(learner_client, space)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert "expirée le" in learner_client.get(f"/mon-modele/{space.pk}/membres/").content.decode()


def test_a_link_whose_space_was_deleted_is_used_up(learner_client, space):
    _, link = invited(learner_client, space)
    Organisation.objects.filter(pk=space.pk).delete()
    assert Client().get(link).status_code == 410


def test_the_token_names_the_invitation_and_its_nonce(learner_client, space):
    invitation, link = invited(learner_client, space)
    assert link == f"/invitation/{invitation_token(Invitation.objects.get(pk=invitation.pk))}/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only(reason="SQLite lets one writer at a time: the sequential tests above cover it")
def test_two_people_racing_on_one_link_make_one_membership(learner, other_learner, django_user_model):
    space = make_space(responsable=learner)
    responsable = client_of(learner)
    _, link = invited(responsable, space)
    eve = make_member(django_user_model, "eve")
    clients = [client_of(other_learner), client_of(other_learner), client_of(eve), client_of(eve)]
    results, errors = run_together(lambda i: clients[i].post(link).status_code, count=4)
    assert errors == []
    joined = list(Membership.objects.exclude(user=learner).values_list("user__username", flat=True))
    assert len(joined) == 1
    # The winner's two tabs both land in the space; the other person's both learn the link is used up.
    winner = 0 if joined == ["bob"] else 2
    assert results[winner:winner + 2] == [302, 302]
    assert results[2 - winner:4 - winner] == [410, 410]


def test_the_sign_up_form_reached_from_an_invitation_starts_from_the_invited_address(learner_client, learner):
    space = make_space(responsable=learner)
    _, link = invited(learner_client, space)
    page = Client().get(link).content.decode()
    signup = re.search(r'<a class="hub-button" href="(/compte/inscription/[^"]+)"', page)
    signup = signup.group(1).replace("&amp;", "&") if signup else ""
    assert "email=dana%40example.org" in signup
    form = Client().get(signup).content.decode()
    assert 'value="dana@example.org"' in form


def test_a_person_logged_in_with_the_invited_address_is_not_warned_about_another_one(learner_client, learner,
                                                                                     django_user_model):
    space = make_space(responsable=learner)
    _, link = invited(learner_client, space)
    dana = django_user_model.objects.create_user(username="dana", email="dana@example.org", password="pw-dana-123")
    client = Client()
    client.force_login(dana)
    page = client.get(link).content.decode()
    assert "l’adresse invitée" in page and "une autre adresse" not in page
