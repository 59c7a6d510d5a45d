"""The hub's Redis cache backend: Django's cache API over one ``redis.Redis`` object per server.

Django's own Redis backend builds a new ``redis.Redis`` for every cache operation; each build fills a table of
about 170 response callbacks, which cost more than the round trip itself on our cached pages. The object holds
no connection of its own (its pool does, and is fork- and thread-safe), so one per server is enough. Written on
Django's public ``BaseCache`` and redis-py's public API only; values are stored as Django's backend stores them
(integers as such, so that ``incr`` works; anything else pickled), with the same semantics for every method.

Redis is a helper, never a dependency: after a connection error or a timeout, the server is skipped for
``BREAKER_SECONDS`` (every call raises ``CacheUnavailable`` at once, and every user of the cache has a fallback),
then one caller probes it with a short timeout. A frozen Redis would otherwise hold each request for the socket
timeout on every cache call. The breaker belongs to the server, shared by every thread and every instance of the
backend in the process (Django builds one per thread): the page cache, the content version and the log-in limits
all skip it together. One warning when an outage starts, one when it ends.
"""

import logging
import random
import re
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer

logger = logging.getLogger(__name__)

# Errors that say the server is away or frozen; any other error (a wrong type…) is the caller's.
OUTAGE_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class CacheUnavailable(Exception):
    """The cache did not answer, or is being skipped after an outage: do without it."""


class Breaker:
    """Whether a Redis server may be asked now; one per server URL and process."""

    def __init__(self, url, pause, probe_timeout):
        self.url, self.pause, self.probe_timeout = url, pause, probe_timeout
        self.lock = threading.Lock()
        self.down_since = None  # monotonic time of the first failure of the current outage
        self.retry_at = 0.0

    def allows(self):
        if self.down_since is None:
            return True
        with self.lock:
            if self.down_since is None:
                return True
            if time.monotonic() < self.retry_at:
                return False
            self.retry_at = time.monotonic() + self.pause  # the others keep skipping while this thread probes
        if not self._answers():
            return False
        self.closed()
        return True

    def _answers(self):
        probe = redis.Redis.from_url(self.url, socket_connect_timeout=self.probe_timeout,
                                     socket_timeout=self.probe_timeout)
        try:
            return bool(probe.ping())
        except redis.RedisError:
            return False
        finally:
            probe.close()

    def tripped(self, error):
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = time.monotonic()
            self.retry_at = time.monotonic() + self.pause
        if first:
            logger.warning("Redis injoignable (%s) : ignoré pendant %s s, puis essayé de nouveau", error, self.pause)

    def closed(self):
        with self.lock:
            since, self.down_since = self.down_since, None
        if since is not None:
            logger.warning("Redis de nouveau joignable après %.0f s d’interruption", time.monotonic() - since)


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(url, pause, probe_timeout):
    with _breakers_lock:
        found = _breakers.get(url)
        if found is None:
            found = _breakers[url] = Breaker(url, pause, probe_timeout)
        found.pause, found.probe_timeout = pause, probe_timeout
        return found


class HubRedisCache(BaseCache):
    """LOCATION: one server URL, or several separated by commas: writes go to the first, reads to the others."""

    def __init__(self, server, params):
        super().__init__(params)
        self.servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        self.pool_options = dict(params.get("OPTIONS", {}))
        self.serializer = RedisSerializer()
        self.clients = {}
        pause, probe = float(params.get("BREAKER_SECONDS", 10)), float(params.get("PROBE_TIMEOUT", 0.05))
        self.breakers = [breaker_for(url, pause, probe) for url in self.servers]

    def client(self, *, write=False):
        """The raw redis-py client of one server (tests and tools; the cache methods go through ``_run``)."""
        return self._client(self._index(write))

    def _index(self, write):
        return 0 if write or len(self.servers) == 1 else random.randint(1, len(self.servers) - 1)  # nosec B311

    def _client(self, index):
        found = self.clients.get(index)
        if found is None:
            pool = redis.ConnectionPool.from_url(self.servers[index], **self.pool_options)
            found = self.clients.setdefault(index, redis.Redis(connection_pool=pool))
        return found

    def _run(self, operation, *, write=False):
        """``operation(client)`` on a server the breaker allows; CacheUnavailable when it does not or fails."""
        index = self._index(write)
        breaker = self.breakers[index]
        if not breaker.allows():
            raise CacheUnavailable(f"Redis ignoré après une panne ({self.servers[index]})")
        try:
            return operation(self._client(index))
        except OUTAGE_ERRORS as error:
            breaker.tripped(error)
            raise CacheUnavailable(str(error)) from error

    def ttl(self, timeout=DEFAULT_TIMEOUT):
        """Seconds to live, None for ever (Redis counts from now, unlike BaseCache.get_backend_timeout)."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key, ttl = self.make_and_validate_key(key, version=version), self.ttl(timeout)
        data = self.serializer.dumps(value)

        def operation(client):
            added = bool(client.set(key, data, nx=True, ex=ttl or None))
            if added and ttl == 0:  # already expired: added, then gone
                client.delete(key)
            return added

        return self._run(operation, write=True)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self._run(lambda client: client.get(key))
        return default if value is None else self.serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key, ttl = self.make_and_validate_key(key, version=version), self.ttl(timeout)
        if ttl == 0:
            self._run(lambda client: client.delete(key), write=True)
        else:
            data = self.serializer.dumps(value)
            self._run(lambda client: client.set(key, data, ex=ttl), write=True)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key, ttl = self.make_and_validate_key(key, version=version), self.ttl(timeout)
        return bool(self._run(lambda client: client.persist(key) if ttl is None else client.expire(key, ttl),
                              write=True))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._run(lambda client: client.delete(key), write=True))

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._run(lambda client: client.exists(key)))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)

        def operation(client):
            if not client.exists(key):
                raise ValueError(f"Key '{key}' not found.")
            return client.incr(key, delta)

        return self._run(operation, write=True)

    def get_many(self, keys, version=None):
        named = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not named:
            return {}
        values = self._run(lambda client: client.mget(list(named)))
        return {named[key]: self.serializer.loads(value) for key, value in zip(named, values, strict=True)
                if value is not None}

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        ttl = self.ttl(timeout)
        stored = {self.make_and_validate_key(key, version=version): self.serializer.dumps(value)
                  for key, value in data.items()}

        def operation(client):
            pipeline = client.pipeline()
            if ttl == 0:
                pipeline.delete(*stored)
            else:
                pipeline.mset(stored)
                if ttl is not None:
                    for key in stored:
                        pipeline.expire(key, ttl)
            pipeline.execute()

        self._run(operation, write=True)
        return []

    def delete_many(self, keys, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        if names:
            self._run(lambda client: client.delete(*names), write=True)

    def clear(self):
        return bool(self._run(lambda client: client.flushdb(), write=True))

    def close(self, **kwargs):
        """Connections stay in their pools between requests, as with Django's backend."""
