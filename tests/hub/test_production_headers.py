"""The security headers and cookies of a production start, asserted one by one."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parents[2]
SECURITY_SETTINGS = [
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    "X_FRAME_OPTIONS", "CONTENT_SECURITY_POLICY", "PERMISSIONS_POLICY", "DEBUG",
]


def _security_settings(**env_values):
    """The security settings exactly as hub/settings.py computes them from production environment values."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "HUB_"))}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="p" * 60, DJANGO_ALLOWED_HOSTS="testserver", **env_values)
    code = (
        "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE']='hub.settings'; django.setup();"
        f"from django.conf import settings as s; print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


@pytest.fixture(scope="module")
def production():
    """Behind the TLS proxy of the README's topology."""
    return _security_settings(HUB_PROXY_COUNT="1")


@pytest.fixture
def secure_client(production):
    with override_settings(**production):
        yield Client()


def test_production_runs_without_debug(production):
    assert production["DEBUG"] is False


def test_plain_http_is_redirected_to_https(secure_client, db):
    response = secure_client.get("/accessibilite/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accessibilite/"


def test_the_proxys_https_header_is_trusted(secure_client, db):
    assert secure_client.get("/accessibilite/", headers={"x-forwarded-proto": "https"}).status_code == 200


def test_without_a_proxy_an_https_header_written_by_the_client_is_not_trusted(db):
    """gunicorn facing clients (HUB_PROXY_COUNT=0): X-Forwarded-Proto is whatever the client wrote."""
    direct = _security_settings()
    assert direct["SECURE_PROXY_SSL_HEADER"] is None
    with override_settings(**direct):
        response = Client().get("/accessibilite/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 301 and response["Location"] == "https://testserver/accessibilite/"


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ],
)
def test_every_page_carries_the_security_header(secure_client, db, header, expected):
    assert secure_client.get("/accessibilite/", secure=True)[header] == expected


def test_content_security_policy_allows_no_inline_or_eval_and_no_other_site(secure_client, db):
    policy = secure_client.get("/accessibilite/", secure=True)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "http" not in policy  # no other origin anywhere


def test_permissions_policy_refuses_camera_microphone_position_and_payment(secure_client, db):
    policy = secure_client.get("/accessibilite/", secure=True)["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_session_and_csrf_cookies_are_secure_httponly_and_same_site(secure_client, learner):
    page = secure_client.get("/compte/connexion/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = secure_client.post(
        "/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
