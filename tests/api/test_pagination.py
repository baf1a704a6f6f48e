"""Page-number pagination: a client-chosen page size capped at 100, and clear 4xx answers for bad pages."""

from http import HTTPStatus

import pytest

from registry.versioned_cache import DEEPEST_PAGE
from tests.api.conftest import API
from tests.factories import DonorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def donors():
    return [DonorFactory(name=f"Donor {i:03d}", acronym=f"D{i:03d}") for i in range(105)]


def test_default_page_has_twenty_records_and_links(donors, client):
    data = client.get(f"{API}/donors/").json()

    assert data["count"] == 105
    assert len(data["results"]) == 20
    assert data["previous"] is None
    assert data["next"].endswith("/api/v1/donors/?page=2")


def test_client_chooses_the_page_size_and_links_keep_it_and_the_filters(donors, client):
    data = client.get(f"{API}/donors/?page_size=7&page=2&q=donor").json()

    assert [row["acronym"] for row in data["results"]] == [f"D{i:03d}" for i in range(7, 14)]
    assert "page_size=7" in data["next"] and "q=donor" in data["next"] and "page=3" in data["next"]


def test_page_size_up_to_100_is_honoured(donors, client):
    data = client.get(f"{API}/donors/?page_size=100").json()

    assert len(data["results"]) == 100


def test_last_page_holds_the_rest(donors, client):
    data = client.get(f"{API}/donors/?page_size=100&page=2").json()

    assert len(data["results"]) == 5
    assert data["next"] is None


@pytest.mark.parametrize("size", ["101", "1000000000", "0", "-1", "ten", "1.5", ""])
def test_page_size_outside_1_to_100_answers_400(donors, client, size):
    response = client.get(f"{API}/donors/?page_size={size}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "100" in response.json()["page_size"][0]


@pytest.mark.parametrize("page", ["0", "-3", "first", "last", "2.0", ""])
def test_malformed_page_answers_400(donors, client, page):
    response = client.get(f"{API}/donors/?page={page}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["page"]


def test_page_past_the_last_answers_404_with_a_message(donors, client):
    response = client.get(f"{API}/donors/?page=99")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["detail"]


def test_empty_list_has_one_empty_page(client):
    data = client.get(f"{API}/donors/?q=nobody").json()

    assert data == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.fixture
def fifty_three_pages(donors):
    return "page_size=2"  # 105 donors


def test_pages_stop_at_the_deepest_with_a_400_naming_page_and_what_to_do(client, fifty_three_pages):
    deepest = client.get(f"{API}/donors/?{fifty_three_pages}&page={DEEPEST_PAGE}")
    assert deepest.status_code == HTTPStatus.OK
    # The last page served still links on, to the answer below: a client walking `next` learns where it stopped
    # instead of missing the rest in silence.
    assert f"page={DEEPEST_PAGE + 1}" in deepest.json()["next"]

    response = client.get(deepest.json()["next"])

    assert response.status_code == HTTPStatus.BAD_REQUEST
    message = response.json()["page"][0]
    assert str(DEEPEST_PAGE) in message and "modified_after" in message and "state" in message


def test_a_page_past_the_last_is_still_404_however_deep(client, fifty_three_pages):
    assert client.get(f"{API}/donors/?{fifty_three_pages}&page=53").status_code == HTTPStatus.BAD_REQUEST
    assert client.get(f"{API}/donors/?{fifty_three_pages}&page=54").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"{API}/donors/?page=999").status_code == HTTPStatus.NOT_FOUND


def test_the_deepest_page_is_documented(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("shelters", "agreements", "projects", "news"):
        operation = schema["paths"][f"{API}/{path}/"]["get"]
        page = next(p for p in operation["parameters"] if p["name"] == "page")
        assert page["schema"]["maximum"] == DEEPEST_PAGE
        assert "modified_after" in page["description"] and "400" in operation["responses"]
