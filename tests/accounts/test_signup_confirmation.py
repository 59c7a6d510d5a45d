"""The link e-mailed at sign-up: it activates the account and logs in, once; anywhere but the browser that signed
up, it asks for the password chosen then."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Profile
from accounts.services import signup_token_generator
from parcours.models import StepProgress
from tests.factories import make_parcours
from tests.signup import confirmation_link, request_sign_up, sign_up

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "un-mot-de-passe-solide"
OTHER = "un-autre-mot-de-passe-solide"
DANA = {"email": "dana@example.org", "display_name": "Dana Dupont", "password1": STRONG, "password2": STRONG}


def _dana():
    return User.objects.get(email="dana@example.org")


def _logged_in(client):
    return client.session.get("_auth_user_id")


def test_a_sign_up_creates_an_inactive_account_and_e_mails_a_link_on_the_configured_site(visitor, settings):
    settings.HUB_SITE_URL = "https://hub.example.org"
    response = visitor.post("/compte/inscription/", DANA, HTTP_HOST="127.0.0.1:1")
    assert response.status_code == 302
    message = mail.outbox[0]
    assert message.to == ["dana@example.org"]
    assert message.subject == "Activez votre compte sur le hub des modèles socio-économiques"
    assert confirmation_link(message)[0] == "https://hub.example.org"
    assert "127.0.0.1:1" not in message.body and "Dana Dupont" not in message.body
    dana = _dana()
    assert not dana.is_active and dana.last_login is None
    assert dana.profile.display_name == "Dana Dupont"
    assert _logged_in(visitor) is None


def test_the_link_activates_the_account_logs_in_and_brings_in_the_visitors_progress(visitor):
    parcours = make_parcours(steps=2)
    first = parcours.steps.order_by("order").first()
    visitor.post(f"/parcours/{parcours.slug}/{first.slug}/statut/", {"statut": "terminee"})
    path = confirmation_link(request_sign_up(visitor, DANA))[1]

    page = visitor.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Activer mon compte" in html and 'name="password"' not in html  # the browser that signed up
    assert not _dana().is_active  # opening the link changes nothing: mail scanners open links too

    response = visitor.post(path, follow=True)
    assert response.redirect_chain == [("/mon-espace/", 302)]
    text = response.content.decode()
    assert "Votre compte est activé et vous êtes connecté·e." in text
    assert "ajoutée à votre compte (1 étape)" in text
    dana = _dana()
    assert dana.is_active and _logged_in(visitor) == str(dana.pk)
    assert StepProgress.objects.get(user=dana, step=first).status == "terminee"


def test_the_link_works_once(visitor):
    path = confirmation_link(request_sign_up(visitor, DANA))[1]
    assert visitor.post(path).status_code == 302
    for client in (visitor, Client()):
        again = client.get(path)
        assert again.status_code == 200 and "Ce lien n’est plus valable" in again.content.decode()


def test_an_unconfirmed_account_cannot_log_in_and_gets_the_message_of_a_wrong_password(visitor):
    request_sign_up(visitor, DANA)
    response = Client().post("/compte/connexion/", {"username": "dana@example.org", "password": STRONG})
    assert response.status_code == 400
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "désactivé" not in response.content.decode()


def test_in_another_browser_the_link_asks_for_the_password_chosen_at_sign_up(visitor):
    path = confirmation_link(request_sign_up(visitor, DANA))[1]
    elsewhere = Client()
    assert 'name="password"' in elsewhere.get(path).content.decode()
    refused = elsewhere.post(path, {"password": OTHER})
    assert refused.status_code == 400
    assert "Ce n’est pas le mot de passe choisi à l’inscription." in refused.content.decode()
    assert not _dana().is_active
    assert elsewhere.post(path, {"password": STRONG})["Location"] == "/mon-espace/"
    assert _dana().is_active and _logged_in(elsewhere) == str(_dana().pk)


def test_a_second_sign_up_of_an_unconfirmed_address_sends_a_fresh_link_with_the_new_password(visitor):
    old = confirmation_link(request_sign_up(visitor, DANA))[1]
    new = confirmation_link(request_sign_up(visitor, {**DANA, "password1": OTHER, "password2": OTHER}))[1]
    assert User.objects.filter(email="dana@example.org").count() == 1
    assert "Ce lien n’est plus valable" in visitor.get(old).content.decode()
    assert visitor.post(new).status_code == 302
    assert _dana().check_password(OTHER)


def test_someone_who_signs_up_with_your_address_cannot_have_you_activate_their_password(visitor):
    """The owner signs up, then an intruder with the same address: the owner's link dies with the password it was
    made for, and the intruder's link, opened in the owner's browser, asks for a password the owner does not know."""
    request_sign_up(visitor, DANA)
    intruders_link = confirmation_link(request_sign_up(Client(), {**DANA, "password1": OTHER, "password2": OTHER}))[1]
    page = visitor.get(intruders_link).content.decode()
    assert 'name="password"' in page
    assert visitor.post(intruders_link, {"password": STRONG}).status_code == 400
    assert not _dana().is_active


def test_a_confirmation_link_is_not_a_password_reset_link(visitor):
    request_sign_up(visitor, DANA)
    dana = _dana()
    uid, token = urlsafe_base64_encode(force_bytes(dana.pk)), signup_token_generator.make_token(dana)
    page = Client().get(f"/compte/reinitialisation/{uid}/{token}/", follow=True)
    assert "Ce lien n’est plus valable" in page.content.decode()


@pytest.mark.parametrize("path", [
    "/compte/inscription/confirmation/MQ/abc-123/",
    "/compte/inscription/confirmation/%C3%A9/set-password/",
    "/compte/inscription/confirmation/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/abc/",
])
def test_a_forged_link_activates_nothing(visitor, path):
    request_sign_up(visitor, DANA)
    for response in (visitor.get(path), visitor.post(path, {"password": STRONG})):
        assert response.status_code == 200 and "Ce lien n’est plus valable" in response.content.decode()
    assert not _dana().is_active


def test_the_link_of_an_account_already_active_is_void(visitor, learner):
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    path = f"/compte/inscription/confirmation/{uid}/{signup_token_generator.make_token(learner)}/"
    assert "Ce lien n’est plus valable" in Client().get(path).content.decode()


def test_the_link_keeps_where_the_person_was_going(visitor):
    response = sign_up(visitor, {**DANA, "next": "/parcours/"}, url="/compte/inscription/?next=/parcours/")
    assert response["Location"] == "/parcours/"


def test_passwords_typed_on_the_activation_page_are_under_the_log_in_limits(visitor):
    path = confirmation_link(request_sign_up(visitor, DANA))[1]
    elsewhere = Client()
    for _ in range(3):
        assert elsewhere.post(path, {"password": OTHER}).status_code == 400
    locked = elsewhere.post(path, {"password": STRONG})  # the right one, too late: nothing is checked
    assert locked.status_code == 429
    assert "Trop de mots de passe erronés" in locked.content.decode()
    # No reset e-mail reaches an account not yet activated: the way out offered is a new sign-up.
    text = locked.content.decode().replace("\u00a0", " ")
    assert "ou inscrivez-vous à nouveau avec la même adresse." in text and "réinitialisez" not in text
    assert not _dana().is_active
    assert visitor.post(path)["Location"] == "/mon-espace/"  # the browser that signed up types no password


def test_sign_ups_never_activated_are_deleted_a_week_after_the_last_request(visitor, learner):
    request_sign_up(visitor, DANA)
    request_sign_up(visitor, {**DANA, "email": "eve@example.org"})
    week_ago = timezone.now() - timedelta(days=7, minutes=1)
    User.objects.filter(email="dana@example.org").update(date_joined=week_ago)
    User.objects.filter(email="eve@example.org").update(date_joined=week_ago)
    request_sign_up(visitor, {**DANA, "email": "eve@example.org"})  # asked again: a week from now
    # Inactive but has logged in: deactivated by staff, not a sign-up.
    User.objects.filter(pk=learner.pk).update(is_active=False, date_joined=week_ago, last_login=week_ago)
    out = StringIO()
    call_command("prune_signups", stdout=out)
    assert out.getvalue() == "1 inscription non activée supprimée.\n"
    assert sorted(User.objects.values_list("email", flat=True)) == ["alice@example.org", "eve@example.org"]
    assert not Profile.objects.filter(display_name="Dana Dupont", user__email="dana@example.org").exists()
