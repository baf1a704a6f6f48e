"""The anonymous page cache: hits cost no queries, any change to a record invalidates, signed-in users bypass it."""

import datetime as dt
import gzip
import re
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.middleware import _cache_key, _capture
from registry.hours import OpeningHours, next_change
from registry.versioned_cache import data_version
from tests.conftest import committed
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


@override_settings(ROOT_URLCONF="tests.production.urls")
def test_a_page_with_a_nonce_missed_by_a_gzip_client_still_gets_fresh_nonces(client):
    for expected in ("miss", "hit"):
        response = client.get("/nonce/", headers=GZIP)
        assert response["X-Cache"] == expected
        # Compressed on the way out when it missed; kept plain in the cache, for its nonce to be replaced.
        assert response.get("Content-Encoding") == ("gzip" if expected == "miss" else None)
        body = gzip.decompress(response.content) if expected == "miss" else response.content
        body_nonce = re.search(r'nonce="([^"]+)"', body.decode()).group(1)
        assert f"'nonce-{body_nonce}'" in response["Content-Security-Policy"]


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
    assert gzip.decompress(cache.get("anon-page:test")["content"]) == b"firstsecond"


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_bodies_are_cached_compressed_and_sent_so_to_clients_that_accept_gzip(api_client):
    for n in range(3):
        ShelterFactory(name=f"Albergue {n}", latitude="14.9", longitude="-92.26")
    url = reverse("api:shelter-list")
    first = api_client.get(url, {"format": "geojson"})
    body = b"".join(first.streaming_content)
    stored = cache.get(_cache_key(first.wsgi_request))
    assert stored["gzip"] and gzip.decompress(stored["content"]) == body
    plain = api_client.get(url, {"format": "geojson"})
    assert plain["X-Cache"] == "hit" and "Content-Encoding" not in plain
    assert plain.content == body
    encoded = api_client.get(url, {"format": "geojson"}, headers=GZIP)
    assert (encoded["X-Cache"], encoded["Content-Encoding"]) == ("hit", "gzip")
    assert "Accept-Encoding" in encoded["Vary"]
    assert int(encoded["Content-Length"]) == len(encoded.content) < len(body)
    assert gzip.decompress(encoded.content) == body


def test_a_page_missed_by_a_gzip_client_is_replayed_plain_to_others(client):
    ShelterFactory(name="Albergue Belén")
    url = reverse("shelter_list")
    first = client.get(url, headers=GZIP)
    assert (first["X-Cache"], first["Content-Encoding"]) == ("miss", "gzip")
    page = gzip.decompress(first.content)
    assert "Albergue Belén" in page.decode()
    again = client.get(url, headers=GZIP)
    assert (again["X-Cache"], again["Content-Encoding"], again.content) == ("hit", "gzip", first.content)
    plain = client.get(url)
    assert plain["X-Cache"] == "hit" and "Content-Encoding" not in plain
    assert plain.content == page


def test_a_hit_skips_sessions_and_authentication_but_keeps_the_headers(client):
    ShelterFactory()
    url = reverse("shelter_list")
    first = client.get(url)
    hit = client.get(url)
    assert hit["X-Cache"] == "hit"
    assert not hasattr(hit.wsgi_request, "user") and not hasattr(hit.wsgi_request, "session")
    for name in ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Referrer-Policy"):
        assert hit[name] == first[name]


@override_settings(SECURE_SSL_REDIRECT=True)
def test_a_cached_page_is_never_served_over_plain_http(client):
    """The HTTPS redirect comes before the cache."""
    ShelterFactory()
    url = reverse("shelter_list")
    assert client.get(url, secure=True)["X-Cache"] == "miss"
    assert client.get(url, secure=True)["X-Cache"] == "hit"
    insecure = client.get(url)
    assert insecure.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert insecure["Location"].startswith("https://")


def test_an_api_record_keeps_its_strong_etag_for_if_match(api_client):
    """gzip would make the ETag weak, and a weak ETag never satisfies If-Match: a record's body goes plain."""
    shelter = ShelterFactory()
    url = reverse("api:shelter-detail", kwargs={"slug": shelter.slug})
    for expected in ("miss", "hit"):
        response = api_client.get(url, headers=GZIP)
        assert response["X-Cache"] == expected
        assert "Content-Encoding" not in response
        assert response["ETag"].startswith('"')


@committed
@pytest.mark.parametrize("cached", [False, True])
def test_the_export_cache_sends_its_gzip_copy_as_it_is(api_client, cached):
    """With or without the page cache, a repeated export to a client that accepts gzip is the stored gzip file.
    (Outside a transaction, as in production: inside one the export cache is not used.)"""
    ShelterFactory(name="Albergue Belén", latitude="14.9", longitude="-92.26")
    url = reverse("api:shelter-list")
    with override_settings(ANON_CACHE_SECONDS=60 if cached else 0):
        body = b"".join(api_client.get(url, {"format": "csv"}).streaming_content)
        again = api_client.get(url, {"format": "csv"}, headers=GZIP)
    assert again["Content-Encoding"] == "gzip" and not again.streaming
    assert gzip.decompress(again.content) == body


def test_a_page_expires_when_a_shelter_opens_or_closes(client, time_machine):
    """A cached "open now" must not outlive the closing time: the entry is fresh until the next opening or closing
    time of any shelter (in any zone), not for the whole ANON_CACHE_SECONDS."""
    time_machine.move_to(dt.datetime(2026, 3, 2, 17, 50, tzinfo=ZoneInfo("America/Mexico_City")), tick=False)
    shelter = ShelterFactory(name="Albergue Belén", state=state("MX-CHP"))
    OpeningHours.objects.create(shelter=shelter, weekday=1, opens_at=dt.time(9), closes_at=dt.time(18))
    url = reverse("shelter_detail", kwargs={"slug": shelter.slug})
    with override_settings(ANON_CACHE_SECONDS=3600):
        assert client.get(url)["X-Cache"] == "miss"
        assert client.get(url)["X-Cache"] == "hit"
        time_machine.move_to(dt.datetime(2026, 3, 2, 18, 0, 1, tzinfo=ZoneInfo("America/Mexico_City")), tick=False)
        after = client.get(url)
    assert after["X-Cache"] == "miss"


def test_next_change_is_the_nearest_opening_or_closing_or_midnight_in_any_zone():
    centre = ZoneInfo("America/Mexico_City")
    at = dt.datetime(2026, 3, 2, 17, 50, tzinfo=centre)
    assert next_change([dt.time(9), dt.time(18)], at) == dt.datetime(2026, 3, 2, 18, 0, tzinfo=centre)
    # The Pacific zones (an hour behind the centre; Tijuana under US daylight saving time) reach 9:00 at 10:00 in the
    # centre; Cancún (one hour ahead) reaches 18:00 at 17:00 in the centre.
    early = dt.datetime(2026, 3, 10, 9, 30, tzinfo=centre)
    assert next_change([dt.time(9)], early) == dt.datetime(2026, 3, 10, 10, 0, tzinfo=centre)
    assert next_change([dt.time(18)], dt.datetime(2026, 3, 10, 16, 0, tzinfo=centre)) == dt.datetime(
        2026, 3, 10, 17, 0, tzinfo=centre
    )
    # No opening hours anywhere: the next local midnight (Cancún's comes first, at 23:00 in the centre).
    assert next_change([], dt.datetime(2026, 3, 2, 12, 0, tzinfo=centre)) == dt.datetime(
        2026, 3, 2, 23, 0, tzinfo=centre
    )
