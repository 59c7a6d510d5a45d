"""The hub's Redis cache backend: Django's cache API over one ``redis.Redis`` object per server.

Django's own Redis backend builds a new ``redis.Redis`` for every cache operation; each build fills a table of
about 170 response callbacks, which cost more than the round trip itself on our cached pages. The object holds
no connection of its own (its pool does, and is fork- and thread-safe), so one per server is enough. Written on
Django's public ``BaseCache`` and redis-py's public API only; values are stored as Django's backend stores them
(integers as such, so that ``incr`` works; anything else pickled), with the same semantics for every method.
"""

import random
import re

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisSerializer


class HubRedisCache(BaseCache):
    """LOCATION: one server URL, or several separated by commas: writes go to the first, reads to the others."""

    def __init__(self, server, params):
        super().__init__(params)
        self.servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        self.pool_options = dict(params.get("OPTIONS", {}))
        self.serializer = RedisSerializer()
        self.clients = {}

    def client(self, *, write=False):
        index = 0 if write or len(self.servers) == 1 else random.randint(1, len(self.servers) - 1)  # nosec B311
        found = self.clients.get(index)
        if found is None:
            pool = redis.ConnectionPool.from_url(self.servers[index], **self.pool_options)
            found = self.clients.setdefault(index, redis.Redis(connection_pool=pool))
        return found

    def ttl(self, timeout=DEFAULT_TIMEOUT):
        """Seconds to live, None for ever (Redis counts from now, unlike BaseCache.get_backend_timeout)."""
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key, ttl = self.make_and_validate_key(key, version=version), self.ttl(timeout)
        client = self.client(write=True)
        added = bool(client.set(key, self.serializer.dumps(value), nx=True, ex=ttl or None))
        if added and ttl == 0:  # already expired: added, then gone
            client.delete(key)
        return added

    def get(self, key, default=None, version=None):
        value = self.client().get(self.make_and_validate_key(key, version=version))
        return default if value is None else self.serializer.loads(value)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key, ttl = self.make_and_validate_key(key, version=version), self.ttl(timeout)
        if ttl == 0:
            self.client(write=True).delete(key)
        else:
            self.client(write=True).set(key, self.serializer.dumps(value), ex=ttl)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key, ttl = self.make_and_validate_key(key, version=version), self.ttl(timeout)
        client = self.client(write=True)
        return bool(client.persist(key) if ttl is None else client.expire(key, ttl))

    def delete(self, key, version=None):
        return bool(self.client(write=True).delete(self.make_and_validate_key(key, version=version)))

    def has_key(self, key, version=None):
        return bool(self.client().exists(self.make_and_validate_key(key, version=version)))

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        client = self.client(write=True)
        if not client.exists(key):
            raise ValueError(f"Key '{key}' not found.")
        return client.incr(key, delta)

    def get_many(self, keys, version=None):
        named = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not named:
            return {}
        values = self.client().mget(list(named))
        return {named[key]: self.serializer.loads(value) for key, value in zip(named, values, strict=True)
                if value is not None}

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        if not data:
            return []
        ttl = self.ttl(timeout)
        stored = {self.make_and_validate_key(key, version=version): self.serializer.dumps(value)
                  for key, value in data.items()}
        pipeline = self.client(write=True).pipeline()
        if ttl == 0:
            pipeline.delete(*stored)
        else:
            pipeline.mset(stored)
            if ttl is not None:
                for key in stored:
                    pipeline.expire(key, ttl)
        pipeline.execute()
        return []

    def delete_many(self, keys, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        if names:
            self.client(write=True).delete(*names)

    def clear(self):
        return bool(self.client(write=True).flushdb())

    def close(self, **kwargs):
        """Connections stay in their pools between requests, as with Django's backend."""
