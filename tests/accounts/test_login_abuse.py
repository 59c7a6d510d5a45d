"""Abuse of the log-in limits (issue « Faults and abuse »): nobody can lock an owner out, parallel attempts get no
extra guess, and a borrowed session cannot guess the password either."""

import threading
import time

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client

from accounts import throttle
from tests.accounts.clock import install
from tests.parcours.test_concurrency import run_together

RIGHT = {"username": "alice@example.org", "password": "pw-alice-123"}
WRONG = {"username": "alice@example.org", "password": "pas-le-bon"}
ATTACKER = {"REMOTE_ADDR": "203.0.113.66"}
OWNER = {"REMOTE_ADDR": "198.51.100.10"}


@pytest.fixture
def clock(monkeypatch):
    return install(monkeypatch)


@pytest.mark.django_db
def test_a_storm_from_one_address_never_locks_the_owner_out(learner):
    attacker = Client(**ATTACKER)
    codes = [attacker.post("/compte/connexion/", WRONG).status_code for _ in range(100)]
    assert codes.count(400) <= 5 and codes[-1] == 429  # the attacker is slowed, then stopped
    owner = Client(**OWNER)
    assert owner.post("/compte/connexion/", RIGHT).status_code == 302


@pytest.mark.django_db
def test_a_storm_from_many_addresses_spares_the_owner_s_browser_and_the_reset_e_mail_lifts_it(learner, clock):
    owner = Client(**OWNER)
    assert owner.post("/compte/connexion/", RIGHT).status_code == 302  # this browser is now known to the account
    owner.post("/compte/deconnexion/")
    for index in range(60):  # a botnet: one guess from each of 60 addresses
        Client(REMOTE_ADDR=f"192.0.2.{index + 1}").post("/compte/connexion/", WRONG)
    stranger = Client(REMOTE_ADDR="198.51.100.99")
    refused = stranger.post("/compte/connexion/", RIGHT)
    assert refused.status_code == 429  # the account is locked for browsers it does not know…
    assert "réinitialisez votre mot de passe" in refused.content.decode()
    assert owner.post("/compte/connexion/", RIGHT).status_code == 302  # …not for its owner's

    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    learner.refresh_from_db()  # the token depends on the last log-in
    uid, token = urlsafe_base64_encode(force_bytes(learner.pk)), default_token_generator.make_token(learner)
    form_url = stranger.get(f"/compte/reinitialisation/{uid}/{token}/")["Location"]
    new = "un-tout-nouveau-mot-de-passe-2027"
    assert stranger.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302
    assert stranger.post("/compte/connexion/", {"username": "alice@example.org", "password": new}).status_code == 302


@pytest.mark.django_db
def test_one_address_alone_cannot_lock_an_account_for_everyone(learner, clock):
    attacker = Client(**ATTACKER)
    for _ in range(40):
        attacker.post("/compte/connexion/", WRONG)
        clock += 5 * 60  # a patient attacker, waiting out every lock
    assert Client(**OWNER).post("/compte/connexion/", RIGHT).status_code == 302


@pytest.mark.django_db
def test_a_forged_known_browser_cookie_is_ignored(learner):
    for index in range(60):
        Client(REMOTE_ADDR=f"192.0.2.{index + 1}").post("/compte/connexion/", WRONG)
    forged = Client(REMOTE_ADDR="198.51.100.99")
    forged.cookies[throttle.KNOWN_COOKIE] = '["' + throttle.account_of("alice@example.org") + '"]'
    assert forged.post("/compte/connexion/", RIGHT).status_code == 429


@pytest.mark.parametrize("path, field", [("/compte/mot-de-passe/", "old_password"), ("/compte/suppression/", "password")])
@pytest.mark.django_db
def test_a_borrowed_session_cannot_guess_the_password(learner, path, field):
    borrowed = Client()
    borrowed.force_login(learner)
    codes = [borrowed.post(path, {field: f"essai-{index}", "new_password1": "Nouveau-2027-x",
                                  "new_password2": "Nouveau-2027-x"}).status_code for index in range(10)]
    assert codes[:3] == [400] * 3 and codes[3:] == [429] * 7
    refused = borrowed.post(path, {field: "pw-alice-123", "new_password1": "Nouveau-2027-x",
                                   "new_password2": "Nouveau-2027-x"})
    assert refused.status_code == 429 and "Trop de mots de passe erronés" in refused.content.decode()
    learner.refresh_from_db()
    assert learner.check_password("pw-alice-123")  # nothing changed, nothing deleted


@pytest.mark.django_db
def test_the_counts_live_in_the_database_and_hold_without_any_cache(learner, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    attacker = Client(**ATTACKER)
    codes = [attacker.post("/compte/connexion/", WRONG).status_code for _ in range(8)]
    assert codes.count(400) == 3 and codes[3:] == [429] * 5


@pytest.mark.django_db
def test_purge_forgets_expired_counts_only(learner, clock):
    from django.core.management import call_command

    Client(**ATTACKER).post("/compte/connexion/", WRONG)
    clock += 16 * 60
    Client(**OWNER).post("/compte/connexion/", WRONG)
    call_command("purge_attempts", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from accounts.models import AttemptCount

    assert AttemptCount.objects.filter(expires_at__gt=clock.now).count() == AttemptCount.objects.count() > 0


@pytest.mark.postgres_only(reason="SQLite serialises every write: nothing runs together")
@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_get_no_extra_password_check(learner, monkeypatch):
    checked = []
    lock = threading.Lock()

    def slow_check(password, encoded, *args, **kwargs):
        with lock:
            checked.append(1)
        time.sleep(0.2)  # every attempt is in flight before any is recorded
        return check_password(password, encoded, *args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.base_user.check_password", slow_check)
    clients = [Client(**ATTACKER) for _ in range(12)]
    results, errors = run_together(lambda i: clients[i].post("/compte/connexion/", WRONG).status_code, count=12)
    assert not errors
    assert len(checked) <= 3, f"{len(checked)} mots de passe vérifiés en parallèle"
    assert sorted(results) == [400] * len(checked) + [429] * (12 - len(checked))


@pytest.mark.parametrize("path, data", [
    ("/compte/mot-de-passe-oublie/", {}),
    ("/compte/inscription/", {"display_name": "X", "password1": "Un-mot-de-passe-solide-2027",
                              "password2": "Un-mot-de-passe-solide-2027"}),
])
@pytest.mark.django_db
def test_e_mails_asked_for_are_limited_per_address_and_per_network_address(learner, path, data, mailoutbox):
    def ask(email, address):
        return Client(REMOTE_ADDR=address).post(path, {"email": email, **data}).status_code

    # Three an hour to one address, known or not, from anywhere; the fourth is refused the same way for both.
    assert [ask("alice@example.org", f"198.51.100.{i}") for i in range(4)] == [302, 302, 302, 429]
    assert [ask("personne@example.org", f"198.51.100.{i}") for i in range(4)] == [302, 302, 302, 429]
    # Ten an hour from one network address, whatever the e-mail addresses.
    assert [ask(f"x{i}@example.org", ATTACKER["REMOTE_ADDR"]) for i in range(11)] == [302] * 10 + [429]
    sent = len(mailoutbox)
    refused = Client(**ATTACKER).post(path, {"email": "alice@example.org", **data})
    text = refused.content.decode().replace("\u00a0", " ")
    assert ("Trop de demandes d’e-mail pour cette adresse ou depuis votre connexion : par sécurité, "
            "réessayez dans 60 minutes.") in text
    assert len(mailoutbox) == sent  # a refused request sends nothing


@pytest.mark.postgres_only(reason="SQLite serialises every write: nothing runs together")
@pytest.mark.django_db(transaction=True)
def test_parallel_successes_and_failures_of_one_account_never_fail_the_server(learner):
    clients = [Client(**OWNER) for _ in range(10)]
    forms = [RIGHT if i % 2 else WRONG for i in range(10)]
    for _ in range(3):  # a success deletes the count another attempt is about to lock
        results, errors = run_together(lambda i: clients[i].post("/compte/connexion/", forms[i]).status_code,
                                       count=10)
        assert not errors
        assert set(results) <= {302, 400, 429}
