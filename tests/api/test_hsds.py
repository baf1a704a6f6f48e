"""The HSDS 3.1 API under /api/hsds/: every response validated against the official HSDS 3.1 JSON schemas (read
from the shared/hsds/schema folder beside the repository; skipped where it is absent), paging an HSDS client can
follow, stable UUIDs, the shelter filters, and no location a shelter does not publish."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from registry.models import Language, Shelter
from tests.factories import PopulationGroupFactory, ServiceFactory, ShelterFactory, state
from tests.standards import shared_path

pytestmark = pytest.mark.django_db

HSDS = "/api/hsds"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


class HsdsSchemas:
    """Validators for the official schemas; `check(name, instance)` raises with every error listed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        resources = []
        for path in folder.glob("*.json"):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resources.append((path.name, Resource.from_contents(contents, default_specification=DRAFT202012)))
        self.registry = Registry().with_resources(resources)
        self.validators: dict[str, Draft202012Validator] = {}
        openapi = json.loads((folder / "openapi.json").read_text(encoding="utf-8"))
        self.page = openapi["components"]["schemas"]["Page"]

    def validator(self, name: str) -> Draft202012Validator:
        if name not in self.validators:
            schema = json.loads((self.folder / name).read_text(encoding="utf-8"))
            self.validators[name] = Draft202012Validator(
                schema, registry=self.registry, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
        return self.validators[name]

    def check(self, name: str, instance: Any) -> None:
        errors = [
            f"{list(error.absolute_path)}: {error.message}" for error in self.validator(name).iter_errors(instance)
        ]
        assert not errors, f"{name}: {errors}"

    def check_page(self, body: dict[str, Any], item_schema: str) -> None:
        assert set(body) == PAGE_KEYS
        errors = [error.message for error in Draft202012Validator(self.page).iter_errors(body)]
        assert not errors, errors
        for item in body["contents"]:
            self.check(item_schema, item)


@pytest.fixture(scope="module")
def schemas() -> HsdsSchemas:
    folder = shared_path("hsds", "schema")
    if folder is None:
        pytest.skip("The official HSDS 3.1 schemas are not in shared/hsds/schema beside the repository.")
    return HsdsSchemas(folder)


@pytest.fixture
def full_shelter() -> Shelter:
    shelter = ShelterFactory(
        name="Albergue Belén",
        slug="albergue-belen",
        state=state("MX-CHP"),
        municipality="Tapachula",
        address="Calle Central Norte 12, Col. Centro, C.P. 30700",
        latitude=Decimal("14.905000"),
        longitude=Decimal("-92.263000"),
        phone="962 123 4567 / 962 765 4321",
        email="contacto@example.org",
        website="https://example.org/belen",
        opening_hours="Todos los días, 24 horas",
        eligibility_notes="Personas migrantes y solicitantes de asilo.",
        accessibility_notes="Rampa en la entrada.",
        capacity=80,
        last_verified=date(2026, 10, 1),
        services=[ServiceFactory(code="lodging"), ServiceFactory(code="medical-care")],
        populations=[PopulationGroupFactory(code="women")],
    )
    shelter.languages.set(Language.objects.filter(code__in=["spa", "eng", "hat"]))
    return shelter


def get(client, path: str, **headers: str) -> Any:
    response = client.get(f"{HSDS}{path}", **headers)
    assert response.status_code == HTTPStatus.OK, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


# --- the root and the required endpoints ------------------------------------------------------------------------


def test_root_tells_the_hsds_version_and_where_its_openapi_is(client, schemas):
    body = get(client, "/")

    assert body["version"] == "3.1"
    assert body["openapi_url"].startswith("https://") and body["openapi_url"].endswith("openapi.json")
    root = json.loads((schemas.folder / "openapi.json").read_text())["paths"]["/"]["get"]["responses"]["200"]
    errors = list(Draft202012Validator(root["content"]["application/json"]["schema"]).iter_errors(body))
    assert not errors


def test_a_service_is_the_fully_nested_shelter(client, schemas, full_shelter):
    body = get(client, f"/services/{full_shelter.uuid}", HTTP_ACCEPT_LANGUAGE="en")

    schemas.check("compiled/service.json", body)
    assert body["id"] == str(full_shelter.uuid)
    assert (body["name"], body["status"], body["url"], body["email"]) == (
        "Albergue Belén",
        "active",
        "https://example.org/belen",
        "contacto@example.org",
    )
    assert body["assured_date"] == "2026-10-01"
    assert body["eligibility_description"] == "Personas migrantes y solicitantes de asilo."
    assert body["description"] == (
        "Shelter for people on the move in Chiapas. Services: Lodging, Medical care. Serves: Women."
    )
    assert [phone["number"] for phone in body["phones"]] == ["962 123 4567", "962 765 4321"]
    assert sorted((language["name"], language["code"]) for language in body["languages"]) == [
        ("English", "eng"),
        ("Haitian Creole", "hat"),
        ("Spanish", "spa"),
    ]
    assert [schedule["description"] for schedule in body["schedules"]] == ["Todos los días, 24 horas"]
    (capacity,) = body["capacities"]
    assert (capacity["unit"]["name"], capacity["available"], capacity["maximum"]) == ("bed", 80, 80)
    assert "not beds free today" in capacity["description"]
    assert {a["taxonomy_term"]["code"] for a in body["attributes"]} == {"lodging", "medical-care", "women"}
    (at_location,) = body["service_at_locations"]
    location = at_location["location"]
    assert (location["latitude"], location["longitude"]) == (14.905, -92.263)
    (address,) = location["addresses"]
    assert (address["address_1"], address["city"], address["state_province"], address["country"]) == (
        "Calle Central Norte 12, Col. Centro, C.P. 30700",
        "Tapachula",
        "Chiapas",
        "MX",
    )
    assert address["postal_code"] == "30700"
    assert body["organization"]["id"] == body["organization_id"]


def test_descriptions_follow_the_language_asked_for(client, full_shelter):
    spanish = get(client, f"/services/{full_shelter.uuid}", HTTP_ACCEPT_LANGUAGE="es")

    assert spanish["description"].startswith("Albergue para personas en movilidad en Chiapas.")
    assert "Alojamiento" in spanish["description"]


def test_an_hsds_client_pages_through_every_shelter_as_services(client, schemas, django_assert_num_queries):
    shelters = [ShelterFactory(services=[ServiceFactory(code="lodging")]) for _ in range(5)]
    seen, page = [], 1
    while True:
        with django_assert_num_queries(5):  # count, the page, services, population groups, languages
            body = get(client, f"/services?page={page}&per_page=2")
        schemas.check_page(body, "compiled/service_list.json")
        assert (body["page_number"], body["total_items"], body["total_pages"]) == (page, 5, 3)
        assert body["first_page"] is (page == 1)
        seen += [service["id"] for service in body["contents"]]
        if body["last_page"]:
            break
        page += 1

    assert page == 3 and body["size"] == 1
    assert sorted(seen) == sorted(str(shelter.uuid) for shelter in shelters)


def test_full_lists_nest_every_service(client, schemas, full_shelter):
    body = get(client, "/services?full=true")

    schemas.check_page(body, "compiled/service.json")
    assert body["contents"][0]["phones"]


def test_organizations_locations_and_services_at_locations_validate(client, schemas, full_shelter):
    organizations = get(client, "/organizations")
    locations = get(client, "/locations/")
    at_locations = get(client, "/service_at_locations")

    schemas.check_page(organizations, "compiled/organization_list.json")
    schemas.check_page(locations, "location.json")
    schemas.check_page(at_locations, "compiled/service_at_location_list.json")
    organization = get(client, f"/organizations/{organizations['contents'][0]['id']}")
    schemas.check("compiled/organization.json", organization)
    assert organization["services"][0]["id"] == str(full_shelter.uuid)
    location = get(client, f"/locations/{locations['contents'][0]['id']}")
    schemas.check("location.json", location)
    at_location = get(client, f"/service_at_locations/{at_locations['contents'][0]['id']}")
    schemas.check("compiled/service_at_location.json", at_location)
    assert at_location["service_id"] == str(full_shelter.uuid)
    assert at_location["location_id"] == location["id"] == at_location["location"]["id"]


def test_ids_are_stable_uuids_that_lead_back_to_their_shelter(client, full_shelter):
    before = get(client, f"/services/{full_shelter.uuid}")
    full_shelter.name = "Albergue Belén (renombrado)"
    full_shelter.slug = "albergue-belen-renombrado"
    full_shelter.save()
    after = get(client, f"/services/{full_shelter.uuid}")

    ids = [before["id"], before["organization_id"], before["service_at_locations"][0]["location_id"]]
    assert ids == [after["id"], after["organization_id"], after["service_at_locations"][0]["location_id"]]
    assert len(set(ids)) == 3 and all(uuid.UUID(value).version == 4 for value in ids)
    assert get(client, f"/organizations/{after['organization_id']}")["name"] == "Albergue Belén (renombrado)"


@pytest.mark.parametrize("path", ["/services/{org}", "/organizations/{service}", "/locations/not-a-uuid"])
def test_an_unknown_or_foreign_id_is_404(client, full_shelter, path):
    organization_id = get(client, f"/services/{full_shelter.uuid}")["organization_id"]

    response = client.get(HSDS + path.format(org=organization_id, service=full_shelter.uuid))

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "detail" in response.json()


# --- filters and parameters ----------------------------------------------------------------------------------------


def test_state_filters_search_and_organization(client, full_shelter):
    ShelterFactory(name="Casa del Migrante", state=state("MX-BCN"), municipality="Tijuana")
    ShelterFactory(name="Albergue Oaxaca", state=state("MX-OAX"))

    def names(query: str) -> list[str]:
        return sorted(service["name"] for service in get(client, f"/services?{query}")["contents"])

    assert names("state=MX-CHP") == ["Albergue Belén"]
    assert names("state=MX-CHP&state=MX-BCN") == ["Albergue Belén", "Casa del Migrante"]
    assert names("region=south") == ["Albergue Belén", "Albergue Oaxaca"]
    assert names("search=tijuana") == ["Casa del Migrante"]
    organization_id = get(client, f"/services/{full_shelter.uuid}")["organization_id"]
    assert names(f"organization_id={organization_id}") == ["Albergue Belén"]
    assert names("organization_id=nonsense") == []
    lodging = next(a for a in get(client, f"/services/{full_shelter.uuid}")["attributes"] if "lodging" in str(a))
    assert names(f"taxonomy_term_id={lodging['taxonomy_term_id']}") == ["Albergue Belén"]
    assert names(f"taxonomy_term_id={uuid.uuid4()}") == []
    assert names("modified_after=2099-01-01T00:00:00Z") == []
    assert len(names("modified_after=2000-01-01T00:00:00Z")) == 3
    assert [loc["name"] for loc in get(client, "/locations?state=MX-BCN")["contents"]] == ["Casa del Migrante"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=ZZ", "state"),
        ("page=0", "page"),
        ("per_page=101", "per_page"),
        ("per_page=x", "per_page"),
        ("full=maybe", "full"),
        ("modified_after=yesterday", "modified_after"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(client, full_shelter, query, field):
    response = client.get(f"{HSDS}/services?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_a_page_past_the_last_is_404_and_no_match_is_an_empty_page(client, schemas, full_shelter):
    assert client.get(f"{HSDS}/services?page=2").status_code == HTTPStatus.NOT_FOUND
    body = get(client, "/services?state=MX-BCN")

    schemas.check_page(body, "compiled/service_list.json")
    assert (body["empty"], body["total_items"], body["contents"], body["last_page"]) == (True, 0, [], True)


def test_it_is_read_only(client, staff_client, full_shelter):
    assert client.post(f"{HSDS}/services", {}).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert staff_client.delete(f"{HSDS}/services/{full_shelter.uuid}").status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_detail_query_count_is_fixed(client, full_shelter, django_assert_num_queries):
    with django_assert_num_queries(4):  # the shelter with its state, services, population groups, languages
        get(client, f"/services/{full_shelter.uuid}")


# --- location visibility -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["municipality", "hidden"])
def test_a_shelter_not_shown_exactly_publishes_no_address_nor_coordinates(client, schemas, full_shelter, visibility):
    Shelter.objects.filter(pk=full_shelter.pk).update(location_visibility=visibility)

    service = get(client, f"/services/{full_shelter.uuid}", HTTP_ACCEPT_LANGUAGE="en")
    locations = get(client, "/locations", HTTP_ACCEPT_LANGUAGE="en")

    schemas.check("compiled/service.json", service)
    for location in [service["service_at_locations"][0]["location"], *locations["contents"]]:
        assert not {"latitude", "longitude", "addresses", "accessibility"} & set(location)
        assert "not published" in location["description"]
        assert ("Tapachula" in location["description"]) is (visibility == "municipality")
    text = json.dumps([service, locations])
    assert "30700" not in text and "Calle Central" not in text and "14.905" not in text


def test_coordinates_outside_mexico_are_not_published(client, schemas):
    shelter = ShelterFactory(latitude=Decimal("40.4168"), longitude=Decimal("-3.7038"))

    location = get(client, f"/services/{shelter.uuid}")["service_at_locations"][0]["location"]

    assert "latitude" not in location and "longitude" not in location


def test_the_schema_check_can_fail(schemas):
    """The validators above would catch a broken record: wrong id format, unknown status, bad URL."""
    broken = {"id": "not-a-uuid", "name": "x", "status": "open", "url": "not a url"}

    errors = list(schemas.validator("compiled/service.json").iter_errors(broken))

    assert {error.absolute_path[0] for error in errors} == {"id", "status", "url"}
