"""Sign-up, log-in and password reset answer the same, in the same way, whether an account exists (issue 15, L2 and
L5): what depends on it travels by e-mail, sent after the response, with links on the configured site address."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.wsgi_server import wsgi_server

pytestmark = pytest.mark.django_db

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
    # Nothing was looked up nor sent while the visitor waited: the e-mail left once the answer was out.
    assert known_queries == unknown_queries == []
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
