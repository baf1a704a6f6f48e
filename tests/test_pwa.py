"""The web app manifest, the service worker at the site's root, and the list kept for use without signal."""

import json
from http import HTTPStatus

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from registry.visibility import LocationVisibility
from tests.factories import OpeningHoursFactory, ShelterFactory

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_under_the_csp(client):
    response = client.get("/sw.js")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert b'"/es/offline/"' in response.content


def test_the_manifest_names_the_app_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Registro de albergues para migrantes" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(
            icon["src"].removeprefix(
                settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
            )
        ), icon
    page = client.get("/es/").content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page and "js/pwa.js" in page


def test_the_offline_list_has_every_active_public_shelter_in_few_queries(client, django_assert_max_num_queries):
    for n in range(3):
        OpeningHoursFactory(shelter=ShelterFactory(name=f"Albergue {n}", phone="+52 1"))
    hidden = ShelterFactory(name="Albergue Oculto", municipality="Villa Escondida", address="Calle 1")
    hidden.location_visibility = LocationVisibility.HIDDEN
    hidden.save()
    ShelterFactory(name="Albergue Cerrado", status="closed")
    with django_assert_max_num_queries(6) as few:
        page = client.get("/es/offline/").content.decode()
    assert "Albergue Oculto" in page and "Villa Escondida" not in page and "Albergue Cerrado" not in page
    assert "Lun 09:00–17:00" in page
    for n in range(10):
        OpeningHoursFactory(shelter=ShelterFactory(name=f"Más {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/es/offline/")


def test_pages_shown_to_staff_are_not_stored(client, staff_client):
    shelter = ShelterFactory()
    assert "no-store" not in client.get(shelter.get_absolute_url()).get("Cache-Control", "")
    assert "no-store" in staff_client.get(shelter.get_absolute_url())["Cache-Control"]
    assert "no-store" in staff_client.get("/es/shelters/")["Cache-Control"]
