"""Django's Redis cache backend, with one ``redis.Redis`` object per connection pool instead of one per call.

Django's client builds a new ``redis.Redis`` for every cache operation; each build fills a table of about 170
response callbacks, which cost more than the round trip itself on our cached pages. The object holds no
connection of its own (the pool does, and is fork- and thread-safe), so one per pool is enough.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)  # the first server for writes, any other for reads
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class HubRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
