"""Request throttles that count per fixed window with one atomic cache increment."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache, caches
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class WindowCountThrottleMixin:
    """Counts requests per fixed window with one atomic `cache.incr`.

    DRF's own throttles keep every request time of a client in a cached list that is read, trimmed and written back
    whole on each request: at a high allowed rate that list, and its cost, grows with the traffic, and concurrent
    workers overwrite each other's copy. A counter per window costs the same at any rate and is exact across workers
    sharing one cache (Redis in production).
    """

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return self.count(f"{key}:{window}", self.duration + 1) <= self.num_requests

    def count(self, key: str, timeout: int) -> int:
        """This request's number in the window: one round trip to Redis, a few calls to any other cache."""
        backend = caches["default"] if self.cache is cache else self.cache  # the backend behind the proxy
        # A backend that counts with an expiry in one step does so (the site's Redis backend: one round trip, and
        # it lets the request through while Redis is down).
        incr_with_expiry = getattr(backend, "incr_with_expiry", None)
        if incr_with_expiry is not None:
            return incr_with_expiry(key, timeout)
        try:
            return self.cache.incr(key)
        except ValueError:  # the window's first request (or a cache that stores nothing)
            return 1 if self.cache.add(key, 1, timeout) else self.cache.incr(key)

    def wait(self) -> float:
        return max(self.window_ends - self.now, 0.0)


class AnonThrottle(WindowCountThrottleMixin, AnonRateThrottle):
    """Anonymous clients, per address: API_ANON_RATE."""


class UserThrottle(WindowCountThrottleMixin, UserRateThrottle):
    """Signed-in clients, per account: API_USER_RATE. Anonymous clients answer to AnonThrottle alone."""

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
