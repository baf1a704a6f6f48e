"""Faults survived: a cache that is down serves uncached; a database that is down answers 503 with Retry-After
(JSON for the API) and anonymous pages already cached are served stale, marked as such."""

import logging
import socket
import time
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db


def dead_port() -> int:
    """A local port nothing listens on: connections to it are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dead_redis():
    caches = {"default": {"BACKEND": "config.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{dead_port()}/0"}}
    with override_settings(CACHES=caches, ANON_CACHE_SECONDS=60):
        yield


def test_with_redis_down_every_page_is_served_uncached(dead_redis, client, token_client, caplog):
    shelter = ShelterFactory(name="Albergue Sin Caché")
    urls = [reverse("home"), reverse("shelter_list"), shelter.get_absolute_url(), "/api/v1/shelters/", "/admin/login/"]
    with caplog.at_level(logging.ERROR, logger="registry.cache"):
        responses = [client.get(url) for url in urls for _ in range(2)]
        patched = token_client.patch(f"/api/v1/shelters/{shelter.slug}/", {"capacity": 12}, format="json")

    assert [response.status_code for response in responses] == [HTTPStatus.OK] * len(responses)
    assert {response.get("X-Cache") for response in responses if response.has_header("X-Cache")} == {"miss"}
    assert patched.status_code == HTTPStatus.OK
    outages = [record for record in caplog.records if "cache unavailable" in record.getMessage()]
    assert len(outages) == 1  # once, not per request


def test_healthz_reports_a_degraded_cache_without_failing(dead_redis, client):
    response = client.get(reverse("healthz"))

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}


def test_the_cache_is_used_again_once_it_answers(dead_redis, caplog, monkeypatch):
    monkeypatch.setattr("config.redis.RETRY_SECONDS", 0)
    cache.set("k", 1)
    assert cache.get("k") is None and cache.degraded
    # Redis comes back: the same backend, pointed at a server that answers (local memory standing in for it).
    monkeypatch.setattr(type(cache._cache), "get", lambda self, key, default: "back")
    with caplog.at_level(logging.WARNING, logger="registry.cache"):
        assert cache.get("k") == "back"
    assert not cache.degraded
    assert "cache available again" in caplog.text


@pytest.fixture
def database_down(monkeypatch):
    """From now on every query of this request fails as a refused connection does."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    def take_down():
        monkeypatch.setattr(connection, "ensure_connection", refuse)
        monkeypatch.setattr(connection, "cursor", refuse)

    return take_down


@pytest.fixture
def visitor() -> Client:
    return Client(raise_request_exception=False)


def test_with_the_database_down_pages_answer_503_with_retry_after(database_down, visitor):
    database_down()
    response = visitor.get(reverse("shelter_list"))

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Retry-After"].isdigit()
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    assert "base de datos" in response.content.decode()  # Spanish first
    assert "Traceback" not in response.content.decode()


def test_with_the_database_down_the_api_answers_503_in_json(database_down, visitor):
    database_down()
    response = visitor.get("/api/v1/shelters/", HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
    assert int(response["Retry-After"]) > 0


def test_other_server_errors_stay_500_and_json_for_the_api(visitor, monkeypatch):
    monkeypatch.setattr("registry.api.ShelterViewSet.list", lambda *args, **kwargs: 1 / 0)
    response = visitor.get("/api/v1/shelters/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json() == {"detail": "Error del servidor."}


@override_settings(ANON_CACHE_SECONDS=1)
def test_cached_pages_are_served_stale_while_the_database_is_down(database_down, visitor, empty_cache):
    shelter = ShelterFactory(name="Albergue Guardado")
    page = visitor.get(shelter.get_absolute_url())
    api = visitor.get(f"/api/v1/shelters/{shelter.slug}/")
    assert (page["X-Cache"], api["X-Cache"]) == ("miss", "miss")
    time.sleep(1.1)  # past their freshness
    database_down()

    stale_page = visitor.get(shelter.get_absolute_url())
    stale_api = visitor.get(f"/api/v1/shelters/{shelter.slug}/")
    uncached = visitor.get(reverse("state_list"))

    assert stale_page.status_code == HTTPStatus.OK
    assert stale_page["X-Cache"] == "stale"
    assert stale_page["Warning"] == '110 - "Response is Stale"'
    assert "Albergue Guardado" in stale_page.content.decode()
    assert "puede estar desactualizada" in stale_page.content.decode()  # the notice, in the page's language
    assert stale_api.status_code == HTTPStatus.OK
    assert stale_api.json()["name"] == "Albergue Guardado"
    assert stale_api["X-Cache"] == "stale"
    assert uncached.status_code == HTTPStatus.SERVICE_UNAVAILABLE


@override_settings(ANON_CACHE_SECONDS=1, ANON_STALE_SECONDS=0)
def test_no_stale_copies_when_switched_off(database_down, visitor, empty_cache):
    shelter = ShelterFactory()
    visitor.get(shelter.get_absolute_url())
    time.sleep(1.1)
    database_down()

    assert visitor.get(shelter.get_absolute_url()).status_code == HTTPStatus.SERVICE_UNAVAILABLE
