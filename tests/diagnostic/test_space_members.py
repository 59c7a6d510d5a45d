"""The members page of a space: who is in it with which role, changing roles, removing a member, leaving, and the
rule that a space always keeps a responsable."""

import pytest
from django.test import Client

from diagnostic.models import Invitation, Membership, Organisation, SpaceEvent
from diagnostic.spaces import SpaceWithoutResponsable
from tests.factories import jardins_space, logged_client, make_member, make_organisation, make_space

pytestmark = pytest.mark.django_db

LAST_RESPONSABLE = SpaceWithoutResponsable.message


client_of = logged_client


@pytest.fixture
def space(learner):
    return jardins_space(learner)


def roles(space):
    return dict(Membership.objects.filter(organisation=space).values_list("user__username", "role"))


# The page


def test_responsable_sees_members_roles_and_the_invitation_form(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="lecteur")
    Invitation.objects.create(organisation=space, email="dan@example.org", role="contributeur", nonce="n",
                              expires_at="2099-01-01T00:00:00Z", invited_by=None)
    response = learner_client.get(f"/mon-modele/{space.pk}/membres/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alice Martin</strong> (vous)" in page
    assert "<strong>carol</strong> · carol@example.org" in page and "Lecteur·rice · membre depuis le" in page
    assert page.count('<select name="role"') == 2
    assert f'href="/mon-modele/{space.pk}/membres/{roles_pk(space, "carol")}/retirer/"' in page
    assert "dan@example.org" in page and "e-mail non parti" in page
    assert "Envoyer l’invitation" in page
    assert "Modifier les chiffres, le questionnaire et la cible" in page  # what the contributor role allows
    assert "un espace garde toujours au moins un·e responsable".lower() in page.lower()
    assert 'aria-current="page">Membres</a>' in page
    # Alice is its only responsable: she is told how to leave instead of being offered a button that would fail.
    assert f'href="/mon-modele/{space.pk}/quitter/"' not in page
    assert "Vous êtes le ou la seul·e responsable de l’espace" in page
    leave = learner_client.get(f"/mon-modele/{space.pk}/quitter/").content.decode()
    assert "confiez d’abord ce rôle à un autre membre" in leave and 'type="submit"' not in leave.split("<main")[1]


def roles_pk(space, username):
    return Membership.objects.get(organisation=space, user__username=username).pk


def test_reader_sees_the_members_but_neither_the_forms_nor_any_address(space, django_user_model):
    carol = make_member(django_user_model, "carol", space=space, role="lecteur")
    Invitation.objects.create(organisation=space, email="dan@example.org", role="contributeur", nonce="n",
                              expires_at="2099-01-01T00:00:00Z")
    page = client_of(carol).get(f"/mon-modele/{space.pk}/membres/").content.decode()
    assert "Alice Martin" in page and "<strong>carol</strong> (vous)" in page
    assert "@example.org" not in page  # a member without a name is the start of their address, to other members
    assert "<select" not in page and "Envoyer l’invitation" not in page and "retirer/" not in page
    assert "dan@example.org" not in page
    assert "Quitter l’espace" in page


@pytest.mark.parametrize("who", ["outsider", "anonymous", "invited", "removed"])
def test_people_outside_the_space_get_404_on_the_members_page(who, space, other_learner, django_user_model):
    client = Client()
    if who == "outsider":
        client.force_login(other_learner)
    elif who == "invited":
        Invitation.objects.create(organisation=space, email=other_learner.email, role="lecteur", nonce="n",
                                  expires_at="2099-01-01T00:00:00Z")
        client.force_login(other_learner)
    elif who == "removed":
        make_member(django_user_model, "eve", space=space).memberships.all().delete()
        client.force_login(django_user_model.objects.get(username="eve"))
    for url in [f"/mon-modele/{space.pk}/membres/", f"/mon-modele/{space.pk}/quitter/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Les Jardins partagés" not in response.content.decode()
    assert client.post(f"/mon-modele/{space.pk}/membres/", {"email": "x@example.org", "role": "lecteur"}).status_code == 404
    assert not Invitation.objects.filter(email="x@example.org").exists()


def test_the_owner_of_a_personal_diagnostic_is_sent_to_the_sharing_page(learner_client, learner):
    organisation = make_organisation(user=learner)
    response = learner_client.get(f"/mon-modele/{organisation.pk}/membres/")
    assert response.status_code == 302 and response["Location"] == f"/mon-modele/{organisation.pk}/partager/"
    response = learner_client.post(f"/mon-modele/{organisation.pk}/membres/", {"email": "x@example.org", "role": "lecteur"})
    assert response.status_code == 403


@pytest.mark.parametrize("members", [2, 12])
def test_members_page_query_count_does_not_grow_with_members(members, learner_client, space, django_user_model,
                                                              django_assert_num_queries):
    for index in range(members - 1):
        make_member(django_user_model, f"membre{index}", space=space, role="contributeur")
        Invitation.objects.create(organisation=space, email=f"invite{index}@example.org", role="lecteur",
                                  nonce="n", expires_at="2099-01-01T00:00:00Z", invited_by=space.memberships.first().user)
    with django_assert_num_queries(4):  # the session with its account, the space with the reader’s role, members, invitations
        response = learner_client.get(f"/mon-modele/{space.pk}/membres/")
    assert response.content.decode().count('class="hub-member"') == 2 * members - 1


# Roles


def test_responsable_changes_a_members_role(learner_client, space, django_user_model):
    carol = make_member(django_user_model, "carol", space=space, role="lecteur")
    response = learner_client.post(f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'carol')}/role/",
                                   {"role": "contributeur"}, follow=True)
    assert roles(space)["carol"] == "contributeur"
    assert "carol est désormais contributeur·rice de l’espace." in response.content.decode()
    assert SpaceEvent.objects.filter(organisation=space, summary__contains="contributeur·rice à carol").exists()
    assert carol  # the account is unchanged otherwise


def test_the_last_responsable_cannot_give_up_the_role(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="contributeur")
    response = learner_client.post(f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'alice')}/role/", {"role": "lecteur"})
    assert response.status_code == 400
    assert LAST_RESPONSABLE in response.content.decode() and "Rien n’a été modifié" in response.content.decode()
    assert roles(space) == {"alice": "responsable", "carol": "contributeur"}


def test_with_two_responsables_one_may_become_contributor(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="responsable")
    response = learner_client.post(f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'alice')}/role/",
                                   {"role": "contributeur"})
    assert response.status_code == 302
    assert roles(space) == {"alice": "contributeur", "carol": "responsable"}
    # Alice may no longer manage: the page shows no role selector to her.
    assert "<select" not in client_of(space.memberships.get(user__username="alice").user).get(
        f"/mon-modele/{space.pk}/membres/").content.decode()


@pytest.mark.parametrize("role", ["", "proprietaire", "admin", "x" * 300])
def test_an_unknown_role_gets_400_and_changes_nothing(role, learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="lecteur")
    response = learner_client.post(f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'carol')}/role/", {"role": role})
    assert response.status_code == 400
    assert "Choisissez l’un des rôles proposés." in response.content.decode()
    assert roles(space)["carol"] == "lecteur"


def test_a_member_of_another_space_is_not_found_through_this_one(learner_client, space, other_learner):
    elsewhere = make_space(responsable=other_learner)
    membership = elsewhere.memberships.get()
    assert learner_client.post(f"/mon-modele/{space.pk}/membres/{membership.pk}/role/", {"role": "lecteur"}).status_code == 404
    assert learner_client.get(f"/mon-modele/{space.pk}/membres/{membership.pk}/retirer/").status_code == 404
    assert learner_client.post(f"/mon-modele/{space.pk}/membres/{membership.pk}/retirer/").status_code == 404
    assert learner_client.post(f"/mon-modele/{space.pk}/membres/999999/role/", {"role": "lecteur"}).status_code == 404
    assert roles(elsewhere) == {"bob": "responsable"}


def test_changing_a_role_is_post_only(learner_client, space):
    assert learner_client.get(f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'alice')}/role/").status_code == 405


@pytest.mark.parametrize("role", ["contributeur", "lecteur"])
def test_contributors_and_readers_get_403_on_invite_role_and_remove(role, space, django_user_model):
    carol = make_member(django_user_model, "carol", space=space, role=role)
    client = client_of(carol)
    alice = roles_pk(space, "alice")
    base = f"/mon-modele/{space.pk}/membres"
    refused = [
        client.post(f"{base}/", {"email": "x@example.org", "role": "lecteur"}),
        client.post(f"{base}/{alice}/role/", {"role": "lecteur"}),
        client.get(f"{base}/{alice}/retirer/"),
        client.post(f"{base}/{alice}/retirer/"),
    ]
    assert [response.status_code for response in refused] == [403] * 4
    assert "est réservé au rôle responsable" in refused[0].content.decode()
    assert roles(space) == {"alice": "responsable", "carol": role}
    assert not Invitation.objects.exists()


# Removing a member


def test_removing_a_member_asks_first_then_removes_them(learner_client, space, django_user_model):
    carol = make_member(django_user_model, "carol", space=space, role="contributeur")
    url = f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'carol')}/retirer/"
    page = learner_client.get(url).content.decode()
    assert "Retirer carol de l’espace" in page and "restent dans l’espace" in page
    assert roles(space) == {"alice": "responsable", "carol": "contributeur"}
    response = learner_client.post(url, follow=True)
    assert "carol ne fait plus partie de l’espace." in response.content.decode()
    assert roles(space) == {"alice": "responsable"}
    assert client_of(carol).get(f"/mon-modele/{space.pk}/").status_code == 404
    assert client_of(carol).get(f"/mon-modele/{space.pk}/membres/").status_code == 404


def test_the_remove_address_of_oneself_leads_to_leaving(learner_client, space):
    response = learner_client.get(f"/mon-modele/{space.pk}/membres/{roles_pk(space, 'alice')}/retirer/")
    assert response.status_code == 302 and response["Location"] == f"/mon-modele/{space.pk}/quitter/"


# Leaving


def test_a_contributor_leaves_the_space(space, django_user_model):
    carol = make_member(django_user_model, "carol", space=space, role="contributeur")
    client = client_of(carol)
    page = client.get(f"/mon-modele/{space.pk}/quitter/").content.decode()
    assert "Quitter l’espace «\u202fLes Jardins partagés\u202f»" in page or "Quitter l’espace «&#8239;" in page
    assert roles(space)["carol"] == "contributeur"  # the GET changed nothing
    response = client.post(f"/mon-modele/{space.pk}/quitter/")
    assert response.status_code == 302 and response["Location"] == "/mon-modele/"
    assert "Vous avez quitté l’espace «\u00a0Les Jardins partagés\u00a0»." in client.get("/mon-modele/").content.decode()
    assert "carol" not in roles(space)
    assert SpaceEvent.objects.filter(organisation=space, actor=carol, summary="a quitté l’espace").exists()


def test_the_last_responsable_cannot_leave(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="contributeur")
    response = learner_client.post(f"/mon-modele/{space.pk}/quitter/")
    assert response.status_code == 400
    assert LAST_RESPONSABLE in response.content.decode()
    assert roles(space) == {"alice": "responsable", "carol": "contributeur"}


def test_a_responsable_leaves_when_another_remains(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="responsable")
    assert learner_client.post(f"/mon-modele/{space.pk}/quitter/").status_code == 302
    assert roles(space) == {"carol": "responsable"}


# Deleting one's account


def test_the_only_responsable_of_a_space_with_others_cannot_delete_their_account(learner_client, learner, space,
                                                                                django_user_model):
    make_member(django_user_model, "carol", space=space, role="contributeur")
    other = make_space(responsable=learner, name="La Ressourcerie", members=[(make_member(django_user_model, "dan"), "lecteur")])
    page = learner_client.get("/compte/suppression/").content.decode()
    message = ("Vous êtes le ou la seul·e responsable des espaces «\u00a0Les Jardins partagés\u00a0» et «\u00a0La "
               "Ressourcerie\u00a0», où d’autres personnes travaillent")
    assert message in page and 'name="password"' not in page
    assert f'href="/mon-modele/{space.pk}/membres/"' in page and f'href="/mon-modele/{other.pk}/membres/"' in page
    response = learner_client.post("/compte/suppression/", {"password": "pw-alice-123"})
    assert response.status_code == 400 and message in response.content.decode()
    assert django_user_model.objects.filter(username="alice").exists()
    assert roles(space) == {"alice": "responsable", "carol": "contributeur"}


def test_an_account_alone_in_its_spaces_goes_with_them_and_the_page_says_so_first(learner_client, learner, space):
    page = learner_client.get("/compte/suppression/").content.decode()
    assert "Vous êtes seul·e membre de cet espace partagé, qui sera supprimé" in page
    assert f'<a href="/mon-modele/{space.pk}/">Les Jardins partagés</a>' in page
    response = learner_client.post("/compte/suppression/", {"password": "pw-alice-123"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=space.pk).exists()
    assert not learner.__class__.objects.filter(username="alice").exists()


def test_a_responsable_among_others_deletes_their_account_and_the_space_stays(learner_client, space, django_user_model):
    make_member(django_user_model, "carol", space=space, role="responsable")
    make_member(django_user_model, "dan", space=space, role="lecteur")
    page = learner_client.get("/compte/suppression/").content.decode()
    assert "seul·e membre" not in page and 'name="password"' in page
    assert learner_client.post("/compte/suppression/", {"password": "pw-alice-123"}).status_code == 302
    assert roles(space) == {"carol": "responsable", "dan": "lecteur"}


def test_a_contributor_deletes_their_account_and_leaves_the_space(space, django_user_model):
    carol = make_member(django_user_model, "carol", space=space, role="contributeur")
    assert client_of(carol).post("/compte/suppression/", {"password": "pw-carol-123"}).status_code == 302
    assert roles(space) == {"alice": "responsable"}
