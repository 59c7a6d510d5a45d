"""Sign-up, log-in and password reset answer the same, in the same way, whether an account exists (issue 15, L2 and
L5): what depends on it travels by e-mail, sent after the response, with links on the configured site address."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.signup import SIGNUP_SENT, request_sign_up
from tests.wsgi_server import wsgi_server

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "un-mot-de-passe-solide"
RESET = "/compte/mot-de-passe-oublie/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _same_page(html):
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', html)


def _served(send, method, path, data=None):
    """The answer as the server sends it, the database queries made meanwhile and the e-mails sent meanwhile;
    then the server closes the response."""
    sent = len(mail.outbox)
    with CaptureQueriesContext(connection) as queries:
        answer = send(method, path, data)
    during = mail.outbox[sent:]
    answer.iterable.close()
    return answer, [query["sql"] for query in queries], during


def _shape(answer):
    """Status, headers (cookie values aside: a session is a session) and body."""
    headers = sorted((key, value.split("=")[0] if key == "Set-Cookie" else value) for key, value in answer.headers)
    return answer.status, headers, answer.body


# Password reset


def test_a_reset_request_answers_the_same_for_a_known_and_an_unknown_address_and_mails_after_the_response(learner):
    with wsgi_server() as send:
        known, known_queries, known_during = _served(send, "POST", RESET, {"email": "Alice@Example.org"})
        unknown, unknown_queries, unknown_during = _served(send, "POST", RESET, {"email": "personne@example.org"})
    assert _shape(known) == _shape(unknown)
    assert known.status == "302 Found" and known.header("Location") == "/compte/mot-de-passe-oublie/envoye/"
    # No account was looked up nor anything sent while the visitor waited: the e-mail left once the answer was out.
    assert len(known_queries) == len(unknown_queries)
    assert not [sql for sql in known_queries + unknown_queries if "auth_user" in sql]
    assert known_during == unknown_during == []
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_the_page_after_a_reset_request_is_the_same_for_a_known_and_an_unknown_address(learner):
    pages = []
    for email in ("alice@example.org", "personne@example.org"):
        response = Client().post("/compte/mot-de-passe-oublie/", {"email": email}, follow=True)
        pages.append((response.status_code, response.redirect_chain, _same_page(response.content.decode())))
    assert pages[0] == pages[1]


@pytest.mark.parametrize("site", ["https://hub.example.org", "http://127.0.0.1:8000"])
def test_the_reset_link_is_on_the_configured_site_whatever_the_host_header(learner, settings, site):
    settings.HUB_SITE_URL = site
    Client().post("/compte/mot-de-passe-oublie/", {"email": "alice@example.org"}, HTTP_HOST="127.0.0.1:1")
    body = mail.outbox[0].body
    assert f"\n{site}/compte/reinitialisation/" in body
    assert "127.0.0.1:1" not in body


# Sign-up


def test_a_sign_up_answers_the_same_for_an_address_with_an_account_and_a_new_one_and_mails_after_the_response(learner):
    fields = {"display_name": "", "password1": STRONG, "password2": STRONG}
    with wsgi_server() as send:
        existing, existing_queries, existing_during = _served(send, "POST", "/compte/inscription/",
                                                              {**fields, "email": "ALICE@example.org"})
        new, new_queries, new_during = _served(send, "POST", "/compte/inscription/", {**fields, "email": "dana@example.org"})
    assert _shape(existing) == _shape(new)
    assert existing.status == "302 Found" and existing.header("Location") == SIGNUP_SENT
    # The request only saved the visitor's session: no account was looked up, no password hashed, nothing sent.
    assert len(existing_queries) == len(new_queries)
    assert not [sql for sql in existing_queries + new_queries if "auth_user" in sql]
    assert existing_during == new_during == []
    told, confirm = mail.outbox
    assert (told.to, confirm.to) == (["alice@example.org"], ["dana@example.org"])
    assert User.objects.filter(email__iexact="alice@example.org").count() == 1
    learner.refresh_from_db()
    assert learner.check_password("pw-alice-123")


def test_the_page_after_a_sign_up_is_the_same_for_an_address_with_an_account_and_a_new_one(learner):
    pages = []
    for email in ("alice@example.org", "dana@example.org"):
        response = Client().post("/compte/inscription/", {"email": email, "password1": STRONG, "password2": STRONG},
                                 follow=True)
        pages.append((response.status_code, response.redirect_chain, _same_page(response.content.decode())))
    assert pages[0] == pages[1]
    assert pages[0][0] == 200 and "Consultez votre messagerie" in pages[0][2]


def test_the_owner_of_an_existing_account_is_told_by_email_how_to_log_in(learner, settings):
    settings.HUB_SITE_URL = "https://hub.example.org"
    message = request_sign_up(Client(), {"email": "Alice@Example.org", "display_name": "Visitez https://arnaque.example",
                                         "password1": STRONG, "password2": STRONG})
    assert message.to == ["alice@example.org"]
    assert message.subject == "Vous avez déjà un compte sur le hub des modèles socio-économiques"
    assert "vous avez déjà un compte\u00a0: aucun autre n’a été créé." in message.body
    assert "https://hub.example.org/compte/connexion/" in message.body
    assert "https://hub.example.org/compte/mot-de-passe-oublie/" in message.body
    assert "arnaque" not in message.body  # what a stranger typed never reaches someone else's mailbox


def test_an_account_that_has_logged_in_and_was_deactivated_is_not_revived_by_a_sign_up(learner):
    learner.is_active = False
    learner.save()
    User.objects.filter(pk=learner.pk).update(last_login="2024-01-01T00:00:00Z")
    message = request_sign_up(Client(), {"email": "alice@example.org", "password1": STRONG, "password2": STRONG})
    assert "vous avez déjà un compte" in message.body
    learner.refresh_from_db()
    assert not learner.is_active and learner.check_password("pw-alice-123")


# Log-in


def _login_page(username, password):
    response = Client().post("/compte/connexion/", {"username": username, "password": password})
    return response.status_code, _same_page(response.content.decode()).replace(username, "ADRESSE")


def test_log_in_answers_the_same_for_an_unknown_address_a_wrong_password_and_an_unconfirmed_account(learner):
    request_sign_up(Client(), {"email": "dana@example.org", "password1": STRONG, "password2": STRONG})
    assert User.objects.get(email="dana@example.org").is_active is False
    wrong_password = _login_page("alice@example.org", "pas-le-bon")
    unknown = _login_page("personne@example.org", "pas-le-bon")
    unconfirmed = _login_page("dana@example.org", STRONG)  # the right password, not yet confirmed
    assert wrong_password == unknown == unconfirmed
    assert wrong_password[0] == 400
    assert "Adresse e-mail ou mot de passe incorrect." in wrong_password[1]


def test_the_work_after_a_sign_up_hashes_a_password_whether_the_address_has_an_account_or_not(learner):
    """The worker stays busy as long in both cases: a request that waits for it learns nothing either."""
    fields = {"display_name": "", "password1": STRONG, "password2": STRONG}
    hashed = []
    for email in ("alice@example.org", "dana@example.org"):
        with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as encode:
            request_sign_up(Client(), {**fields, "email": email})
        hashed.append(encode.call_count)
    assert hashed == [1, 1]
