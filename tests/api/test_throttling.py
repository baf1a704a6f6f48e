"""Throttling: anonymous clients per address under API_ANON_RATE, signed-in clients per account under API_USER_RATE."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

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
