import pytest

from accounts import throttle
from tests.accounts.clock import install

pytestmark = pytest.mark.django_db

WRONG = {"username": "alice@example.org", "password": "pas-le-bon"}
RIGHT = {"username": "alice@example.org", "password": "pw-alice-123"}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    return install(monkeypatch)


def _fail(client, times, clock=None, data=WRONG, path="/compte/connexion/", **extra):
    """Failures spaced as the slow-down asks when a clock is given (61 s, then 121 s between them)."""
    codes = []
    for index in range(times):
        if clock is not None and index:
            clock += 121 if index >= 4 else 61
        codes.append(client.post(path, data, **extra).status_code)
    return codes


def test_from_the_third_failure_the_same_account_and_address_must_wait_30_s_then_60_s(client, learner, clock):
    assert _fail(client, 3) == [400] * 3
    response = client.post("/compte/connexion/", RIGHT)
    assert response.status_code == 429
    assert "réessayez dans 30 secondes" in response.content.decode().replace("\u00a0", " ")
    clock += 31
    assert client.post("/compte/connexion/", WRONG).status_code == 400
    clock += 31
    assert client.post("/compte/connexion/", RIGHT).status_code == 429  # 60 s after the 4th failure
    clock += 30
    assert client.post("/compte/connexion/", RIGHT).status_code == 302


def test_five_failures_lock_the_address_with_a_clear_french_message(client, learner, clock):
    assert _fail(client, 5, clock) == [400] * 5
    response = client.post("/compte/connexion/", RIGHT)
    assert response.status_code == 429
    text = response.content.decode().replace("\u00a0", " ")
    assert "Trop de tentatives de connexion infructueuses" in text and "réessayez dans 15 minutes" in text
    assert "_auth_user_id" not in client.session


def test_the_lock_expires_after_fifteen_minutes(client, learner, clock):
    _fail(client, 5, clock)
    clock += 14 * 60
    assert client.post("/compte/connexion/", RIGHT).status_code == 429
    assert "réessayez dans 1 minute" in client.post("/compte/connexion/", RIGHT).content.decode().replace("\u00a0", " ")
    clock += 61
    assert client.post("/compte/connexion/", RIGHT).status_code == 302


def test_a_locked_attempt_checks_no_password(client, learner, monkeypatch, clock):
    _fail(client, 5, clock)
    calls = []
    monkeypatch.setattr("django.contrib.auth.forms.authenticate", lambda *a, **k: calls.append(1))
    client.post("/compte/connexion/", RIGHT)
    assert calls == []


def test_a_success_clears_the_count(client, learner, clock):
    _fail(client, 4, clock)
    clock += 121
    assert client.post("/compte/connexion/", RIGHT).status_code == 302
    client.post("/compte/deconnexion/")
    assert _fail(client, 4, clock) == [400] * 4  # counted from zero again
    clock += 121
    assert client.post("/compte/connexion/", RIGHT).status_code == 302


def test_the_lock_is_per_address_so_another_person_can_still_log_in(client, learner, other_learner, clock):
    _fail(client, 5, clock)
    assert client.post("/compte/connexion/", {"username": "bob@example.org", "password": "pw-bob-123"}).status_code == 302


def test_one_network_address_trying_many_accounts_is_slowed_too(client, learner):
    for index in range(20):
        client.post("/compte/connexion/", {"username": f"inconnu{index}@example.org", "password": "x"})
    assert client.post("/compte/connexion/", RIGHT).status_code == 429


def test_case_and_spaces_do_not_escape_the_lock(client, learner, clock):
    _fail(client, 5, clock)
    response = client.post("/compte/connexion/", {"username": "  ALICE@example.org ", "password": "pw-alice-123"})
    assert response.status_code == 429


def test_the_admin_login_shares_the_lock(client, staff, clock):
    for _ in range(5):
        assert client.post("/admin/login/", {"username": "charlie", "password": "faux"}).status_code == 200
        clock += 121
    response = client.post("/admin/login/", {"username": "charlie", "password": "pw-charlie-123"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert client.post("/compte/connexion/", {"username": "charlie@example.org", "password": "pw-charlie-123"}).status_code == 429


def test_username_and_email_count_as_one_account(client, staff, clock):
    for typed in ["charlie", "charlie@example.org", "CHARLIE", "charlie@example.org ", "charlie"]:
        assert client.post("/compte/connexion/", {"username": typed, "password": "faux"}).status_code == 400
        clock += 121
    assert client.post("/compte/connexion/", {"username": "charlie", "password": "pw-charlie-123"}).status_code == 429


def test_a_password_reset_lifts_the_lock(client, learner, clock):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    _fail(client, 5, clock)
    uid = urlsafe_base64_encode(force_bytes(learner.pk))
    token = default_token_generator.make_token(learner)
    form_url = client.get(f"/compte/reinitialisation/{uid}/{token}/")["Location"]
    new = "un-tout-nouveau-mot-de-passe-2026"
    assert client.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert client.post("/compte/connexion/", {"username": "alice@example.org", "password": new}).status_code == 302


def test_behind_a_proxy_each_visitor_is_counted_on_the_address_the_proxy_saw(client, learner, other_learner, settings):
    settings.HUB_PROXY_COUNT = 1
    for index in range(20):
        client.post(
            "/compte/connexion/", {"username": f"inconnu{index}@example.org", "password": "x"},
            headers={"x-forwarded-for": "203.0.113.7"},
        )
    bob = {"username": "bob@example.org", "password": "pw-bob-123"}
    assert client.post("/compte/connexion/", bob, headers={"x-forwarded-for": "198.51.100.2"}).status_code == 302
    client.post("/compte/deconnexion/")
    # A forged first hop does not help the locked visitor: the proxy's own entry is the last one.
    forged = {"x-forwarded-for": "10.0.0.1, 203.0.113.7"}
    assert client.post("/compte/connexion/", RIGHT, headers=forged).status_code == 429


@pytest.mark.parametrize("path", ["/compte/connexion/", "/admin/login/"])
def test_a_nul_byte_in_the_login_is_refused_not_a_server_error(client, learner, path):
    response = client.post(path, {"username": "alice\x00@example.org", "password": "x\x00"})
    assert response.status_code in (200, 400)


def test_the_wait_announced_is_never_shorter_than_the_real_one():
    assert "29,5" not in throttle.wait_message(29.5)
    assert "30\u00a0secondes" in throttle.wait_message(29.01)
    assert "2\u00a0minutes" in throttle.wait_message(61)


def test_the_log_in_page_is_titled_with_the_hub_s_name_not_the_host(client, settings):
    title = client.get("/compte/connexion/").content.decode().split("<title>")[1].split("</title>")[0]
    assert title == f"Se connecter · {settings.SITE_NAME}"
