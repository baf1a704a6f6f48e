"""facets/: how many records match the current filter, per state and per border region, for dashboards."""

from http import HTTPStatus

import pytest

from tests.api.conftest import API
from tests.factories import ArticleFactory, CooperationAgreementFactory, ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db


def by_state(data) -> dict[str, int]:
    return {row["iso_code"]: row["count"] for row in data["states"]}


def by_region(data) -> dict[str, int]:
    return {row["region"]: row["count"] for row in data["regions"]}


@pytest.fixture
def shelters():
    ShelterFactory(state=state("MX-CHP"))
    ShelterFactory(state=state("MX-CHP"), status="closed")
    ShelterFactory(state=state("MX-OAX"))
    ShelterFactory(state=state("MX-BCN"))


def test_shelter_facets_count_per_state_and_region(shelters, client):
    data = client.get(f"{API}/shelters/facets/").json()

    assert data["count"] == 4
    assert by_state(data) == {"MX-CHP": 2, "MX-OAX": 1, "MX-BCN": 1}
    assert by_region(data) == {"north": 1, "centre": 0, "south": 3}
    chiapas = next(row for row in data["states"] if row["iso_code"] == "MX-CHP")
    assert chiapas["name"] == "Chiapas" and chiapas["region"] == "south"


def test_shelter_facets_follow_the_filter(shelters, client):
    south = client.get(f"{API}/shelters/facets/?region=south").json()
    active = client.get(f"{API}/shelters/facets/?status=active").json()

    assert south["count"] == 3 and by_state(south) == {"MX-CHP": 2, "MX-OAX": 1}
    assert by_region(south) == {"north": 0, "centre": 0, "south": 3}
    assert by_state(active) == {"MX-CHP": 1, "MX-OAX": 1, "MX-BCN": 1}


def test_project_facets_count_each_project_once_per_state(client):
    ProjectFactory(states=[state("MX-CHP"), state("MX-OAX")])
    ProjectFactory(states=[state("MX-CHP"), state("MX-BCN")])
    ProjectFactory(states=[])

    data = client.get(f"{API}/projects/facets/").json()
    south = client.get(f"{API}/projects/facets/?region=south").json()

    assert data["count"] == 3
    assert by_state(data) == {"MX-CHP": 2, "MX-OAX": 1, "MX-BCN": 1}
    # A project in two southern states counts once for the south.
    assert by_region(data) == {"north": 1, "centre": 0, "south": 2}
    assert south["count"] == 2


def test_agreement_and_news_facets(client):
    CooperationAgreementFactory(shelter=ShelterFactory(state=state("MX-CHP")))
    CooperationAgreementFactory(shelter=ShelterFactory(state=state("MX-BCN")))
    ArticleFactory(states=[state("MX-OAX")])

    agreements = client.get(f"{API}/agreements/facets/?region=north").json()
    news = client.get(f"{API}/news/facets/").json()

    assert agreements["count"] == 1 and by_state(agreements) == {"MX-BCN": 1}
    assert by_state(news) == {"MX-OAX": 1} and by_region(news)["south"] == 1


def test_facets_reject_bad_filters(client):
    response = client.get(f"{API}/shelters/facets/?region=west")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "region" in response.json()


def test_facets_are_only_on_lists_with_states(client):
    assert client.get(f"{API}/donors/facets/").status_code == HTTPStatus.NOT_FOUND
