import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from parcours import services
from accounts.models import Profile
from parcours.models import Enrolment, SavedFiche, StepProgress
from resources.models import ActorProfile, Region
from tests.factories import make_fiche, make_parcours, make_vocabulary
from tests.signup import sign_up

pytestmark = pytest.mark.django_db

User = get_user_model()

OFF_SITE = ["https://evil.example/", "//evil.example", "/\\evil.example"]


SIGNUP = {
    "email": "dana@example.org",
    "display_name": "Dana Dupont",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}


def _signup(client, url="/compte/inscription/", **overrides):
    """Only the form: a valid one is answered by « Consultez votre messagerie », whatever the address."""
    return client.post(url, {**SIGNUP, **overrides})


def _signup_and_confirm(client, url="/compte/inscription/", **overrides):
    return sign_up(client, {**SIGNUP, **overrides}, url=url)


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# Sign-up


def test_signup_page_shows_the_form(visitor):
    response = visitor.get("/compte/inscription/")
    assert response.status_code == 200
    assert 'name="password2"' in response.content.decode()


@pytest.mark.parametrize(
    "password1, password2, message",
    [
        ("Zq9!x", "Zq9!x", "Ce mot de passe est trop court"),
        ("password1234", "password1234", "Ce mot de passe est trop courant"),
        ("un-mot-de-passe-solide", "un-autre-mot-de-passe", "Les deux mots de passe ne sont pas identiques."),
    ],
    ids=["too-short", "too-common", "mismatch"],
)
def test_signup_with_a_bad_password_is_a_400_with_a_french_error(visitor, password1, password2, message):
    response = _signup(visitor, password1=password1, password2=password2)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email="dana@example.org").exists()


def test_signup_refuses_a_password_too_close_to_the_email(visitor):
    response = _signup(visitor, email="jeannemartin@example.org", password1="jeannemartin", password2="jeannemartin")
    assert response.status_code == 400
    assert "trop semblable" in response.content.decode()


def test_signup_activates_logs_in_creates_the_profile_and_goes_to_mon_espace(visitor):
    response = _signup_and_confirm(visitor)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    user = User.objects.get(email="dana@example.org")
    assert user.username == "dana@example.org"
    assert user.is_active
    assert Profile.objects.get(user=user).display_name == "Dana Dupont"
    assert _logged_in_user_id(visitor) == str(user.pk)


def test_signup_stores_the_email_in_lower_case(visitor):
    _signup_and_confirm(visitor, email="  Dana@Example.ORG ")
    assert User.objects.filter(email="dana@example.org", username="dana@example.org").exists()


def test_signup_redirects_to_a_safe_next_given_in_the_address(visitor):
    response = _signup_and_confirm(visitor, url="/compte/inscription/?next=/parcours/")
    assert response.status_code == 302
    assert response["Location"] == "/parcours/"


def test_signup_redirects_to_a_safe_next_given_in_the_form(visitor):
    response = _signup_and_confirm(visitor, next="/fiches/?levier=rh")
    assert response["Location"] == "/fiches/?levier=rh"


@pytest.mark.parametrize("target", OFF_SITE)
def test_signup_never_redirects_off_site(visitor, target):
    response = _signup_and_confirm(visitor, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_signup_page_never_carries_an_off_site_next(visitor, target):
    html = visitor.get("/compte/inscription/", {"next": target}).content.decode()
    assert "evil.example" not in html
    assert 'name="next" value="/mon-espace/"' in html


def test_signup_when_already_logged_in_goes_to_mon_espace(learner_client):
    response = learner_client.get("/compte/inscription/")
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


# Log-in and log-out


def test_login_with_the_email_in_any_case(visitor, learner):
    response = visitor.post("/compte/connexion/", {"username": "ALICE@Example.org", "password": "pw-alice-123"})
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"
    assert _logged_in_user_id(visitor) == str(learner.pk)


def test_login_with_a_wrong_password_is_a_400_with_a_message(visitor, learner):
    response = visitor.post("/compte/connexion/", {"username": "alice@example.org", "password": "pas-le-bon"})
    assert response.status_code == 400
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert _logged_in_user_id(visitor) is None


def test_login_with_an_unknown_email_is_a_400(visitor, learner):
    response = visitor.post("/compte/connexion/", {"username": "personne@example.org", "password": "pw-alice-123"})
    assert response.status_code == 400
    assert _logged_in_user_id(visitor) is None


def test_login_redirects_to_a_safe_next(visitor, learner):
    response = visitor.post(
        "/compte/connexion/?next=/parcours/", {"username": "alice@example.org", "password": "pw-alice-123"}
    )
    assert response["Location"] == "/parcours/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(visitor, learner, target):
    response = visitor.post(
        "/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_page_never_carries_an_off_site_next(visitor, target):
    html = visitor.get("/compte/connexion/", {"next": target}).content.decode()
    assert "evil.example" not in html


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_page_for_a_logged_in_person_never_redirects_off_site(learner_client, target):
    response = learner_client.get("/compte/connexion/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


def test_logout_by_get_is_refused(learner_client, learner):
    assert learner_client.get("/compte/deconnexion/").status_code == 405
    assert _logged_in_user_id(learner_client) == str(learner.pk)


def test_logout_by_post_logs_out(learner_client):
    response = learner_client.post("/compte/deconnexion/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert _logged_in_user_id(learner_client) is None


# Passwords


def test_password_change_with_a_wrong_old_password_shows_an_error(learner_client, learner):
    response = learner_client.post(
        "/compte/mot-de-passe/",
        {"old_password": "pas-le-bon", "new_password1": "nouveau-secret-42", "new_password2": "nouveau-secret-42"},
    )
    assert "Votre ancien mot de passe est incorrect" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password("pw-alice-123")


def test_password_change_succeeds_and_keeps_the_person_logged_in(learner_client, learner):
    response = learner_client.post(
        "/compte/mot-de-passe/",
        {"old_password": "pw-alice-123", "new_password1": "nouveau-secret-42", "new_password2": "nouveau-secret-42"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/compte/mot-de-passe/modifie/"
    learner.refresh_from_db()
    assert learner.check_password("nouveau-secret-42")
    assert learner_client.get("/compte/").status_code == 200


def test_password_change_requires_login(visitor):
    response = visitor.get("/compte/mot-de-passe/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/compte/mot-de-passe/"


def test_password_reset_sends_a_link_that_sets_a_new_password(visitor, learner):
    response = visitor.post("/compte/mot-de-passe-oublie/", {"email": "Alice@Example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/compte/mot-de-passe-oublie/envoye/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    link = re.search(r"http://testserver(/compte/reinitialisation/[^/\s]+/[^/\s]+/)", message.body).group(1)

    form_page = visitor.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    done = visitor.post(
        form_page.redirect_chain[-1][0], {"new_password1": "nouveau-secret-42", "new_password2": "nouveau-secret-42"}
    )
    assert done.status_code == 302
    assert done["Location"] == "/compte/reinitialisation/terminee/"
    learner.refresh_from_db()
    assert learner.check_password("nouveau-secret-42")


def test_password_reset_link_works_only_once(visitor, learner):
    visitor.post("/compte/mot-de-passe-oublie/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/compte/reinitialisation/\S+/)", mail.outbox[0].body).group(1)
    page = visitor.get(link, follow=True)
    new_password = {"new_password1": "nouveau-secret-42", "new_password2": "nouveau-secret-42"}
    visitor.post(page.redirect_chain[-1][0], new_password)
    again = Client().get(link, follow=True)
    assert "Ce lien n’est plus valable" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_but_answers_the_same(visitor, learner):
    response = visitor.post("/compte/mot-de-passe-oublie/", {"email": "personne@example.org"})
    assert response["Location"] == "/compte/mot-de-passe-oublie/envoye/"
    assert mail.outbox == []


# Account page and profile


def test_account_page_requires_login(visitor):
    response = visitor.get("/compte/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/?next=/compte/"


def test_account_page_shows_the_address(learner_client):
    response = learner_client.get("/compte/")
    assert response.status_code == 200
    assert "alice@example.org" in response.content.decode()


def test_profile_form_saves_name_actor_profile_and_region(learner_client, learner):
    actor_profile = make_vocabulary(ActorProfile, label="Association employeuse")
    region = make_vocabulary(Region, label="Bretagne")
    response = learner_client.post(
        "/compte/", {"display_name": "Alice Martin", "actor_profile": actor_profile.pk, "region": region.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == "/compte/"
    profile = Profile.objects.get(user=learner)
    assert (profile.display_name, profile.actor_profile, profile.region) == ("Alice Martin", actor_profile, region)


@pytest.mark.parametrize("region", ["999999", "pas-un-nombre", "99999999999999999999999"])
def test_an_unknown_region_is_a_form_error_not_a_500(learner_client, learner, region):
    response = learner_client.post("/compte/", {"display_name": "Alice", "region": region})
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Profile.objects.filter(user=learner, display_name="Alice").exists()


# Account deletion


def _give_data(user):
    parcours = make_parcours(steps=2)
    step = parcours.steps.first()
    services.progress_set_status(user=user, step=step, status="terminee")
    services.progress_set_note(user=user, step=step, note=f"Note de {user.username}")
    services.fiche_set_saved(user=user, fiche=make_fiche(), saved=True)
    Profile.objects.create(user=user, display_name=user.username)


def _rows(user_id):
    return [
        model.objects.filter(user_id=user_id).count() for model in (Profile, SavedFiche, Enrolment, StepProgress)
    ]


def test_account_deletion_page_requires_login(visitor):
    response = visitor.get("/compte/suppression/")
    assert response["Location"] == "/compte/connexion/?next=/compte/suppression/"


def test_account_deletion_with_a_wrong_password_keeps_everything(learner_client, learner):
    _give_data(learner)
    response = learner_client.post("/compte/suppression/", {"password": "pas-le-bon"})
    assert response.status_code == 400
    assert "Mot de passe incorrect" in response.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()
    assert _rows(learner.pk) == [1, 1, 1, 1]


def test_account_deletion_with_an_empty_password_is_a_400(learner_client, learner):
    assert learner_client.post("/compte/suppression/", {"password": ""}).status_code == 400
    assert User.objects.filter(pk=learner.pk).exists()


def test_account_deletion_removes_every_row_of_the_person_only(learner_client, learner, other_learner):
    _give_data(learner)
    _give_data(other_learner)
    response = learner_client.post("/compte/suppression/", {"password": "pw-alice-123"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=learner.pk).exists()
    assert _rows(learner.pk) == [0, 0, 0, 0]
    assert _rows(other_learner.pk) == [1, 1, 1, 1]
    assert StepProgress.objects.get(user=other_learner).note == "Note de bob"


def test_account_deletion_logs_the_person_out(learner_client):
    learner_client.post("/compte/suppression/", {"password": "pw-alice-123"})
    assert _logged_in_user_id(learner_client) is None
    assert learner_client.get("/compte/").status_code == 302


@pytest.mark.parametrize("path", ["/compte/inscription/", "/compte/suppression/", "/compte/"])
def test_an_empty_post_is_validated_and_refused_not_shown_as_a_blank_form(client, learner, path):
    if path != "/compte/inscription/":
        client.force_login(learner)
    response = client.post(path, {})
    assert response.status_code == 400 or (path == "/compte/" and response.status_code == 302)
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_reading_the_account_page_creates_no_profile_row(learner_client, learner):
    assert learner_client.get("/compte/").status_code == 200
    assert not Profile.objects.filter(user=learner).exists()


def test_the_password_reset_form_says_adresse_e_mail_like_every_other_form(visitor):
    page = visitor.get("/compte/mot-de-passe-oublie/").content.decode()
    assert '<label for="id_email">Adresse e-mail' in page
    assert "Courriel" not in page


def test_the_header_links_bring_the_visitor_back_to_the_page_they_are_on(visitor):
    page = visitor.get("/parcours/").content.decode()
    assert 'href="/compte/connexion/?next=/parcours/"' in page
    assert 'href="/compte/inscription/?next=/parcours/"' in page
    searched = visitor.get("/recherche/?q=b%C3%A9n%C3%A9voles").content.decode()
    assert 'href="/compte/inscription/?next=/recherche/%3Fq%3Db%25C3%25A9n%25C3%25A9voles"' in searched


def test_on_the_log_in_page_the_header_links_carry_no_next(visitor):
    page = visitor.get("/compte/connexion/?next=/parcours/").content.decode()
    assert 'href="/compte/inscription/"' in page
    assert 'href="/compte/inscription/?next=/compte/' not in page


def test_signing_up_from_the_header_of_a_page_returns_to_it(visitor):
    response = sign_up(visitor, {
        "email": "nouvelle@example.org", "password1": "des-legumes-et-des-liens-2026",
        "password2": "des-legumes-et-des-liens-2026", "next": "/parcours/"}, url="/compte/inscription/?next=/parcours/")
    assert response.status_code == 302
    assert response["Location"] == "/parcours/"
