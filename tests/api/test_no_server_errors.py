"""No input answers 500: each class of input that once reached the database or an export as an error is refused
with a 400 naming where it was, before anything is stored."""

import json
from http import HTTPStatus

import pytest

from registry.models import CooperationAgreement, Shelter
from tests.api.conftest import API
from tests.factories import CooperationAgreementFactory, ShelterFactory, SupportItemFactory

pytestmark = pytest.mark.django_db

NUL = "\u0000"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("shelters", {"name": "n", "state": f"MX-{NUL}"}),
        ("shelters", {"name": f"Albergue{NUL}", "state": "MX-OAX"}),
        ("shelters", {"name": "n", "state": "MX-OAX", "services": [f"lodging{NUL}"]}),
        ("agreements", {"reference": "R-1", "shelter": f"x{NUL}", "donor": "PRM"}),
        ("projects", {"title": "t", "prima_id": "MX1", "projects_id": f"P{NUL}", "start_year": 2022, "states": []}),
        ("news", {"title": "t", "states": [f"MX-{NUL}"], "published_on": "2024-05-01"}),
        ("shelters", {f"name{NUL}": "n", "state": "MX-OAX"}),
        ("shelters", {"name": "Albergue\ud800", "state": "MX-OAX"}),
    ],
)
def test_unstorable_characters_anywhere_in_a_body_are_refused(token_client, path, body):
    # Written as JSON escapes (\u0000, \ud800), as a client's JSON library sends them.
    response = token_client.post(f"{API}/{path}/", json.dumps(body), content_type="application/json")

    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert "control characters" in response.json()["detail"] or "caracteres de control" in response.json()["detail"]
    assert not Shelter.objects.filter(name__startswith="Albergue").exists()


def test_the_refusal_names_where_the_character_was(token_client):
    agreement = CooperationAgreementFactory()
    response = token_client.patch(
        f"{API}/agreements/{agreement.reference}/",
        {"items": [{"category": "medicines", "description": f"Anti{NUL}biotics"}]},
        format="json",
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json()["detail"].startswith("items[0].description:")


def test_tabs_and_new_lines_stay_allowed_in_text(token_client):
    shelter = ShelterFactory()
    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"eligibility_notes": "Mujeres\tniñas\nfamilias\r\n"}, format="json"
    )

    assert response.status_code == HTTPStatus.OK, response.content


def test_a_nul_in_the_token_request_is_refused(client):
    response = client.post(f"{API}/auth/token/", {"username": f"staff{NUL}", "password": "x"})

    assert response.status_code == HTTPStatus.BAD_REQUEST


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/shelters/%00/",
        f"{API}/shelters/?q=%00",
        f"{API}/shelters/?state=MX-%00",
        f"{API}/agreements/a%00b/",
        "/es/shelters/a%00b/",
    ],
)
def test_a_nul_in_the_address_is_refused(api_client, client, url):
    response = (api_client if url.startswith(API) else client).get(url)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    if url.startswith(API):
        assert "detail" in response.json()


def test_a_partial_update_of_items_needs_each_item_whole(token_client):
    agreement = CooperationAgreementFactory()
    SupportItemFactory(agreement=agreement, category="training", description="Taller")

    response = token_client.patch(
        f"{API}/agreements/{agreement.reference}/", {"items": [{"category": "medicines"}]}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    errors = response.json()["items"]
    assert "description" in (errors["0"] if isinstance(errors, dict) else errors[0])
    assert CooperationAgreement.objects.get(pk=agreement.pk).items.get().description == "Taller"


@pytest.mark.parametrize("ordering", ["name,", ",name", "name,,capacity", ","])
def test_an_empty_sort_key_is_refused(api_client, ordering):
    response = api_client.get(f"{API}/shelters/", {"ordering": ordering})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "ordering" in response.json()


def test_related_keys_must_be_strings(token_client):
    response = token_client.post(
        f"{API}/news/", {"title": "t", "published_on": "2024-05-01", "projects": [0], "states": []}, format="json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "projects" in response.json()


def test_an_invalid_body_is_400_before_any_precondition(token_client):
    shelter = ShelterFactory()

    response = token_client.patch(
        f"{API}/shelters/{shelter.slug}/", {"capacity": "many"}, format="json", HTTP_IF_MATCH='"deadbeef"'
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
