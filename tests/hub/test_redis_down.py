"""With Redis configured but not answering, the site keeps working: pages rendered without the cache, sessions
read from the database, log-in limits counted in the database."""

import logging

import pytest
from django.test import Client

from tests.factories import make_fiche, make_parcours

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every call is refused at once, as when Redis is down.
DOWN = {
    "default": {
        "BACKEND": "core.redis_cache.HubRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DOWN
    from django.core.cache import cache

    with pytest.raises(Exception):  # noqa: B017 (redis raises its own ConnectionError)
        cache.get("probe")  # the switch really happened
    logging.disable(logging.CRITICAL)  # each fallback logs the outage; not what this file checks
    yield
    logging.disable(logging.NOTSET)


def test_visitors_and_members_are_served_while_redis_is_down(redis_down, learner):
    parcours = make_parcours(slug="sans-redis", steps=2)
    step = parcours.steps.order_by("order").first()
    make_fiche(slug="fiche-sans-redis", title="Fiche sans Redis")
    visitor = Client()
    for path in ("/", "/fiches/", "/fiches/?q=redis", "/recherche/?q=redis", "/fiches/fiche-sans-redis/"):
        assert visitor.get(path).status_code == 200, path
    member = Client()
    member.force_login(learner)  # the session is written to the database; its copy in Redis fails quietly
    for path in ("/mon-espace/", f"/parcours/sans-redis/{step.slug}/", "/compte/"):
        response = member.get(path)
        assert response.status_code == 200, path
        assert "Se déconnecter" in response.content.decode(), path
    done = member.post(f"/parcours/sans-redis/{step.slug}/statut/", {"statut": "terminee"})
    assert done.status_code == 302
    assert member.post("/compte/deconnexion/").status_code == 302  # the session is closed in the database
    assert member.get("/compte/").status_code == 302


def test_log_in_limits_hold_while_redis_is_down(redis_down, learner):
    client = Client()
    codes = [client.post("/compte/connexion/", {"username": "alice@example.org", "password": "faux"}).status_code
             for _ in range(7)]
    assert codes == [400] * 3 + [429] * 4  # the counts are in the database, not in Redis
    owner = Client(REMOTE_ADDR="198.51.100.10")
    response = owner.post("/compte/connexion/", {"username": "alice@example.org", "password": "pw-alice-123"})
    assert response.status_code == 302
    assert "Se déconnecter" in owner.get("/mon-espace/").content.decode()
