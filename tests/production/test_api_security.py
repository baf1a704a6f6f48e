"""Security of the API: headers, throttling, read-only for anonymous clients, no browsable API in production."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from registry.models import Shelter
from tests.factories import ShelterFactory, UserFactory, state
from tests.production.test_security import assert_security_headers

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter():
    return ShelterFactory(name="Albergue Belén", slug="albergue-belen")


def test_api_responses_send_security_headers(api_client, shelter):
    for url in (reverse("api:shelter-list"), reverse("api:shelter-detail", kwargs={"slug": shelter.slug})):
        response = api_client.get(url)
        assert response.status_code == HTTPStatus.OK
        assert_security_headers(response)


@pytest.fixture
def low_throttle(monkeypatch):
    # DRF reads the rates once, at import; the throttles count in the real (default) cache.
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "3/min", "user": "5/min"})
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clients_get_429_past_the_throttle(api_client, shelter, low_throttle):
    url = reverse("api:shelter-list")
    for _ in range(3):
        assert api_client.get(url).status_code == HTTPStatus.OK
    response = api_client.get(url)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert int(response["Retry-After"]) > 0
    # Counted per client: another address is not affected.
    assert api_client.get(url, REMOTE_ADDR="198.51.100.20").status_code == HTTPStatus.OK


def test_signed_in_clients_have_their_own_higher_limit(token_client, shelter, low_throttle):
    url = reverse("api:shelter-list")
    statuses = [token_client.get(url).status_code for _ in range(6)]
    assert statuses == [HTTPStatus.OK] * 5 + [HTTPStatus.TOO_MANY_REQUESTS]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_anonymous_writes_are_refused(api_client, shelter, method):
    url = (
        reverse("api:shelter-list")
        if method == "post"
        else reverse("api:shelter-detail", kwargs={"slug": shelter.slug})
    )
    body = {"name": "Renamed", "slug": "renamed", "state": "MX-CHP"}
    response = getattr(api_client, method)(url, body, format="json")
    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert list(Shelter.objects.values_list("name", flat=True)) == ["Albergue Belén"]


def test_writes_need_staff_with_the_permission(shelter):
    user = UserFactory(username="reader")  # signed in, but neither staff nor granted the permission
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    url = reverse("api:shelter-detail", kwargs={"slug": shelter.slug})
    assert client.patch(url, {"name": "Renamed"}, format="json").status_code == HTTPStatus.FORBIDDEN
    assert client.delete(url).status_code == HTTPStatus.FORBIDDEN
    assert Shelter.objects.get().name == "Albergue Belén"


def test_no_browsable_api_with_debug_off(api_client, shelter):
    url = reverse("api:shelter-list")
    response = api_client.get(url, HTTP_ACCEPT="text/html")
    assert not response.get("Content-Type", "").startswith("text/html")
    assert b"Django REST framework" not in response.content
    assert api_client.get(url, {"format": "api"}).status_code == HTTPStatus.NOT_FOUND


def test_script_in_a_shelter_name_stays_data_in_the_api(api_client):
    ShelterFactory(name="<script>alert(1)</script>", slug="xss", state=state("MX-CHP"))
    response = api_client.get(reverse("api:shelter-list"))
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["results"][0]["name"] == "<script>alert(1)</script>"
