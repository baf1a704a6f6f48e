"""Public shelter, state and region pages: filters, pagination, bad input, content and query counts."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.template.loader import get_template

from tests.conftest import url
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    state,
)

pytestmark = pytest.mark.django_db


def names(response) -> set[str]:
    return {shelter.name for shelter in response.context["object_list"]}


@pytest.fixture
def shelters_in_three_regions():
    return {
        "tapachula": ShelterFactory(name="Albergue Tapachula", state=state("MX-CHP")),
        "ixtepec": ShelterFactory(name="Albergue Ixtepec", state=state("MX-OAX")),
        "tijuana": ShelterFactory(name="Albergue Tijuana", state=state("MX-BCN")),
        "hermosillo": ShelterFactory(name="Albergue Hermosillo", state=state("MX-SON")),
        "cdmx": ShelterFactory(name="Albergue CDMX", state=state("MX-CMX")),
    }


# --- shelter list: filtering ---


@pytest.mark.usefixtures("shelters_in_three_regions")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Albergue Tapachula", "Albergue Ixtepec", "Albergue Tijuana", "Albergue Hermosillo", "Albergue CDMX"}),
        ("?region=south", {"Albergue Tapachula", "Albergue Ixtepec"}),
        ("?region=north", {"Albergue Tijuana", "Albergue Hermosillo"}),
        ("?region=centre", {"Albergue CDMX"}),
        ("?state=MX-OAX", {"Albergue Ixtepec"}),
        ("?state=MX-OAX&state=MX-SON", {"Albergue Ixtepec", "Albergue Hermosillo"}),
        ("?region=south&state=MX-CHP", {"Albergue Tapachula"}),
        ("?region=north&state=MX-CHP", set()),
        ("?q=tijuana", {"Albergue Tijuana"}),
        ("?q=oaxaca", {"Albergue Ixtepec"}),
    ],
)
def test_shelter_list_filters_by_region_and_state(client, query, expected):
    response = client.get(url("shelter_list") + query)
    assert response.status_code == HTTPStatus.OK
    assert names(response) == expected


def test_shelter_list_filters_by_service_population_operator_and_status(client):
    lodging, legal = ServiceFactory(code="lodging"), ServiceFactory(code="legal-aid")
    women, children = PopulationGroupFactory(code="women"), PopulationGroupFactory(code="children")
    ShelterFactory(name="Lodging for women", services=[lodging], populations=[women])
    ShelterFactory(name="Legal aid for children", services=[legal], populations=[children], operator_type="faith_based")
    ShelterFactory(name="Closed one", services=[lodging], status="closed")

    # Open shelters only unless a status is chosen.
    assert names(client.get(url("shelter_list") + "?service=lodging")) == {"Lodging for women"}
    assert names(client.get(url("shelter_list") + "?service=lodging&status=active&status=closed")) == {
        "Lodging for women",
        "Closed one",
    }
    assert names(client.get(url("shelter_list") + "?population=children")) == {"Legal aid for children"}
    assert names(client.get(url("shelter_list") + "?operator_type=faith_based")) == {"Legal aid for children"}
    assert names(client.get(url("shelter_list") + "?status=closed")) == {"Closed one"}
    assert names(client.get(url("shelter_list") + "?service=lodging&status=active")) == {"Lodging for women"}


def test_shelter_list_sorts(client):
    ShelterFactory(name="Bravo", state=state("MX-SON"))
    ShelterFactory(name="Alfa", state=state("MX-CHP"))
    response = client.get(url("shelter_list") + "?ordering=-name")
    assert [s.name for s in response.context["object_list"]] == ["Bravo", "Alfa"]
    response = client.get(url("shelter_list") + "?ordering=state")
    assert [s.name for s in response.context["object_list"]] == ["Alfa", "Bravo"]


def test_shelter_list_shows_rows_with_links_and_the_active_filters(client, shelters_in_three_regions):
    response = client.get(url("shelter_list") + "?region=south&state=MX-CHP")
    html = response.content.decode()
    assert shelters_in_three_regions["tapachula"].get_absolute_url() in html
    assert "Albergue Ixtepec" not in html
    # each active filter is named in words, with a link that removes only that filter
    assert "Border region: Southern border" in html
    assert "State: Chiapas" in html
    assert 'href="/en/shelters/?state=MX-CHP"' in html
    assert 'href="/en/shelters/?region=south"' in html
    assert "Clear all filters" in html


def test_shelter_list_without_filters_offers_no_clear_link(client):
    ShelterFactory()
    assert "Clear all filters" not in client.get(url("shelter_list")).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "?state=ZZ",
        "?state=MX-CHP&state=%00",
        "?region=%3Cscript%3E",
        "?service=nope",
        "?ordering=password",
        "?status=open",
        "?q=" + "x" * 500,
    ],
)
def test_shelter_list_invalid_filter_shows_an_error_not_a_500(client, query):
    ShelterFactory(state=state("MX-CHP"))
    response = client.get(url("shelter_list") + query)
    assert response.status_code == HTTPStatus.OK
    assert response.context["filter"].form.errors
    assert list(response.context["object_list"]) == []
    html = response.content.decode()
    assert 'class="form-errors"' in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_shelter_list_unknown_state_error_names_the_value(client):
    response = client.get(url("shelter_list") + "?state=ZZ")
    assert "ZZ is not one of the available choices" in response.content.decode()


@pytest.mark.parametrize(("page", "expected_number"), [("abc", 1), ("999999", 3), ("-1", 3), ("2", 2), ("", 1)])
def test_shelter_list_page_out_of_range_or_not_a_number_shows_nearest_page(client, page, expected_number):
    for i in range(45):
        ShelterFactory(name=f"Shelter {i:02d}")
    response = client.get(url("shelter_list") + f"?page={page}")
    assert response.status_code == HTTPStatus.OK
    assert response.context["page_obj"].number == expected_number


def test_shelter_list_pagination_keeps_the_filters(client):
    for i in range(25):
        ShelterFactory(name=f"South {i:02d}", state=state("MX-CHP"))
    ShelterFactory(name="North", state=state("MX-SON"))
    response = client.get(url("shelter_list") + "?region=south&ordering=name")
    assert response.context["paginator"].count == 25
    html = response.content.decode()
    assert 'href="?region=south&amp;ordering=name&amp;page=2"' in html
    second = client.get(url("shelter_list") + "?region=south&ordering=name&page=2")
    assert [s.name for s in second.context["object_list"]] == [f"South {i:02d}" for i in range(20, 25)]


def test_shelter_list_form_has_a_label_for_every_control(client):
    ShelterFactory()
    html = client.get(url("shelter_list")).content.decode()
    form = html.split('class="filters"', 1)[1].split("</form>", 1)[0]
    for name in ("q", "region", "municipality", "operator_type", "ordering"):
        assert f'<label for="id_{name}">' in form
    # Several values are ticked, never picked from a list box that needs Ctrl or Cmd.
    for name in ("state", "service", "population", "status"):
        assert f'<fieldset class="field field-{name}' in form
    assert "<select multiple" not in form and "Ctrl" not in form
    assert "modified_after" not in form  # API-only filter
    assert '<option value="" selected>Any</option>' in form


def test_shelter_list_sort_labels_follow_the_language(client):
    ShelterFactory()
    assert "Nombre (descendente)" in client.get(url("shelter_list", "es")).content.decode()
    assert "Name (descending)" in client.get(url("shelter_list", "en")).content.decode()


def _populate_shelters(count: int) -> None:
    services = [ServiceFactory(code="lodging"), ServiceFactory(code="food")]
    populations = [PopulationGroupFactory(code="women"), PopulationGroupFactory(code="children")]
    codes = ["MX-CHP", "MX-OAX", "MX-SON", "MX-BCN", "MX-CMX"]
    for i in range(count):
        shelter = ShelterFactory(state=state(codes[i % len(codes)]), services=services, populations=populations)
        CooperationAgreementFactory(shelter=shelter)


@pytest.mark.parametrize("count", [2, 50])
@pytest.mark.parametrize("query", ["", "?region=south", "?state=MX-CHP&state=MX-OAX&service=lodging&ordering=-name"])
def test_shelter_list_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, count, query):
    _populate_shelters(count)
    # page + count + services + the rows' opening hours, 4 filter widgets' choices (states, services,
    # populations, languages), up to 2 lookups validating state/service values
    with django_assert_max_num_queries(10):
        response = client.get(url("shelter_list") + query)
    assert response.status_code == HTTPStatus.OK
    assert response.context["object_list"]


# --- shelter detail ---


@pytest.fixture
def shelter_with_everything():
    shelter = ShelterFactory(
        name="Albergue Hermanos en el Camino",
        state=state("MX-OAX"),
        municipality="Ciudad Ixtepec",
        address="Calle Ferrocarril s/n",
        latitude=Decimal("16.561000"),
        longitude=Decimal("-95.100000"),
        phone="+52 971 000 0000",
        email="contacto@example.org",
        website="https://example.org/",
        last_verified=date(2024, 5, 1),
        services=[ServiceFactory(code="lodging"), ServiceFactory(code="legal-aid")],
        populations=[PopulationGroupFactory(code="women")],
    )
    project = ProjectFactory(title="Shelter support project")
    agreement = CooperationAgreementFactory(shelter=shelter, project=project, signed_on=date(2015, 3, 2))
    SupportItemFactory(agreement=agreement, description="Antibiotics", quantity=Decimal("200"), unit="boxes")
    SupportItemFactory(agreement=agreement, category="training", description="First aid")
    ArticleFactory(title="IOM signs agreements with shelters", shelters=[shelter])
    return shelter


def test_shelter_detail_shows_everything_public(client, shelter_with_everything):
    shelter = shelter_with_everything
    response = client.get(url("shelter_detail", slug=shelter.slug))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in [
        "Albergue Hermanos en el Camino",
        "Ciudad Ixtepec",
        "Calle Ferrocarril s/n",
        "Oaxaca",
        "Southern border",
        "Lodging",
        "Legal aid",
        "Women",
        "mailto:contacto@example.org",
        "tel:+529710000000",
        'Verified <time datetime="2024-05-01">',
        'datetime="2024-05-01"',
        "Antibiotics",
        "First aid",
        "200 boxes",
        "Shelter support project",
        "IOM signs agreements with shelters",
        f'id="agreement-{shelter.agreements.get().reference}"',
    ]:
        assert text in html, text


def test_shelter_detail_map_degrades_to_text(client, shelter_with_everything):
    html = client.get(url("shelter_detail", slug=shelter_with_everything.slug)).content.decode()
    # The map container and Leaflet are served locally; the coordinates and an OSM link stay readable without them.
    assert 'id="shelter-map"' in html
    assert "js_lib_leaflet/leaflet.js" in html
    assert "16.56100, -95.10000" in html
    assert "https://www.openstreetmap.org/?mlat=16.561000&amp;mlon=-95.100000" in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_shelter_detail_without_coordinates_has_no_map(client):
    shelter = ShelterFactory()
    html = client.get(url("shelter_detail", slug=shelter.slug)).content.decode()
    assert 'id="shelter-map"' not in html
    assert "leaflet" not in html
    assert "No map" in html


def test_shelter_detail_unknown_slug_is_a_friendly_404(client):
    response = client.get(url("shelter_detail", slug="does-not-exist"))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.content.decode()
    assert 'href="/en/shelters/"' in response.content.decode()


@pytest.mark.parametrize("count", [2, 50])
def test_shelter_detail_query_count_does_not_grow_with_related_rows(client, django_assert_num_queries, count):
    shelter = ShelterFactory(
        services=[ServiceFactory(code="lodging"), ServiceFactory(code="food")],
        populations=[PopulationGroupFactory(code="women")],
    )
    for i in range(count):
        agreement = CooperationAgreementFactory(shelter=shelter, programme_phase=i + 1, project=ProjectFactory())
        SupportItemFactory(agreement=agreement)
        SupportItemFactory(agreement=agreement, category="hygiene")
        ArticleFactory(shelters=[shelter])
    # The shelter, its terms, its hours, its agreements with their items (and projects), its news.
    with django_assert_num_queries(5):
        response = client.get(url("shelter_detail", slug=shelter.slug))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["projects"]) == count


# --- states and regions ---


def test_state_list_groups_the_32_states_by_region(client):
    ShelterFactory(state=state("MX-CHP"))
    response = client.get(url("state_list", "es"))
    assert response.status_code == HTTPStatus.OK
    groups = response.context["region_groups"]
    assert [g.region for g in groups] == ["north", "centre", "south"]
    assert sum(len(g.states) for g in groups) == 32
    south = {s.iso_code: s for s in groups[2].states}
    assert south["MX-CHP"].shelter_count == 1
    html = response.content.decode()
    assert "Chiapas" in html and "Frontera sur" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [("?region=north", None), ("?state=MX-CHP", {"MX-CHP"}), ("?region=south&state=MX-CHP&state=MX-SON", {"MX-CHP"})],
)
def test_state_list_filters_by_region_and_state(client, query, expected):
    response = client.get(url("state_list") + query)
    codes = {s.iso_code for s in response.context["object_list"]}
    if expected is None:
        assert codes and all(s.region == "north" for s in response.context["object_list"])
    else:
        assert codes == expected


def test_state_list_with_unknown_state_shows_an_error(client):
    response = client.get(url("state_list") + "?state=ZZ")
    assert response.status_code == HTTPStatus.OK
    assert "ZZ is not one of the available choices" in response.content.decode()


def test_state_detail_lists_its_shelters_projects_and_news(client):
    chiapas = state("MX-CHP")
    ShelterFactory(name="In Chiapas", state=chiapas)
    ShelterFactory(name="In Sonora", state=state("MX-SON"))
    ProjectFactory(title="Chiapas project", states=[chiapas])
    ArticleFactory(title="Chiapas news", states=[chiapas])
    html = client.get(url("state_detail", slug=chiapas.slug)).content.decode()
    assert "In Chiapas" in html and "Chiapas project" in html and "Chiapas news" in html
    assert "In Sonora" not in html
    assert "MX-CHP" in html


@pytest.mark.parametrize("count", [2, 50])
def test_state_detail_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    chiapas = state("MX-CHP")
    for _ in range(count):
        ShelterFactory(state=chiapas, services=[ServiceFactory(code="lodging")])
        ProjectFactory(states=[chiapas])
        ArticleFactory(states=[chiapas])
    # the state; then for shelters, projects and news each: rows, their prefetches, a count
    with django_assert_max_num_queries(12):
        response = client.get(url("state_detail", slug=chiapas.slug))
    assert response.status_code == HTTPStatus.OK


def test_region_detail_shows_only_that_region(client):
    ShelterFactory(name="Southern shelter", state=state("MX-CHP"))
    ShelterFactory(name="Northern shelter", state=state("MX-SON"))
    response = client.get(url("region_detail", region="south"))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Southern shelter" in html and "Northern shelter" not in html
    assert {s.iso_code for s in response.context["states"]} == {"MX-CHP", "MX-TAB", "MX-CAM", "MX-ROO"} | {
        s.iso_code for s in response.context["states"] if s.region == "south"
    }
    assert all(s.region == "south" for s in response.context["states"])


def test_region_detail_unknown_region_is_404(client):
    assert client.get("/en/regions/west/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [2, 50])
def test_region_detail_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    for _ in range(count):
        shelter = ShelterFactory(state=state("MX-CHP"))
        CooperationAgreementFactory(shelter=shelter)
        ProjectFactory(states=[state("MX-CHP"), state("MX-TAB")])
        ArticleFactory(states=[state("MX-CHP")])
    with django_assert_max_num_queries(11):
        response = client.get(url("region_detail", region="south"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["shelter_total"] == count


# --- home page ---


def test_home_shows_key_figures_chart_and_latest_news(client):
    shelter = ShelterFactory(state=state("MX-CHP"))
    ShelterFactory(state=state("MX-SON"), status="closed")
    CooperationAgreementFactory(shelter=shelter)
    ProjectFactory(budget_usd=Decimal("100000"))
    ProjectFactory(budget_usd=Decimal("300000"))
    ArticleFactory(title="Newest article", published_on=date(2024, 1, 2))
    response = client.get(url("home"))
    assert response.status_code == HTTPStatus.OK
    figures = response.context["figures"]
    assert (figures.active_shelters, figures.states_covered, figures.agreements, figures.projects) == (1, 1, 1, 2)
    assert figures.total_budget_usd == Decimal("400000")
    html = response.content.decode()
    assert "<svg" in html and '<title id="chart-region-title">' in html and "<desc" in html
    assert "<table>" in html  # the chart's figures as a table
    assert "Newest article" in html
    assert "400,000" in html


@pytest.mark.parametrize("count", [2, 50])
def test_home_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    codes = ["MX-CHP", "MX-OAX", "MX-SON", "MX-BCN", "MX-CMX", "MX-TAB"]
    for i in range(count):
        CooperationAgreementFactory(shelter=ShelterFactory(state=state(codes[i % len(codes)])))
        ArticleFactory(states=[state("MX-CHP")])
        ProjectFactory()
    with django_assert_max_num_queries(7):
        response = client.get(url("home"))
    assert response.status_code == HTTPStatus.OK


# --- site-wide ---


def test_sitemap_lists_pages_in_both_languages(client):
    shelter = ShelterFactory(slug="albergue-uno")
    response = client.get("/sitemap.xml")
    assert response.status_code == HTTPStatus.OK
    xml = response.content.decode()
    assert f"/es/shelters/{shelter.slug}/" in xml and f"/en/shelters/{shelter.slug}/" in xml
    assert "/es/states/chiapas/" in xml
    assert "/en/regions/south/" in xml
    assert 'hreflang="x-default"' in xml


def test_pages_have_canonical_open_graph_and_language_alternates(client):
    shelter = ShelterFactory(name="Casa del Migrante")
    html = client.get(url("shelter_detail", slug=shelter.slug) + "?utm=x").content.decode()
    assert f'<link rel="canonical" href="http://testserver/en/shelters/{shelter.slug}/">' in html
    assert '<meta property="og:title" content="Casa del Migrante">' in html
    assert f'hreflang="es" href="http://testserver/es/shelters/{shelter.slug}/' in html
    assert '<meta property="og:locale" content="en_US">' in html


def test_500_page_renders_without_context_or_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = get_template("500.html").render()
    assert "<h1>" in html and "/static/css/site.css" in html
