"""Conditional GET (ETag, Last-Modified, 304) and the caches kept under the data version (registry.versioned_cache).

The cached paths only run outside transactions (a transaction may hold writes the version does not know yet), so
the tests of those commit for real: transaction=True, with the migrated reference data restored afterwards.
"""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import API, body
from tests.conftest import committed
from tests.factories import ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.usefixtures("empty_cache")


@pytest.mark.django_db
def test_list_and_detail_answer_304_to_their_etag(client):
    shelter = ShelterFactory()
    for url in [f"{API}/shelters/", f"{API}/shelters/{shelter.slug}/", f"{API}/shelters/facets/"]:
        first = client.get(url)
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

        assert first.status_code == HTTPStatus.OK and first["ETag"]
        assert again.status_code == HTTPStatus.NOT_MODIFIED, url
        assert again.content == b""


@pytest.mark.django_db
def test_etag_changes_with_the_content(client):
    shelter = ShelterFactory(capacity=10)
    url = f"{API}/shelters/{shelter.slug}/"
    before = client.get(url)["ETag"]
    shelter.capacity = 11
    shelter.save()

    response = client.get(url, HTTP_IF_NONE_MATCH=before)

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != before
    assert response.json()["capacity"] == 11


@pytest.mark.django_db
def test_detail_has_last_modified_and_honours_if_modified_since(client):
    shelter = ShelterFactory()
    url = f"{API}/shelters/{shelter.slug}/"
    first = client.get(url)

    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert first["Last-Modified"]
    assert again.status_code == HTTPStatus.NOT_MODIFIED


@pytest.mark.django_db
def test_lists_vary_on_accept(client):
    ShelterFactory()

    response = client.get(f"{API}/shelters/")

    assert "Accept" in response["Vary"]


@committed
def test_counts_are_cached_until_the_data_changes(client):
    ShelterFactory(state=state("MX-CHP"))
    url = f"{API}/shelters/?region=south"
    assert client.get(url).json()["count"] == 1

    with CaptureQueriesContext(connection) as queries:
        cached = client.get(url + "&page_size=5").json()
    ShelterFactory(state=state("MX-OAX"))  # commits: the data version moves on
    fresh = client.get(url).json()

    assert cached["count"] == 1
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert fresh["count"] == 2 and len(fresh["results"]) == 2


@committed
def test_exports_are_kept_until_the_data_changes(client):
    ProjectFactory(projects_id="PR.0001", prima_id="MX10P0001")
    url = f"{API}/projects/?format=iati"
    first = client.get(url)
    first_body = body(first)

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
        again_body = body(again)
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    ProjectFactory(projects_id="PR.0002", prima_id="MX10P0002")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    changed_body = body(changed)

    assert again_body == first_body
    assert len(queries) == 0
    assert revalidated.status_code == HTTPStatus.NOT_MODIFIED
    assert changed.status_code == HTTPStatus.OK
    assert b"PR.0002" in changed_body and b"PR.0002" not in first_body


@committed
def test_an_export_cut_short_is_not_kept(client):
    ShelterFactory()
    response = client.get(f"{API}/shelters/?format=geojson")
    next(iter(response.streaming_content))  # the client reads a little and hangs up
    response.close()

    assert not [key for key in cache._cache if "api-export" in str(key)]
