"""Redis frozen, not refusing: a real redis-server started by the test, paused with SIGSTOP as a hung server would be.

A refused connection fails at once; a frozen server accepts the connection and never answers, so each call waits
for the socket timeout (half a second). The hub must skip it after the first failure (core/redis_cache.py), and a
log-out while it is frozen must be final (sessions live in the database only).
"""

import logging
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import make_fiche

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None and not os.environ.get("CI"),
                       reason="redis-server absent (CI always has it)"),
]

ROOT = Path(__file__).resolve().parents[2]
NORMAL_PLUS = 0.1  # seconds: the bound on a page's time with Redis frozen, over its normal time


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis():
    """A redis-server of this test's own (pausing the shared one would freeze the other tests)."""
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    server.send_signal(signal.SIGCONT)
    server.terminate()
    server.wait(timeout=10)


def _production_session_engine():
    """The session engine hub.settings picks when Redis is configured (tests/settings.py forces its own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL", "HUB_"))}
    env.update(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 60, DJANGO_ALLOWED_HOSTS="hub.example.org",
               REDIS_URL="redis://127.0.0.1:6379/0")
    code = ("import django, os; os.environ['DJANGO_SETTINGS_MODULE']='hub.settings'; django.setup();"
            "from django.conf import settings; print(settings.SESSION_ENGINE)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60, check=True)
    return result.stdout.strip()


@pytest.fixture
def on_own_redis(own_redis, settings):
    server, url = own_redis
    settings.CACHES = {"default": {
        "BACKEND": "core.redis_cache.HubRedisCache", "LOCATION": url, "KEY_PREFIX": "hub-faults",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}, "BREAKER_SECONDS": 30,
    }}
    settings.SESSION_ENGINE = _production_session_engine()
    settings.HUB_PAGE_CACHE_SECONDS = 600
    return server


def _timed(client, path):
    start = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, path
    return elapsed


def _median(client, path, times=7):
    return statistics.median(_timed(client, path) for _ in range(times))


PAGES = ("/", "/fiches/", "/fiches/?q=figee", "/recherche/?q=redis", "/fiches/fiche-figee/")


def test_with_redis_frozen_pages_answer_within_a_tenth_of_a_second_of_their_normal_time(on_own_redis, learner,
                                                                                      caplog):
    make_fiche(slug="fiche-figee", title="Fiche figée")
    visitor, member = Client(), Client()
    member.force_login(learner)
    pages = [(visitor, path) for path in PAGES] + [(member, "/mon-espace/"), (member, "/fiches/fiche-figee/")]
    normal = {(id(client), path): _median(client, path) for client, path in pages}

    on_own_redis.send_signal(signal.SIGSTOP)
    caplog.set_level(logging.WARNING, logger="core.redis_cache")
    visitor.get("/")  # the request that finds the outage waits for one timeout, once
    for client, path in pages:
        frozen = _median(client, path)
        assert frozen <= normal[(id(client), path)] + NORMAL_PLUS, (path, frozen, normal[(id(client), path)])
    outages = [record for record in caplog.records if "injoignable" in record.getMessage()]
    assert len(outages) == 1  # one warning per outage, not one per request


def test_after_an_outage_redis_is_probed_again_and_used(on_own_redis, settings, caplog):
    settings.CACHES["default"]["BREAKER_SECONDS"] = 0.3
    visitor = Client()
    assert visitor.get("/").status_code == 200
    assert visitor.get("/")["X-Hub-Cache"] == "hit"
    on_own_redis.send_signal(signal.SIGSTOP)
    caplog.set_level(logging.WARNING, logger="core.redis_cache")
    assert visitor.get("/").status_code == 200  # rendered without the cache
    assert "X-Hub-Cache" not in visitor.get("/")
    on_own_redis.send_signal(signal.SIGCONT)
    time.sleep(0.4)
    visitor.get("/")  # probes, then stores the page again
    assert visitor.get("/")["X-Hub-Cache"] == "hit"
    messages = [record.getMessage() for record in caplog.records]
    assert sum("injoignable" in message for message in messages) == 1
    assert sum("de nouveau joignable" in message for message in messages) == 1


def test_a_log_out_while_redis_is_frozen_is_final(on_own_redis, learner):
    browser = Client()
    assert browser.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"}
                        ).status_code == 302
    assert browser.get("/mon-espace/").status_code == 200
    old_cookie = browser.cookies["sessionid"].value

    on_own_redis.send_signal(signal.SIGSTOP)
    assert browser.post("/compte/deconnexion/").status_code == 302
    on_own_redis.send_signal(signal.SIGCONT)

    replay = Client()
    replay.cookies["sessionid"] = old_cookie  # someone kept the cookie of the closed session
    response = replay.get("/compte/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    assert "Se déconnecter" not in replay.get("/mon-espace/").content.decode()  # the visitor's own space, empty


def test_a_password_change_or_an_account_deletion_while_redis_is_frozen_is_final(on_own_redis, learner):
    def logged_in():
        browser = Client()
        assert browser.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"}
                            ).status_code == 302
        return browser

    laptop, phone = logged_in(), logged_in()
    on_own_redis.send_signal(signal.SIGSTOP)
    new = "Un-nouveau-mot-de-passe-2027"
    changed = laptop.post("/compte/mot-de-passe/", {"old_password": "pw-alice-123", "new_password1": new,
                                                     "new_password2": new})
    assert changed.status_code == 302
    on_own_redis.send_signal(signal.SIGCONT)
    assert phone.get("/compte/").status_code == 302  # the other session ended with the old password
    assert laptop.get("/compte/").status_code == 200  # the one that changed it goes on

    on_own_redis.send_signal(signal.SIGSTOP)
    cookie = laptop.cookies["sessionid"].value
    assert laptop.post("/compte/suppression/", {"password": new}).status_code == 302
    on_own_redis.send_signal(signal.SIGCONT)
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get("/compte/").status_code == 302
