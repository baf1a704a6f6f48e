"""Writes are validated like the database constrains them, and bad input answers 4xx with a message, never 500."""

from decimal import Decimal
from http import HTTPStatus
from unittest import mock

import pytest

from projects.models import Project
from registry.admin_mixins import StaleEditError
from registry.models import CooperationAgreement, Shelter, SupportItem
from tests.api.conftest import API
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    ProjectFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db


def post(client, path, payload):
    return client.post(f"{API}/{path}/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")


def patch(client, path, key, payload):
    return client.patch(f"{API}/{path}/{key}/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")


def assert_field_error(response, field: str) -> str:
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    errors = response.json()
    assert field in errors, errors
    message = errors[field][0] if isinstance(errors[field], list) else str(errors[field])
    assert message
    return str(message)


SHELTER = {"name": "Albergue Nuevo", "state": "MX-CHP"}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"average_daily_arrivals": 50, "peak_daily_arrivals": 10}, "peak_daily_arrivals"),
        ({"latitude": 16.5}, "longitude"),
        ({"longitude": -95.1}, "latitude"),
        ({"latitude": 91, "longitude": 0}, "latitude"),
        ({"latitude": 0, "longitude": -181}, "longitude"),
        ({"capacity": -1}, "capacity"),
        ({"capacity": "lots"}, "capacity"),
        ({"state": "MX-ZZZ"}, "state"),
        ({"services": ["teleportation"]}, "services"),
        ({"status": "open"}, "status"),
        ({"email": "not-an-address"}, "email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"slug": "has spaces"}, "slug"),
    ],
)
def test_shelter_writes_mirror_the_constraints(editor_client, extra, field):
    response = post(editor_client, "shelters", {**SHELTER, **extra})

    assert_field_error(response, field)
    assert not Shelter.objects.filter(name="Albergue Nuevo").exists()


def test_shelter_name_is_unique_per_state(editor_client):
    ShelterFactory(name="Albergue Nuevo", state=state("MX-CHP"), slug="albergue-nuevo-1")

    clash = post(editor_client, "shelters", {**SHELTER, "slug": "albergue-nuevo-2"})
    elsewhere = post(editor_client, "shelters", {**SHELTER, "state": "MX-OAX", "slug": "albergue-nuevo-3"})

    assert "state" in assert_field_error(clash, "name")
    assert elsewhere.status_code == HTTPStatus.CREATED


def test_shelter_slug_is_derived_from_the_name_and_must_be_unique(editor_client):
    first = post(editor_client, "shelters", SHELTER)
    second = post(editor_client, "shelters", {**SHELTER, "state": "MX-OAX"})

    assert first.status_code == HTTPStatus.CREATED and first.json()["slug"] == "albergue-nuevo"
    assert "albergue-nuevo" in assert_field_error(second, "slug")


def test_coordinates_are_numbers_stored_to_six_decimals(editor_client):
    # A point in Chiapas, the shelter's state (Tapachula).
    response = post(editor_client, "shelters", {**SHELTER, "latitude": 14.90600049, "longitude": -92.2610004})

    assert response.status_code == HTTPStatus.CREATED
    shelter = Shelter.objects.get(slug="albergue-nuevo")
    assert (shelter.latitude, shelter.longitude) == (Decimal("14.906000"), Decimal("-92.261000"))
    assert response.json()["latitude"] == 14.906


def test_partial_update_is_checked_against_the_stored_values(editor_client):
    shelter = ShelterFactory(average_daily_arrivals=40, peak_daily_arrivals=120)

    response = patch(editor_client, "shelters", shelter.slug, {"peak_daily_arrivals": 30})

    assert "peak" in assert_field_error(response, "peak_daily_arrivals").lower()
    shelter.refresh_from_db()
    assert shelter.peak_daily_arrivals == 120


def test_read_only_fields_cannot_be_set(editor_client):
    response = post(
        editor_client,
        "shelters",
        {
            **SHELTER,
            "version": 99,
            "created_at": "2000-01-01T00:00:00Z",
            "updated_at": "2000-01-01T00:00:00Z",
            "state_name": "Atlantis",
            "region": "north",
            "agreements": [{"reference": "X"}],
        },
    )

    assert response.status_code == HTTPStatus.CREATED
    data = response.json()
    assert data["version"] == 1 and data["state_name"] == "Chiapas" and data["region"] == "south"
    assert not data["created_at"].startswith("2000") and data["agreements"] == []


def test_update_raises_the_version_and_a_lost_race_answers_409(editor_client):
    shelter = ShelterFactory(capacity=10)

    ok = patch(editor_client, "shelters", shelter.slug, {"capacity": 11})
    with mock.patch("registry.rest.serializers.claim_next_version", side_effect=StaleEditError(shelter)):
        raced = patch(editor_client, "shelters", shelter.slug, {"capacity": 12})

    assert ok.json()["version"] == 2
    assert raced.status_code == HTTPStatus.CONFLICT
    assert "changed" in raced.json()["detail"]
    shelter.refresh_from_db()
    assert shelter.capacity == 11


PROJECT = {"title": "A project", "prima_id": "MX10P0900", "projects_id": "PR.0900", "start_year": 2020}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"end_year": 2019}, "end_year"),
        ({"start_date": "2020-05-01", "end_date": "2020-04-30"}, "end_date"),
        ({"budget_usd": "-5.00"}, "budget_usd"),
        ({"budget_usd": "10.005"}, "budget_usd"),
        ({"budget_usd": "a lot"}, "budget_usd"),
        ({"start_year": 1800}, "start_year"),
        ({"states": ["MX-CHP", "Atlantis"]}, "states"),
        ({"thematic_areas": ["unknown-area"]}, "thematic_areas"),
        ({"status": "finished"}, "status"),
        ({"iati_identifier": "XM-OTHER"}, None),  # read-only: ignored, not an error
    ],
)
def test_project_writes_mirror_the_constraints(editor_client, extra, field):
    response = post(editor_client, "projects", {**PROJECT, **extra})

    if field is None:
        assert response.status_code == HTTPStatus.CREATED
        assert response.json()["iati_identifier"] == "XM-DAC-47066-PR.0900"
    else:
        assert_field_error(response, field)
        assert not Project.objects.filter(prima_id="MX10P0900").exists()


def test_project_natural_keys_are_unique(editor_client):
    ProjectFactory(prima_id="MX10P0900", projects_id="PR.0001")

    response = post(editor_client, "projects", PROJECT)

    assert_field_error(response, "prima_id")


def test_project_end_year_is_checked_against_the_stored_start(editor_client):
    project = ProjectFactory(start_year=2021, end_year=2023)

    response = patch(editor_client, "projects", project.slug, {"end_year": 2020})

    assert_field_error(response, "end_year")


def test_agreement_items_are_created_replaced_and_totalled(editor_client):
    shelter = ShelterFactory()
    DonorFactory(acronym="PRM")
    payload = {
        "reference": "PRM-1-x",
        "shelter": shelter.slug,
        "donor": "PRM",
        "items": [
            {"category": "medicines", "description": "Antibiotics", "value_usd": "100.50"},
            {"category": "training", "description": "First aid", "quantity": "3", "unit": "sessions"},
        ],
    }

    created = post(editor_client, "agreements", payload)
    replaced = patch(
        editor_client, "agreements", "PRM-1-x", {"items": [{"category": "hygiene", "description": "Soap"}]}
    )
    untouched = patch(editor_client, "agreements", "PRM-1-x", {"status": "completed"})

    assert created.status_code == HTTPStatus.CREATED, created.json()
    assert created.json()["total_value_usd"] == "100.50"
    assert created.json()["state"] == shelter.state.iso_code
    assert [item["description"] for item in replaced.json()["items"]] == ["Soap"]
    assert replaced.json()["total_value_usd"] is None
    assert [item["description"] for item in untouched.json()["items"]] == ["Soap"]
    assert SupportItem.objects.filter(agreement__reference="PRM-1-x").count() == 1


@pytest.mark.parametrize(
    ("items", "fragment"),
    [
        ([{"category": "medicines", "description": "A"}, {"category": "medicines", "description": "A"}], "repeats"),
        ([{"category": "medicines", "description": "A", "value_usd": "-1"}], ""),
        ([{"category": "weapons", "description": "A"}], ""),
        ([{"category": "medicines"}], ""),
    ],
)
def test_agreement_items_are_validated(editor_client, items, fragment):
    shelter = ShelterFactory()
    DonorFactory(acronym="PRM")

    response = post(
        editor_client, "agreements", {"reference": "R-1", "shelter": shelter.slug, "donor": "PRM", "items": items}
    )

    assert fragment in str(assert_field_error(response, "items") if fragment else response.json())
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not CooperationAgreement.objects.filter(reference="R-1").exists()


def test_one_agreement_per_shelter_donor_and_phase(editor_client):
    existing = CooperationAgreementFactory(programme_phase=2)

    clash = post(
        editor_client,
        "agreements",
        {"reference": "OTHER", "shelter": existing.shelter.slug, "donor": existing.donor.acronym, "programme_phase": 2},
    )
    next_phase = post(
        editor_client,
        "agreements",
        {"reference": "OTHER", "shelter": existing.shelter.slug, "donor": existing.donor.acronym, "programme_phase": 3},
    )

    assert "phase" in assert_field_error(clash, "programme_phase")
    assert next_phase.status_code == HTTPStatus.CREATED


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("donors", {"name": "X", "acronym": "X", "country": "us"}, "country"),
        ("donors", {"name": "X", "acronym": "X" * 21}, "acronym"),
        ("states", {"iso_code": "XX-ABC", "inegi_code": "40", "name": "X", "slug": "x", "region": "north"}, "iso_code"),
        (
            "states",
            {"iso_code": "MX-ABC", "inegi_code": "4", "name": "X", "slug": "x", "region": "north"},
            "inegi_code",
        ),
        ("states", {"iso_code": "MX-ABC", "inegi_code": "40", "name": "X", "slug": "x", "region": "west"}, "region"),
        ("news", {"title": "X", "shelters": ["nowhere"]}, "shelters"),
        ("news", {"title": "X", "projects": ["MX00"]}, "projects"),
        ("news", {"title": "X", "published_on": "yesterday"}, "published_on"),
        ("thematic-areas", {"slug": "x", "name_en": "X", "position": -1}, "position"),
        ("thematic-areas", {"slug": "bad slug", "name_en": "X"}, "slug"),
    ],
)
def test_other_resources_validate_too(editor_client, path, payload, field):
    assert_field_error(post(editor_client, path, payload), field)


def test_existing_natural_keys_are_refused(editor_client):
    DonorFactory(acronym="PRM")

    assert_field_error(post(editor_client, "donors", {"name": "Other", "acronym": "PRM"}), "acronym")
    assert_field_error(
        post(
            editor_client,
            "states",
            {"iso_code": "MX-CHP", "inegi_code": "77", "name": "Y", "slug": "y", "region": "north"},
        ),
        "iso_code",
    )


def test_news_slug_is_derived_from_the_title(editor_client):
    response = post(editor_client, "news", {"title": "IOM opens a new office!"})

    assert response.status_code == HTTPStatus.CREATED
    assert response.json()["slug"] == "iom-opens-a-new-office"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"name": "x", ', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ('"just a string"', "application/json"),
        ("<shelter/>", "application/xml"),
    ],
)
def test_malformed_bodies_answer_4xx_with_a_message(editor_client, body, content_type):
    response = editor_client.generic("POST", f"{API}/shelters/", body, content_type=content_type)

    assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.UNSUPPORTED_MEDIA_TYPE)
    assert response.json()


def test_deleting_what_others_depend_on_answers_409(editor_client):
    agreement = CooperationAgreementFactory()
    donor, shelter_state = agreement.donor, agreement.shelter.state

    donor_response = editor_client.delete(f"{API}/donors/{donor.acronym}/", HTTP_ACCEPT_LANGUAGE="en")
    state_response = editor_client.delete(f"{API}/states/{shelter_state.iso_code}/", HTTP_ACCEPT_LANGUAGE="en")

    assert donor_response.status_code == HTTPStatus.CONFLICT
    assert "cooperation agreements" in donor_response.json()["detail"]
    assert state_response.status_code == HTTPStatus.CONFLICT
    assert "shelters" in state_response.json()["detail"]


def test_deleting_a_shelter_takes_its_agreements_and_items(editor_client):
    item = SupportItemFactory()
    shelter = item.agreement.shelter
    ArticleFactory(shelters=[shelter])

    response = editor_client.delete(f"{API}/shelters/{shelter.slug}/")

    assert response.status_code == HTTPStatus.NO_CONTENT
    assert not CooperationAgreement.objects.exists() and not SupportItem.objects.exists()


def test_unknown_record_answers_404(client):
    for path in ["states/MX-ZZZ", "shelters/nowhere", "donors/NONE", "agreements/none", "projects/none", "news/none"]:
        response = client.get(f"{API}/{path}/")
        assert response.status_code == HTTPStatus.NOT_FOUND, path
        assert response.json()["detail"]


def test_methods_not_offered_answer_405(editor_client):
    response = editor_client.delete(f"{API}/shelters/")

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("shelters", {**SHELTER, "capacity": "12"}, "capacity"),
        ("shelters", {**SHELTER, "capacity": True}, "capacity"),
        ("shelters", {**SHELTER, "name": 12}, "name"),
        ("shelters", {**SHELTER, "latitude": "16.5", "longitude": -95}, "latitude"),
        ("projects", {**PROJECT, "budget_usd": 1000}, "budget_usd"),
        ("projects", {**PROJECT, "start_year": 2020.5}, "start_year"),
        ("donors", {"name": "X", "acronym": "\u00a0" + "A" * 20}, "acronym"),  # 21 characters as sent
    ],
)
def test_values_must_have_the_documented_json_type_and_length(editor_client, path, payload, field):
    assert_field_error(post(editor_client, path, payload), field)
