"""The Redis cache backend, with one client per connection pool instead of one per operation.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call, and each build registers some 170
response callbacks: more work than the round trip itself for the small values this site keeps (a data version, a
count, a throttle counter). A `redis.Redis` is safe to share between threads (its pool hands out connections), so
one per pool serves every call. Selected by `CACHE_URL=redis://...` (see config/settings.py).
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class SharedClientRedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
