"""No lost update over HTTP: If-Match with the ETag a read answered (412 when it no longer matches) and the
record's `version` in the body (409 with the current version when stale)."""

from http import HTTPStatus

import pytest

from registry.models import Shelter
from tests.api.conftest import API
from tests.factories import CooperationAgreementFactory, ShelterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter():
    return ShelterFactory(name="Albergue Precondición", capacity=10)


def test_if_match_with_the_current_etag_writes(token_client, shelter):
    etag = token_client.get(f"{API}/shelters/{shelter.slug}/")["ETag"]

    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"capacity": 11}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["capacity"] == 11


def test_if_match_with_an_old_etag_is_412_and_changes_nothing(token_client, shelter):
    etag = token_client.get(f"{API}/shelters/{shelter.slug}/")["ETag"]
    token_client.patch(f"{API}/shelters/{shelter.slug}/", {"capacity": 11}, format="json")

    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"capacity": 99}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED
    assert "detail" in response.json()
    assert response["ETag"] == token_client.get(f"{API}/shelters/{shelter.slug}/")["ETag"]
    assert Shelter.objects.get(pk=shelter.pk).capacity == 11


def test_a_made_up_etag_is_412(token_client, shelter):
    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"capacity": 12}, format="json", HTTP_IF_MATCH='"deadbeef"'
    )

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED


def test_a_related_change_moves_the_etag_too(token_client, shelter):
    """The ETag is of what a read shows: a new agreement of the shelter changes it although the shelter did not."""
    etag = token_client.get(f"{API}/shelters/{shelter.slug}/")["ETag"]
    CooperationAgreementFactory(shelter=shelter)

    response = token_client.put(
        f"{API}/shelters/{shelter.slug}/",
        {"name": shelter.name, "state": shelter.state.iso_code, "municipality": "Tapachula"},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code == HTTPStatus.PRECONDITION_FAILED


def test_if_match_star_and_a_list_of_etags(token_client, shelter):
    etag = token_client.get(f"{API}/shelters/{shelter.slug}/")["ETag"]
    url = f"{API}/shelters/{shelter.slug}/"

    assert token_client.patch(url, {"capacity": 13}, format="json", HTTP_IF_MATCH="*").status_code == HTTPStatus.OK
    etag = token_client.get(url)["ETag"]
    listed = f'"0123", {etag}'
    assert token_client.patch(url, {"capacity": 14}, format="json", HTTP_IF_MATCH=listed).status_code == HTTPStatus.OK


def test_delete_honours_if_match(token_client, shelter):
    url = f"{API}/shelters/{shelter.slug}/"

    assert token_client.delete(url, HTTP_IF_MATCH='"deadbeef"').status_code == HTTPStatus.PRECONDITION_FAILED
    assert Shelter.objects.filter(pk=shelter.pk).exists()
    assert token_client.delete(url, HTTP_IF_MATCH=token_client.get(url)["ETag"]).status_code == HTTPStatus.NO_CONTENT


def test_the_current_version_writes_and_moves_on(token_client, shelter):
    version = token_client.get(f"{API}/shelters/{shelter.slug}/").json()["version"]

    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"capacity": 20, "version": version}, format="json"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.json()["version"] == version + 1


def test_a_stale_version_is_409_with_the_current_one(token_client, shelter):
    version = token_client.get(f"{API}/shelters/{shelter.slug}/").json()["version"]
    token_client.patch(f"{API}/shelters/{shelter.slug}/", {"capacity": 20}, format="json")

    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"capacity": 30, "version": version}, format="json"
    )

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["version"] == version + 1
    assert "detail" in response.json()
    assert Shelter.objects.get(pk=shelter.pk).capacity == 20


@pytest.mark.parametrize("resource", ["agreements", "projects", "news"])
def test_every_versioned_resource_takes_the_version_precondition(token_client, resource):
    from tests.api.conftest import RESOURCES

    spec = RESOURCES[resource]
    record = spec.make()
    url = f"{API}/{spec.path}/{spec.key(record)}/"
    stale = token_client.get(url).json()["version"]
    assert token_client.patch(url, spec.change, format="json").status_code == HTTPStatus.OK

    response = token_client.patch(url, {**spec.change, "version": stale}, format="json")

    assert response.status_code == HTTPStatus.CONFLICT
    assert response.json()["version"] == stale + 1


def test_a_version_on_creation_is_ignored(token_client):
    body = {"name": "Albergue Nuevo", "state": "MX-OAX", "municipality": "Ixtepec", "version": 7}

    response = token_client.post(f"{API}/shelters/", body, format="json")

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["version"] == 1
