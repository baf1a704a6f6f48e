"""The Redis cache backend: one client per connection pool, and uncached serving while Redis is unreachable.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call, and each build registers some 170
response callbacks: more work than the round trip itself for the small values this site keeps (a data version, a
count, a throttle counter). A `redis.Redis` is safe to share between threads (its pool hands out connections), so
one per pool serves every call. Selected by `CACHE_URL=redis://...` (see config/settings.py).

The cache only ever saves work, so losing it must not lose the site: while Redis cannot be reached every read
misses and every write is dropped, the outage is logged once per process (and its end once), and Redis is tried
again only every `RETRY_SECONDS`, so requests do not each wait for a connection timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends import redis as django_redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("registry.cache")

# Errors that mean "Redis is not there", as opposed to a bug in how it is used (those still raise).
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 5.0


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


def _tolerant(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run the cache call; while Redis is unreachable, answer `fallback(*args)` instead (a miss, a dropped write)."""

    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def call(self: RedisCache, *args: Any, **kwargs: Any) -> Any:
            if self.degraded and time.monotonic() < self._retry_at:
                return fallback(*args, **kwargs)
            try:
                result = method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                self._went_down(exc)
                return fallback(*args, **kwargs)
            self._came_back()
            return result

        return call

    return decorate


def _default(key: Any, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _false(*args: Any, **kwargs: Any) -> bool:
    return False


def _no_keys(*args: Any, **kwargs: Any) -> dict:
    return {}


def _all_failed(data: dict, *args: Any, **kwargs: Any) -> list:
    return list(data)


def _first_count(key: Any, delta: int = 1, *args: Any, **kwargs: Any) -> int:
    # A counter nobody can read counts from the start: throttles let the request through rather than fail it.
    return delta


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
        self.degraded = False
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def _went_down(self, exc: Exception) -> None:
        with self._lock:
            first = not self.degraded
            self.degraded = True
            self._retry_at = time.monotonic() + RETRY_SECONDS
        if first:
            logger.error("cache unavailable, serving uncached until it answers again: %s", exc)

    def _came_back(self) -> None:
        if self.degraded:
            with self._lock:
                was_down, self.degraded = self.degraded, False
            if was_down:
                logger.warning("cache available again")

    def ping(self) -> bool:
        """Whether Redis answers now (for /healthz): tried every time, whatever the retry schedule says."""
        try:
            self._cache.get_client(write=True).ping()
        except UNREACHABLE as exc:
            self._went_down(exc)
            return False
        self._came_back()
        return True

    @_tolerant(lambda key, timeout: 1)
    def incr_with_expiry(self, key: str, timeout: int) -> int:
        """Create the counter with an expiry if it is new, and count one, in one round trip (for the throttles:
        Django's incr() takes two and sets no expiry)."""
        full_key = self.make_and_validate_key(key)
        pipe = self._cache.get_client(full_key, write=True).pipeline(transaction=False)
        pipe.set(full_key, 0, ex=timeout, nx=True)
        pipe.incr(full_key)
        return pipe.execute()[1]

    get = _tolerant(_default)(django_redis.RedisCache.get)
    get_many = _tolerant(_no_keys)(django_redis.RedisCache.get_many)
    has_key = _tolerant(_false)(django_redis.RedisCache.has_key)
    add = _tolerant(_false)(django_redis.RedisCache.add)
    set = _tolerant(_nothing)(django_redis.RedisCache.set)
    set_many = _tolerant(_all_failed)(django_redis.RedisCache.set_many)
    touch = _tolerant(_false)(django_redis.RedisCache.touch)
    incr = _tolerant(_first_count)(django_redis.RedisCache.incr)
    delete = _tolerant(_false)(django_redis.RedisCache.delete)
    delete_many = _tolerant(_nothing)(django_redis.RedisCache.delete_many)
    clear = _tolerant(_false)(django_redis.RedisCache.clear)
