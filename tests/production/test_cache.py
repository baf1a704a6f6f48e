"""The anonymous page cache: hits cost no queries, any change to a record invalidates, signed-in users bypass it."""

import re
import zlib
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.middleware import _cache_key, _capture
from registry.versioned_cache import data_version
from tests.factories import ArticleFactory, ProjectFactory, ServiceFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def anon_cache():
    cache.clear()
    with override_settings(ANON_CACHE_SECONDS=60):
        yield
    cache.clear()


def test_second_anonymous_visit_is_served_from_the_cache(client, django_assert_num_queries):
    ShelterFactory(name="Albergue Belén")
    url = reverse("shelter_list")
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == HTTPStatus.OK
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert "Albergue Belén" in second.content.decode()
    # The outer middleware still adds its headers to a replayed page.
    assert "Content-Security-Policy" in second
    assert second["X-Frame-Options"] == "DENY"


def test_cache_is_keyed_by_url_and_language(client):
    ShelterFactory(name="Albergue Belén")
    ShelterFactory(name="Casa del Migrante", state=state("MX-BCN"))
    south = client.get(reverse("shelter_list"), {"region": "south"}).content.decode()
    north = client.get(reverse("shelter_list"), {"region": "north"}).content.decode()
    assert "Albergue Belén" in south and "Casa del Migrante" not in south
    assert "Casa del Migrante" in north and "Albergue Belén" not in north
    with override_settings(LANGUAGE_CODE="en"):
        spanish = client.get("/es/shelters/").content.decode()
        english = client.get("/en/shelters/").content.decode()
    assert '<html lang="es"' in spanish
    assert '<html lang="en"' in english


def test_saving_a_record_invalidates_cached_pages(client, django_capture_on_commit_callbacks):
    # Each block stands for one committed transaction (the test's own transaction never commits).
    with django_capture_on_commit_callbacks(execute=True):
        shelter = ShelterFactory(name="Albergue Belén")
    url = reverse("shelter_list")
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        shelter.name = "Albergue Hermanos en el Camino"
        shelter.save()
    html = client.get(url).content.decode()
    assert "Albergue Hermanos en el Camino" in html
    assert "Albergue Belén" not in html


@pytest.mark.parametrize("change", ["m2m", "delete", "other_app"])
def test_related_changes_invalidate_too(client, django_capture_on_commit_callbacks, change):
    with django_capture_on_commit_callbacks(execute=True):
        shelter = ShelterFactory(name="Albergue Belén")
    client.get(reverse("shelter_list"))
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "m2m":
            shelter.services.add(ServiceFactory())
        elif change == "delete":
            shelter.delete()
        else:
            ArticleFactory()
    assert data_version() > before


def test_a_change_is_invisible_to_the_cache_until_commit(client, django_capture_on_commit_callbacks):
    """Bumping before the commit would let a concurrent request cache the old rows under the new version."""
    before = data_version()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        shelter = ShelterFactory()
        shelter.save()
        shelter.services.add(ServiceFactory())
        ProjectFactory()
    assert data_version() == before
    assert len(callbacks) == 1  # one bump per transaction, however many rows it wrote
    callbacks[0]()
    assert data_version() > before


def test_signed_in_users_never_get_or_fill_the_cache(client, staff_client, django_assert_num_queries):
    ShelterFactory(name="Albergue Belén")
    url = reverse("shelter_list")
    staff_page = staff_client.get(url)
    assert staff_page.status_code == HTTPStatus.OK
    assert "X-Cache" not in staff_page
    client.get(url)  # fills the cache for anonymous visitors
    with django_assert_num_queries(0):
        client.get(url)
    response = staff_client.get(url)
    assert "X-Cache" not in response
    assert response.wsgi_request.user.is_staff


def test_authorization_header_bypasses_the_cache(client):
    ShelterFactory()
    url = reverse("shelter_list")
    client.get(url)
    response = client.get(url, headers={"Authorization": "Token abc"})
    assert "X-Cache" not in response


def test_errors_are_not_cached(client):
    missing = reverse("shelter_detail", kwargs={"slug": "no-such-shelter"})
    assert client.get(missing).status_code == HTTPStatus.NOT_FOUND
    response = client.get(missing)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["X-Cache"] == "miss"


@override_settings(ROOT_URLCONF="tests.production.urls")
@pytest.mark.parametrize("url", ["/cookie/", "/csrf/", "/session/"])
def test_pages_that_touch_per_visitor_state_are_not_cached(client, url):
    """A Set-Cookie, a CSRF token or anything read from the session ties a page to one visitor."""
    assert client.get(url)["X-Cache"] == "miss"
    client.cookies.clear()
    assert client.get(url)["X-Cache"] == "miss"


@override_settings(ROOT_URLCONF="tests.production.urls")
def test_reading_an_empty_session_does_not_prevent_caching(client):
    """Checking whether the visitor is signed in (as DRF's session authentication does) reads the session."""
    assert client.get("/reads-session/")["X-Cache"] == "miss"
    hit = client.get("/reads-session/")
    assert (hit["X-Cache"], hit.content) == ("hit", b"signed in: False")


def test_api_reads_are_cached_for_anonymous_clients(api_client, django_assert_num_queries):
    ShelterFactory(name="Albergue Belén")
    url = reverse("api:shelter-list")
    first = api_client.get(url, {"page_size": 50})
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = api_client.get(url, {"page_size": 50})
    assert second["X-Cache"] == "hit"
    assert second.json() == first.json()
    assert second["ETag"] == first["ETag"]
    revalidated = api_client.get(url, {"page_size": 50}, headers={"If-None-Match": first["ETag"]})
    assert revalidated.status_code == HTTPStatus.NOT_MODIFIED
    assert revalidated["X-Cache"] == "hit"


@override_settings(ROOT_URLCONF="tests.production.urls")
def test_unprefixed_urls_are_cached_per_language(client):
    assert client.get("/language/", headers={"Accept-Language": "en"}).content == b"en"
    assert client.get("/language/", headers={"Accept-Language": "es"}).content == b"es"
    hit = client.get("/language/", headers={"Accept-Language": "en"})
    assert (hit["X-Cache"], hit.content) == ("hit", b"en")


@override_settings(ROOT_URLCONF="tests.production.urls")
def test_replayed_pages_get_a_fresh_csp_nonce(client):
    """A nonce read from one response must not unlock scripts in another."""
    nonces = []
    for expected in ("miss", "hit", "hit"):
        response = client.get("/nonce/")
        assert response["X-Cache"] == expected
        body_nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        assert f"'nonce-{body_nonce}'" in response["Content-Security-Policy"]
        nonces.append(body_nonce)
    assert len(set(nonces)) == 3


@override_settings(ANON_CACHE_SECONDS=0)
def test_zero_seconds_turns_the_cache_off(client):
    ShelterFactory()
    url = reverse("shelter_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert "X-Cache" not in response
    assert len(queries) > 0


def test_streamed_exports_are_cached_once_complete(api_client, django_assert_num_queries):
    ShelterFactory(name="Albergue Belén", latitude="14.9", longitude="-92.26")
    url = reverse("api:shelter-list")
    first = api_client.get(url, {"format": "geojson"})
    assert first.streaming and first["X-Cache"] == "miss"
    body = b"".join(first.streaming_content)
    with django_assert_num_queries(0):
        second = api_client.get(url, {"format": "geojson"})
    assert second["X-Cache"] == "hit"
    assert second.content == body
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]


def test_large_exports_are_not_cached(api_client, monkeypatch):
    ShelterFactory(latitude="14.9", longitude="-92.26")
    url = reverse("api:shelter-list")
    monkeypatch.setattr("registry.stream_cache.MAX_CAPTURED_BYTES", 10)
    b"".join(api_client.get(url, {"format": "geojson"}).streaming_content)
    assert api_client.get(url, {"format": "geojson"})["X-Cache"] == "miss"


def test_an_abandoned_stream_is_not_cached():
    """The client went away after the first chunk: there is nothing complete to cache."""
    stream = _capture(iter([b"first", b"second"]), "anon-page:test", {"status": 200, "headers": {}})
    assert next(stream) == b"first"
    stream.close()
    assert cache.get("anon-page:test") is None
    assert list(_capture(iter([b"first", b"second"]), "anon-page:test", {"status": 200})) == [b"first", b"second"]
    assert zlib.decompress(cache.get("anon-page:test")["content"]) == b"firstsecond"


def test_large_bodies_are_cached_compressed(api_client, monkeypatch):
    monkeypatch.setattr("config.middleware.COMPRESS_ABOVE_BYTES", 100)
    for n in range(3):
        ShelterFactory(name=f"Albergue {n}", latitude="14.9", longitude="-92.26")
    url = reverse("api:shelter-list")
    first = api_client.get(url, {"format": "geojson"})
    body = b"".join(first.streaming_content)
    stored = cache.get(_cache_key(first.wsgi_request))
    assert stored["compressed"] and len(stored["content"]) < len(body)
    assert api_client.get(url, {"format": "geojson"}).content == body
