"""The Redis backend of the hub (core.redis_cache) against the real Redis server, as production uses it."""

import os
import socket
import uuid

import pytest

from core.redis_cache import HubRedisCache


def _redis_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


# In CI Redis is always there (.ci/run starts it): a missing one is a failure, never a skip.
pytestmark = pytest.mark.skipif(
    not _redis_reachable() and not os.environ.get("CI"), reason="no Redis at 127.0.0.1:6379 (CI always has one)"
)


@pytest.fixture
def redis_cache():
    backend = HubRedisCache("redis://127.0.0.1:6379/2", {"KEY_PREFIX": f"hub-test-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["a", "b", "n", "gone"])
    backend.close()


def test_every_operation_the_hub_uses_works_on_the_real_server(redis_cache):
    assert redis_cache.add("a", {"page": b"<html>"}, 30)
    assert not redis_cache.add("a", "second", 30)  # add keeps the first value: the content version relies on it
    redis_cache.set("b", ("version", "text/html", ["Cookie"], b"body"), 30)
    assert redis_cache.get_many(["a", "b", "missing"]) == {
        "a": {"page": b"<html>"},
        "b": ("version", "text/html", ["Cookie"], b"body"),
    }
    redis_cache.set("n", 1, 30)
    assert redis_cache.incr("n") == 2
    redis_cache.set("gone", "x", 30)
    redis_cache.delete("gone")
    assert redis_cache.get("gone", "default") == "default"


def test_the_rest_of_django_s_cache_api_behaves_as_django_s_own_backend(redis_cache):
    redis_cache.set_many({"a": "un", "b": 2}, 30)
    assert redis_cache.has_key("a") and redis_cache.get_many(["a", "b"]) == {"a": "un", "b": 2}
    assert redis_cache.touch("a", None) and redis_cache.client().ttl(redis_cache.make_key("a")) == -1  # for ever
    assert redis_cache.touch("a", 60) and 0 < redis_cache.client().ttl(redis_cache.make_key("a")) <= 60
    assert not redis_cache.touch("missing", 60)
    redis_cache.set("b", "now gone", 0)  # a zero timeout expires at once, as in Django
    assert not redis_cache.has_key("b")
    assert redis_cache.add("gone", "x", 0) and not redis_cache.has_key("gone")
    redis_cache.delete_many(["a", "b"])
    assert redis_cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        redis_cache.incr("missing")


def test_one_redis_client_serves_every_call_instead_of_one_built_per_call(redis_cache):
    first = redis_cache.client()
    assert redis_cache.client() is first
    assert redis_cache.client(write=True) is first  # a single server: reads and writes share it


def test_with_replicas_writes_go_to_the_first_server_and_reads_to_the_others():
    servers = "redis://127.0.0.1:6379/3,redis://127.0.0.1:6379/4"
    backend = HubRedisCache(servers, {"KEY_PREFIX": f"hub-test-{uuid.uuid4().hex}"})
    try:
        writer, reader = backend.client(write=True), backend.client()
        assert writer.connection_pool.connection_kwargs["db"] == 3
        assert reader.connection_pool.connection_kwargs["db"] == 4
        assert backend.client() is reader
        backend.set("written", "once", 30)
        assert reader.get(backend.make_key("written")) is None  # not replicated here: the read went to the other
    finally:
        backend.close()
