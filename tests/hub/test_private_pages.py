"""Pages built from a session say so: ``Cache-Control: private, no-store`` (hub.middleware.PrivatePagesMiddleware),
so that neither a shared cache nor the back button shows one person's page to another. Pages a visitor without a
session reads stay cacheable."""

import pytest
from accounts.sessions import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from hub.middleware import PrivatePagesMiddleware
from tests.factories import make_fiche
from tests.hardening import test_per_user_urls as per_user

pytestmark = pytest.mark.django_db

# The fixture of the per-user registry (alice, a visitor session, their progress, notes, saved fiches, diagnostics).
world = per_user.world


def directives(response):
    return {part.strip().split("=", 1)[0].lower() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def assert_private(response, where):
    found = directives(response)
    assert {"private", "no-store"} <= found, f"{where}: Cache-Control {response.get('Cache-Control')!r}"
    assert "public" not in found, where


def owner_answers(world, key, owner):
    """(where, response) of every request the owner makes on this per-user URL: each GET, each POST."""
    spec = per_user.PER_USER[key]
    client = per_user.client_of(world, owner)
    for path in spec.paths(world, owner):
        if "get" in spec.methods:
            yield f"GET {path}", client.get(path)
        if "post" in spec.methods:
            if key == "accounts:password_reset_confirm":  # the token moves to the session first
                path = client.get(path)["Location"]
            yield f"POST {path}", client.post(path, dict(spec.post))


@pytest.mark.parametrize("key, owner", per_user.ANONYMOUS_CASES)
def test_every_per_user_answer_to_its_owner_is_private_and_never_stored(world, key, owner):
    answers = list(owner_answers(world, key, owner))
    assert answers
    for where, response in answers:
        assert response.status_code < 400, where
        assert_private(response, f"{key} ({owner}) {where}")


@pytest.mark.parametrize("page", ["/", "/fiches/", "/referentiel/", "/fiches/une-fiche/"])
def test_a_visitor_without_a_session_gets_pages_a_cache_may_keep(visitor, page):
    make_fiche(slug="une-fiche")
    for _ in range(2):
        response = visitor.get(page)
        assert response.status_code == 200
        assert not {"private", "no-store"} & directives(response), page
    assert "sessionid" not in visitor.cookies


def test_the_home_page_of_a_logged_in_person_is_private(learner_client):
    assert_private(learner_client.get("/"), "/")


def test_a_visitor_with_progress_in_the_session_gets_private_pages(world):
    client = per_user.client_of(world, "visitor")
    for page in ["/", "/fiches/", "/parcours/"]:
        assert_private(client.get(page), page)


def _request_with_session(data):
    request = RequestFactory().get("/")
    request.session = SessionStore()
    if data:
        request.session.update(data)
        request.session.save()
        request.session = SessionStore(request.session.session_key)
    return request


def test_a_view_that_said_public_gets_private_no_store_without_its_max_age():
    request = _request_with_session({"hub_diagnostics": [1]})

    def view(request):
        request.session.get("hub_diagnostics")
        response = HttpResponse("Mes diagnostics")
        response["Cache-Control"] = "public, max-age=600"
        return response

    assert PrivatePagesMiddleware(view)(request)["Cache-Control"] == "private, no-store"


def test_a_view_that_already_said_private_keeps_its_own_rule():
    request = _request_with_session({"_auth_user_id": "1"})

    def view(request):
        request.session.get("_auth_user_id")
        response = HttpResponse("Catalogue de traduction")
        response["Cache-Control"] = "private, max-age=86400"
        return response

    assert PrivatePagesMiddleware(view)(request)["Cache-Control"] == "private, max-age=86400"


def test_an_empty_session_read_by_the_view_leaves_the_page_public():
    request = _request_with_session({})

    def view(request):
        request.session.get("hub_diagnostics")
        response = HttpResponse("Pour tout le monde")
        response["Cache-Control"] = "max-age=60"
        return response

    assert PrivatePagesMiddleware(view)(request)["Cache-Control"] == "max-age=60"
