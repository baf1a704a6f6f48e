"""The shelter list as a finder: forgiving search, open shelters first, freshness, near me, the map's data,
one-tap links, the printable list and the weight of a phone's first view."""

from __future__ import annotations

import gzip
import json
import math
import re
from datetime import timedelta
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from registry.models import Shelter
from registry.search import bounding_box, fold_text, search_words
from tests.factories import PopulationGroupFactory, ServiceFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db

# Tijuana, Ciudad Juárez, Monterrey and Tapachula, with their straight-line distances from Mexico City's Zócalo.
ZOCALO = (19.43, -99.13)


def url(name: str = "shelter_list", lang: str = "es", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def names(response) -> list[str]:
    return [shelter.name for shelter in response.context["object_list"]]


@pytest.fixture
def finder_shelters():
    medical = ServiceFactory(code="medical-care")
    legal = ServiceFactory(code="legal-aid")
    women = PopulationGroupFactory(code="women")
    return {
        "juarez": ShelterFactory(
            name="Casa del Migrante",
            state=state("MX-CHH"),
            municipality="Ciudad Juárez",
            address="Calle Neptuno 1855",
            latitude=Decimal("31.690000"),
            longitude=Decimal("-106.420000"),
            services=[medical],
            phone="+52 656 687 0676",
            whatsapp="+52 656 111 2222",
            last_verified=timezone.localdate() - timedelta(days=30),
        ),
        "jesus": ShelterFactory(
            name="Albergue Jesús el Buen Pastor",
            state=state("MX-CHP"),
            municipality="Tapachula",
            latitude=Decimal("14.900000"),
            longitude=Decimal("-92.260000"),
            populations=[women],
            last_verified=timezone.localdate() - timedelta(days=400),
        ),
        "monterrey": ShelterFactory(
            name="Casa Nicolás",
            state=state("MX-NLE"),
            municipality="Guadalupe",
            latitude=Decimal("25.680000"),
            longitude=Decimal("-100.250000"),
            services=[legal],
        ),
        "closed": ShelterFactory(
            name="Albergue Cerrado", state=state("MX-NLE"), municipality="Monterrey", status="closed"
        ),
    }


# --- search ---


def test_fold_text_drops_accents_and_case():
    assert fold_text("Nuevo LEÓN, Ñuu Savi, pingüino") == "nuevo leon, nuu savi, pinguino"


def test_search_words_keep_what_every_form_of_a_word_shares():
    assert search_words("Médico mujeres legal casa Juárez  jesús") == [
        "medic",
        "mujer",
        "legal",
        "casa",
        "juarez",
        "jesu",
    ]


@pytest.mark.usefixtures("finder_shelters")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Ciudad Juarez", ["Casa del Migrante"]),
        ("CIUDAD JUÁREZ", ["Casa del Migrante"]),
        ("jesus", ["Albergue Jesús el Buen Pastor"]),
        ("nuevo leon", ["Casa Nicolás"]),  # the state's name; the closed one stays hidden
        ("neptuno", ["Casa del Migrante"]),  # the address
        ("médico", ["Casa del Migrante"]),  # the service's Spanish name, "Atención médica"
        ("MEDICOS", ["Casa del Migrante"]),
        ("medical", ["Casa del Migrante"]),  # ... and its English name
        ("legal", ["Casa Nicolás"]),
        ("mujeres", ["Albergue Jesús el Buen Pastor"]),  # a population served
        ("women", ["Albergue Jesús el Buen Pastor"]),
        ("casa juarez", ["Casa del Migrante"]),  # several words narrow the result
        ("casa tapachula", []),
        ("100%_", []),  # LIKE wildcards are matched literally
    ],
)
def test_search_forgives_accents_and_case_in_every_field(client, query, expected):
    assert names(client.get(url(), {"q": query})) == expected


def test_search_query_count_does_not_grow_with_words_or_rows(client, django_assert_num_queries, finder_shelters):
    client.get(url(), {"q": "casa"})  # warm the per-process caches (content types, reference data)
    # count, the checkbox choices (states, services, populations, languages), the rows, their services and hours
    with django_assert_num_queries(8) as one:
        client.get(url(), {"q": "casa"})
    for i in range(6):
        ShelterFactory(name=f"Casa {i}", services=[ServiceFactory(code="legal-aid")])
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url(), {"q": "casa legal asesoria"})
    assert len(names(response)) == 7


def test_api_search_matches_the_page(api_client, finder_shelters):
    response = api_client.get("/api/v1/shelters/", {"q": "ciudad juarez"})
    assert [row["name"] for row in response.json()["results"]] == ["Casa del Migrante"]


# --- open first, marked when not; freshness ---


def test_list_shows_open_shelters_unless_a_status_is_ticked(client, finder_shelters):
    response = client.get(url())
    assert "Albergue Cerrado" not in names(response)
    assert response.context["paginator"].count == 3
    html = response.content.decode()
    assert 'value="active" id="id_status_0" checked' in html.replace('checked=""', "checked")

    shown = client.get(url(), {"status": ["active", "closed"]})
    assert "Albergue Cerrado" in names(shown)
    html = shown.content.decode()
    assert "Incluye albergues cerrados" in html or "Includes closed shelters" in html
    assert 'class="result result-inactive"' in html


def test_map_and_counts_follow_the_open_default(client, api_client, finder_shelters):
    response = client.get(url(), {"state": "MX-NLE"})
    map_url = response.context["map_data_url"]
    assert map_url.startswith("/api/v1/shelters/?")
    assert "status=active" in map_url and "state=MX-NLE" in map_url and "format=geojson" in map_url
    features = json.loads(b"".join(api_client.get(map_url).streaming_content))["features"]
    assert [f["properties"]["name"] for f in features] == names(response) == ["Casa Nicolás"]


def test_cards_say_when_a_record_was_last_verified_and_warn_after_a_year(client, finder_shelters):
    html = client.get(url(lang="en")).content.decode()
    cards = dict(re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>(.*?)</li>', html, re.S))
    assert "Verified" in cards["Casa del Migrante"] and "over 12 months" not in cards["Casa del Migrante"]
    assert "over 12 months ago" in cards["Albergue Jesús el Buen Pastor"]
    assert "Never verified" in cards["Casa Nicolás"] and "Call before you go" in cards["Casa Nicolás"]


# --- the form a visitor reads ---


def test_public_pages_show_no_api_help_text(client, finder_shelters):
    pages = [url() + q for q in ("", "?state=MX-CHH", "?state=XX-YYY", "?region=nowhere&status=open")]
    pages += [url(name) + "?state=MX-CHH&region=north" for name in ("project_list", "article_list", "state_list")]
    for query in pages:
        html = client.get(query).content.decode()
        for api_words in ("ISO 3166-2", "repita el parámetro", "repeat the parameter", "Ctrl", "north, centre"):
            assert api_words.lower() not in html.lower(), (query, api_words)


def test_filters_sit_in_one_disclosure_with_the_active_count_and_chips(client, finder_shelters):
    html = client.get(url(lang="en"), {"state": ["MX-CHH", "MX-NLE"], "service": "legal-aid"}).content.decode()
    assert html.count("<details") == 1
    assert re.search(r"<summary>Filter and sort <span class=\"active-count\">\(3 active\)</span>", html)
    chips = re.findall(r'<a href="([^"]*)" class="chip">', html)
    assert len(chips) == 3
    assert "/en/shelters/?state=MX-NLE&amp;service=legal-aid" in chips
    # States are ticked in one group per border region.
    form = html.split('class="field field-state', 1)[1].split('class="field field-', 1)[0]
    assert re.findall(r"<legend>([^<]+)</legend>", form) == [
        "State",
        "Northern border",
        "Centre",
        "Southern border",
    ]


def test_municipality_filter_ignores_accents(client, finder_shelters):
    assert names(client.get(url(), {"municipality": "juarez"})) == ["Casa del Migrante"]


# --- near me ---


def test_distance_sorted_in_the_database_within_the_radius(finder_shelters):
    nearest = list(Shelter.objects.near(*ZOCALO, radius_km=2500))
    assert [s.name for s in nearest] == ["Casa Nicolás", "Albergue Jesús el Buen Pastor", "Casa del Migrante"]
    # The database's figures agree with the haversine formula worked out here (Guadalupe, N.L. is ~700 km away).
    assert [s.distance_km for s in nearest] == pytest.approx([haversine(ZOCALO, s) for s in nearest], abs=0.01)
    assert 690 < nearest[0].distance_km < 710
    assert [s.name for s in Shelter.objects.near(*ZOCALO, radius_km=800)] == ["Casa Nicolás"]


def haversine(origin: tuple[float, float], shelter: Shelter) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*origin, float(shelter.latitude), float(shelter.longitude)))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def test_bounding_box_holds_the_whole_radius():
    min_lat, max_lat, min_lon, max_lon = bounding_box(19.43, -99.13, 100)
    assert min_lat == pytest.approx(18.53, abs=0.01) and max_lat == pytest.approx(20.33, abs=0.01)
    assert max_lon - (-99.13) > 100 / 111.2  # wider in longitude than in latitude away from the equator


def test_near_me_posts_the_position_and_shows_km(client, finder_shelters):
    response = client.post(
        url(lang="en") + "?state=MX-CHP&state=MX-NLE", {"lat": "19.4326", "lon": "-99.1332", "radius": "1000"}
    )
    assert response.status_code == HTTPStatus.OK
    assert names(response) == ["Casa Nicolás", "Albergue Jesús el Buen Pastor"]
    html = response.content.decode()
    assert re.search(r'<p class="distance">7\d\d\.\d km away</p>', html)
    # Rounded to two decimals when echoed for the next page; never a shared-cache entry.
    assert 'name="lat" value="19.43"' in html and "19.4326" not in html
    assert "private" in response["Cache-Control"]
    assert "Sorted by distance from you" in html


def test_near_me_pages_are_posted_and_keep_the_filters(client):
    for i in range(25):
        ShelterFactory(name=f"Sur {i:02d}", state=state("MX-CHP"), latitude=Decimal(15 + i / 100), longitude=-92)
    response = client.post(url(lang="en") + "?state=MX-CHP&page=2", {"lat": "15", "lon": "-92", "radius": "100"})
    assert names(response) == [f"Sur {i:02d}" for i in range(20, 25)]
    assert 'formaction="?state=MX-CHP&amp;page=1"' in response.content.decode()


def test_near_me_query_count_is_constant(client, django_assert_num_queries, finder_shelters):
    client.post(url(), {"lat": "19.43", "lon": "-99.13", "radius": "1000"})
    with django_assert_num_queries(8) as few:  # as a search, the count included (not kept for a position)
        client.post(url(), {"lat": "19.43", "lon": "-99.13", "radius": "1000"})
    for i in range(5):
        ShelterFactory(latitude=Decimal("19.5"), longitude=Decimal(f"-99.{i}"), services=[ServiceFactory()])
    with django_assert_num_queries(len(few.captured_queries)):
        client.post(url(), {"lat": "19.43", "lon": "-99.13", "radius": "1000"})


@pytest.mark.parametrize("body", [{"lat": "95", "lon": "0"}, {"lat": "x", "lon": "y"}, {}, {"lat": "1", "radius": "7"}])
def test_bad_positions_get_a_message_and_the_plain_list(client, finder_shelters, body):
    response = client.post(url(lang="en"), body, follow=False)
    assert response.status_code == HTTPStatus.OK
    assert "position could not be read" in response.content.decode()
    assert response.context["near"] is None


# --- one tap; WhatsApp ---


def test_cards_and_page_offer_call_whatsapp_directions_and_share(client, finder_shelters):
    for html in (
        client.get(url()).content.decode(),
        client.get(url("shelter_detail", slug=finder_shelters["juarez"].slug)).content.decode(),
    ):
        assert 'href="tel:+526566870676"' in html
        assert 'href="https://wa.me/526561112222"' in html
        assert "https://www.openstreetmap.org/directions?route=%3B31.690000%2C-106.420000" in html
        assert 'href="geo:31.690000,-106.420000?q=31.690000,-106.420000(Casa%20del%20Migrante)"' in html
        assert re.search(
            r'class="action share" href="http://testserver/es/(albergues|shelters)/casa-del-migrante/"', html
        )


def test_whatsapp_number_is_validated():
    shelter = ShelterFactory.build(state=state("MX-CHH"), whatsapp="656 123")
    with pytest.raises(ValidationError) as error:
        shelter.full_clean()
    assert "whatsapp" in error.value.message_dict


# --- print; weight; home ---


def test_printable_list_holds_a_whole_state_on_one_page(client):
    for i in range(30):
        ShelterFactory(name=f"Chiapas {i:02d}", state=state("MX-CHP"), phone="+52 962 000 0000")
    html = client.get(url(lang="en"), {"state": "MX-CHP"}).content.decode()
    assert "print=1" in html
    printed = client.get(url(lang="en"), {"state": "MX-CHP", "print": "1"})
    assert len(printed.context["object_list"]) == 30
    assert '<p class="print-only">Phone: +52 962 000 0000</p>' in printed.content.decode()
    css = (Path(settings.BASE_DIR) / "static/css/site.css").read_text()
    assert "@media print" in css and "@page" in css


def test_a_phones_first_view_is_under_30_kb_compressed_and_loads_no_leaflet(client, finder_shelters):
    for i in range(20):
        ShelterFactory(name=f"Albergue {i}", services=[ServiceFactory()], phone="+52 55 0000 0000", whatsapp="+52 55 1")
    html = client.get(url()).content
    assert b'<script src="/static/js_lib_leaflet' not in html and b'rel="stylesheet" href="/static/js_lib' not in html
    static = Path(settings.BASE_DIR) / "static"
    parts = [html, (static / "css/site.css").read_bytes(), (static / "js/finder.js").read_bytes()]
    assert sum(len(gzip.compress(part)) for part in parts) < 30_000


def test_home_page_leads_with_finding_a_shelter(client):
    html = client.get(url("home")).content.decode()
    finder = html.index('class="hero finder-lead"')
    assert finder < html.index('id="near-form"') < html.index('id="figures-heading"')
    assert html.index('id="hero-q"') < html.index('id="figures-heading"')
    for region in ("north", "centre", "south"):
        assert f"?region={region}" in html[finder : html.index('id="figures-heading"')]


def test_osm_attribution_only_where_a_map_is(client, finder_shelters):
    assert "OpenStreetMap contributors" not in client.get(url("home")).content.decode()
    assert "openstreetmap.org/copyright" in client.get(url()).content.decode()


def test_pages_and_api_lists_are_compressed_and_api_records_keep_their_bytes(client, api_client, finder_shelters):
    page = client.get(url(), HTTP_ACCEPT_ENCODING="gzip")
    assert page["Content-Encoding"] == "gzip"
    assert b"Casa del Migrante" in gzip.decompress(page.content)
    assert len(page.content) < 12_000
    api = api_client.get("/api/v1/shelters/", HTTP_ACCEPT_ENCODING="gzip")
    assert api["Content-Encoding"] == "gzip" and api["ETag"].startswith('W/"')
    assert json.loads(gzip.decompress(api.content))["count"] == 4  # every status: no page default
    # A record's strong ETag is what If-Match compares a write against: its bytes go uncompressed.
    record = api_client.get(f"/api/v1/shelters/{finder_shelters['juarez'].slug}/", HTTP_ACCEPT_ENCODING="gzip")
    assert not record.has_header("Content-Encoding") and record["ETag"].startswith('"')
