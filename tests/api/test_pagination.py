"""Page-number pagination: a client-chosen page size capped at 100, and clear 4xx answers for bad pages."""

from http import HTTPStatus

import pytest

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
