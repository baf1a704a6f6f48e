"""Which format a list answers: `?format=` first, then an Accept header that names an export; JSON otherwise. A
browser's header (text/html, then application/xml and */*) must never pull a whole-dataset export."""

from http import HTTPStatus

import pytest

from config.api import router
from registry.rest.json import JSONRenderer
from tests.api.conftest import API, body, build_dataset

pytestmark = pytest.mark.django_db

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Firefox and Chrome, every URL
LISTS = [prefix for prefix, _viewset, _basename in router.registry]


@pytest.fixture(autouse=True)
def production_renderers(monkeypatch):
    """The renderers production has (no browsable API, which would answer text/html first and hide the bug),
    whatever DEBUG the tests were started with: views copy the list when their class is defined."""
    for _prefix, viewset, _basename in router.registry:
        monkeypatch.setattr(viewset, "renderer_classes", [JSONRenderer])


@pytest.fixture
def dataset():
    build_dataset(2)


@pytest.mark.parametrize("prefix", LISTS)
def test_a_browser_gets_the_json_page_of_every_list(dataset, client, prefix):
    response = client.get(f"{API}/{prefix}/", HTTP_ACCEPT=BROWSER)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/json"
    assert "results" in response.json()


@pytest.mark.parametrize("accept", ["*/*", "application/*", "text/*, application/json", "text/csv;q=0, */*"])
def test_wildcards_and_refused_types_get_json(dataset, client, accept):
    response = client.get(f"{API}/shelters/", HTTP_ACCEPT=accept)

    assert response["Content-Type"] == "application/json"


def test_a_wildcard_alone_never_picks_an_export(dataset, client):
    response = client.get(f"{API}/shelters/", HTTP_ACCEPT="text/*")

    assert response.status_code == HTTPStatus.NOT_ACCEPTABLE
    assert response["Content-Type"] == "application/json"


def test_accept_application_xml_gets_the_iati_export(dataset, client):
    response = client.get(f"{API}/projects/", HTTP_ACCEPT="application/xml")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    assert b"<iati-activities" in body(response)


@pytest.mark.parametrize("prefix", ["shelters", "agreements", "projects"])
def test_accept_text_csv_gets_the_csv_export(dataset, client, prefix):
    response = client.get(f"{API}/{prefix}/", HTTP_ACCEPT="text/csv")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert response["Vary"].count("Accept") >= 1


def test_format_wins_over_a_browser_header(dataset, client):
    response = client.get(f"{API}/projects/?format=iati", HTTP_ACCEPT=BROWSER)

    assert response["Content-Type"].startswith("application/xml")


def test_format_json_wins_over_an_export_accept_header(dataset, client):
    response = client.get(f"{API}/projects/?format=json", HTTP_ACCEPT="application/xml")

    assert response["Content-Type"] == "application/json"
