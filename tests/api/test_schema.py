"""The OpenAPI 3 schema: valid, and documenting every filter and every response, errors included; the docs pages
are served from local files."""

from http import HTTPStatus

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

from config.api import router
from tests.api.conftest import API

pytestmark = pytest.mark.django_db

PAGINATION = {"page", "page_size", "format"}


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == HTTPStatus.OK
    return response.json()


def test_schema_is_valid_openapi(schema):
    validate(schema)  # raises on any violation of the OpenAPI 3 specification
    assert schema["openapi"].startswith("3.")


def test_yaml_schema_is_the_same_document(client, schema):
    response = client.get("/api/schema/")

    assert yaml.safe_load(response.content) == schema


def test_spectacular_command_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    assert "/api/v1/shelters/" in target.read_text()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_router_list_is_documented_with_all_its_filters(schema):
    for prefix, viewset, _basename in router.registry:
        operation = schema["paths"][f"{API}/{prefix}/"]["get"]
        documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        filters = set(viewset.filterset_class.base_filters)
        assert filters | PAGINATION <= documented, (prefix, filters - documented)
        for parameter in operation["parameters"]:
            assert parameter.get("description"), (prefix, parameter["name"])


def test_state_parameter_lists_the_valid_codes(schema):
    (state,) = [p for p in schema["paths"][f"{API}/shelters/"]["get"]["parameters"] if p["name"] == "state"]

    assert len(state["schema"]["items"]["enum"]) == 32
    assert "MX-CHP" in state["schema"]["items"]["enum"]


EXPECTED_ERRORS = {
    "get": {"429"},
    "post": {"400", "401", "403", "429"},
    "put": {"400", "401", "403", "404", "429"},
    "patch": {"400", "401", "403", "404", "429"},
    "delete": {"401", "403", "404", "409", "429"},
}


def test_every_operation_documents_its_error_responses(schema):
    for path, method, operation in operations(schema):
        if path.endswith("/auth/token/"):
            assert {"400", "429"} <= set(operation["responses"])
            continue
        responses = set(operation["responses"])
        expected = set(EXPECTED_ERRORS[method])
        if method == "get" and path.endswith("/facets/"):
            expected |= {"400"}  # bad filter
        elif method == "get" and path.endswith("}/"):
            expected |= {"404"}  # no such record
        elif method == "get":
            expected |= {"400", "404"}  # bad filter or page size; page past the last or unknown format
        assert expected <= responses, (method, path, expected - responses)
        for code, response in operation["responses"].items():
            assert response.get("description") or code.startswith("2"), (method, path, code)


def test_list_documents_each_export_format(schema):
    shelters = schema["paths"][f"{API}/shelters/"]["get"]["responses"]["200"]["content"]
    projects = schema["paths"][f"{API}/projects/"]["get"]["responses"]["200"]["content"]

    assert set(shelters) == {"application/json", "text/csv", "application/geo+json"}
    assert set(projects) == {"application/json", "text/csv", "application/xml"}


def test_reads_need_no_credentials_and_writes_do(schema):
    for _path, method, operation in operations(schema):
        security = operation.get("security", [{}])
        if method == "get":
            assert {} in security
        elif method != "post" or "auth/token" not in _path:
            assert {} not in security and security


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_load_their_scripts_locally(client, url):
    response = client.get(url)
    html = response.content.decode()

    assert response.status_code == HTTPStatus.OK
    assert "/static/drf_spectacular_sidecar/" in html
    assert '<script src="http' not in html and "cdn" not in html.lower()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
