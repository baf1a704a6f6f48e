"""Throttling: anonymous clients per address under API_ANON_RATE, signed-in clients per account under API_USER_RATE."""

from http import HTTPStatus
from unittest import mock

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from config.redis import RedisCache
from tests.api.conftest import API, client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    yield
    cache.clear()


def test_anonymous_clients_are_throttled_with_retry_after(low_rates, client):
    statuses = [client.get(f"{API}/donors/").status_code for _ in range(4)]
    refused = client.get(f"{API}/donors/")

    assert statuses == [200, 200, 200, 429]
    assert refused.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["detail"]


def test_signed_in_clients_have_their_own_allowance(low_rates, client):
    for _ in range(3):
        client.get(f"{API}/donors/")
    staff = client_for(UserFactory(is_staff=True), token=True)

    statuses = [staff.get(f"{API}/donors/").status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]


def test_the_token_endpoint_is_throttled_too(low_rates, client):
    statuses = [client.post(f"{API}/auth/token/", {"username": "x", "password": "y"}).status_code for _ in range(4)]

    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS


def _redis_url() -> str | None:
    try:
        import redis

        redis.Redis(host="127.0.0.1", port=6379, db=13, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001 - no server here
        return None
    return "redis://127.0.0.1:6379/13"


@pytest.mark.skipif(_redis_url() is None, reason="no Redis server on 127.0.0.1:6379 to test the Redis path against")
def test_counting_in_redis_is_one_counter_per_window_with_an_expiry(monkeypatch, settings, client):
    settings.CACHES = {"default": {"BACKEND": "config.redis.RedisCache", "LOCATION": _redis_url()}}
    from django.core.cache import cache as redis_cache

    redis_cache.clear()
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "2/min", "user": "5/min"})

    with mock.patch.object(RedisCache, "incr", side_effect=AssertionError("the pipeline counts, not incr()")):
        statuses = [client.get(f"{API}/donors/").status_code for _ in range(3)]
    client_redis = redis_cache._cache.get_client(write=True)
    keys = client_redis.keys("*throttle_anon*")

    assert statuses == [200, 200, 429]
    assert len(keys) == 1 and int(client_redis.get(keys[0])) == 3
    assert 0 < client_redis.ttl(keys[0]) <= 61
    redis_cache.clear()


@pytest.mark.skipif(_redis_url() is None, reason="no Redis server on 127.0.0.1:6379 to test the Redis path against")
def test_the_redis_backend_reuses_one_client_per_pool(settings):
    settings.CACHES = {"default": {"BACKEND": "config.redis.RedisCache", "LOCATION": _redis_url()}}
    from django.core.cache import cache as redis_cache

    redis_cache.set("k", 1)
    redis_cache.incr("k")

    assert redis_cache.get("k") == 2
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client("other", write=True)
    redis_cache.clear()
