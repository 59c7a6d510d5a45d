from django.test import RequestFactory
from django.views.defaults import server_error


def test_every_page_sends_a_strict_content_security_policy(visitor, db):
    response = visitor.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_forbid_framing_and_sniffing(visitor, db):
    response = visitor.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_unknown_address_gets_the_french_404_page(visitor, db):
    response = visitor.get("/cette-page-n-existe-pas/vraiment/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    assert '<html lang="fr">' in response.content.decode()


def test_server_error_page_is_in_french_and_needs_no_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_admin_is_closed_to_visitors(visitor, db):
    response = visitor.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_admin_is_closed_to_a_logged_in_non_staff_user(learner_client):
    response = learner_client.get("/admin/resources/fiche/")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


def test_favicon_request_is_redirected_to_the_static_icon(visitor, db):
    response = visitor.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("img/favicon.svg")
