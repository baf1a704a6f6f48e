"""Every filter of every list, with the public pages' parameter names (the very same FilterSets), and bad values."""

from datetime import date, timedelta
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.utils import timezone

from news.api import ArticleViewSet
from news.views import ArticleListView
from projects.api import ProjectViewSet
from projects.views import ProjectListView
from registry.api import ShelterViewSet, StateViewSet
from registry.models import Shelter
from registry.views import ShelterListView, StateListView
from tests.api.conftest import API
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    DonorFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("viewset", "page"),
    [
        (ShelterViewSet, ShelterListView),
        (StateViewSet, StateListView),
        (ProjectViewSet, ProjectListView),
        (ArticleViewSet, ArticleListView),
    ],
)
def test_api_and_public_pages_share_one_filterset(viewset, page):
    assert viewset.filterset_class is page.filterset_class


@pytest.fixture
def world():
    medical, legal = ServiceFactory(code="medical-care"), ServiceFactory(code="legal-aid")
    women, children = PopulationGroupFactory(code="women"), PopulationGroupFactory(code="children")
    tapachula = ShelterFactory(
        name="Albergue Belén", municipality="Tapachula", state=state("MX-CHP"), services=[medical], populations=[women]
    )
    ixtepec = ShelterFactory(
        name="Hermanos en el Camino",
        municipality="Ciudad Ixtepec",
        state=state("MX-OAX"),
        services=[medical, legal],
        populations=[children],
        operator_type="faith_based",
    )
    tijuana = ShelterFactory(
        name="Casa del Migrante", municipality="Tijuana", state=state("MX-BCN"), status="temporarily_closed"
    )
    prm = DonorFactory(name="Bureau of Population", acronym="PRM", country="US")
    echo = DonorFactory(name="European Civil Protection", acronym="ECHO", country="BE")
    DonorFactory(name="Idle donor", acronym="IDLE", country="JP")
    protection = ThematicAreaFactory(slug="protection", name_en="Protection", name_es="Protección")
    health = ThematicAreaFactory(slug="health", name_en="Health", name_es="Salud", description="Clinics and care")
    old = ProjectFactory(
        title="Counter smuggling strategy",
        start_year=2015,
        end_year=2018,
        status="completed",
        budget_usd=Decimal("100000"),
        project_type="immigration_borders",
        states=[state("MX-BCN")],
        thematic_areas=[protection],
        prima_id="MX10P0001",
    )
    new = ProjectFactory(
        title="Health for migrants",
        start_year=2022,
        end_year=None,
        status="active",
        budget_usd=Decimal("900000"),
        project_type="migration_health",
        states=[state("MX-CHP"), state("MX-OAX")],
        thematic_areas=[health],
        prima_id="MX10P0002",
    )
    a1 = CooperationAgreementFactory(
        reference="PRM-2-belen", shelter=tapachula, donor=prm, project=new, programme_phase=2, programme_year=2015
    )
    SupportItemFactory(agreement=a1, category="medicines", description="Antibiotics")
    SupportItemFactory(agreement=a1, category="training", description="Antibiotics use")
    a2 = CooperationAgreementFactory(
        reference="ECHO-1-casa", shelter=tijuana, donor=echo, programme_phase=1, programme_year=2020, status="completed"
    )
    SupportItemFactory(agreement=a2, category="hygiene", description="Soap")
    ArticleFactory(
        title="Shelter opens in Tapachula",
        slug="shelter-opens",
        published_on=date(2023, 3, 1),
        states=[state("MX-CHP")],
        shelters=[tapachula],
        projects=[new],
    )
    ArticleFactory(
        title="Border report",
        slug="border-report",
        published_on=date(2019, 6, 1),
        body="Tijuana crossings",
        states=[state("MX-BCN")],
        projects=[old],
    )
    return locals()


def keys(response, key: str) -> set[str]:
    assert response.status_code == HTTPStatus.OK, response.json()
    return {row[key] for row in response.json()["results"]}


CASES = [
    # states
    ("states", "iso_code", "state=MX-CHP&state=MX-OAX", {"MX-CHP", "MX-OAX"}),
    ("states", "iso_code", "region=north&state=MX-BCN&state=MX-CHP", {"MX-BCN"}),
    # shelters
    ("shelters", "name", "region=south", {"Albergue Belén", "Hermanos en el Camino"}),
    ("shelters", "name", "region=north", {"Casa del Migrante"}),
    ("shelters", "name", "state=MX-OAX", {"Hermanos en el Camino"}),
    ("shelters", "name", "state=MX-OAX&state=MX-BCN", {"Hermanos en el Camino", "Casa del Migrante"}),
    ("shelters", "name", "q=ixtepec", {"Hermanos en el Camino"}),
    ("shelters", "name", "q=albergue belén", {"Albergue Belén"}),
    ("shelters", "name", "q=chiapas", {"Albergue Belén"}),
    ("shelters", "name", "service=legal-aid", {"Hermanos en el Camino"}),
    ("shelters", "name", "service=medical-care", {"Albergue Belén", "Hermanos en el Camino"}),
    ("shelters", "name", "population=women", {"Albergue Belén"}),
    ("shelters", "name", "operator_type=faith_based", {"Hermanos en el Camino"}),
    ("shelters", "name", "status=temporarily_closed", {"Casa del Migrante"}),
    # donors
    ("donors", "acronym", "q=european", {"ECHO"}),
    ("donors", "acronym", "country=us", {"PRM"}),
    ("donors", "acronym", "region=south", {"PRM"}),
    ("donors", "acronym", "state=MX-BCN", {"ECHO"}),
    # agreements
    ("agreements", "reference", "region=south", {"PRM-2-belen"}),
    ("agreements", "reference", "state=MX-BCN", {"ECHO-1-casa"}),
    ("agreements", "reference", "q=antibiotics", {"PRM-2-belen"}),
    ("agreements", "reference", "shelter=casa-del-migrante", {"ECHO-1-casa"}),
    ("agreements", "reference", "donor=prm", {"PRM-2-belen"}),
    ("agreements", "reference", "project=MX10P0002", {"PRM-2-belen"}),
    ("agreements", "reference", "status=completed", {"ECHO-1-casa"}),
    ("agreements", "reference", "programme_phase=2", {"PRM-2-belen"}),
    ("agreements", "reference", "programme_year=2020", {"ECHO-1-casa"}),
    ("agreements", "reference", "category=hygiene", {"ECHO-1-casa"}),
    ("agreements", "reference", "category=medicines", {"PRM-2-belen"}),
    # projects
    ("projects", "prima_id", "region=south", {"MX10P0002"}),
    ("projects", "prima_id", "state=MX-BCN", {"MX10P0001"}),
    ("projects", "prima_id", "q=smuggling", {"MX10P0001"}),
    ("projects", "prima_id", "status=active", {"MX10P0002"}),
    ("projects", "prima_id", "project_type=migration_health", {"MX10P0002"}),
    ("projects", "prima_id", "thematic_area=protection", {"MX10P0001"}),
    ("projects", "prima_id", "year_min=2019", {"MX10P0002"}),
    ("projects", "prima_id", "year_max=2016", {"MX10P0001"}),
    ("projects", "prima_id", "year_min=2016&year_max=2017", {"MX10P0001"}),
    ("projects", "prima_id", "budget_min=500000", {"MX10P0002"}),
    ("projects", "prima_id", "budget_max=500000", {"MX10P0001"}),
    # thematic areas
    ("thematic-areas", "slug", "q=clinics", {"health"}),
    ("thematic-areas", "slug", "q=protección", {"protection"}),
    # news
    ("news", "slug", "region=south", {"shelter-opens"}),
    ("news", "slug", "state=MX-BCN", {"border-report"}),
    ("news", "slug", "q=tijuana", {"border-report"}),
    ("news", "slug", "date_from=2020-01-01", {"shelter-opens"}),
    ("news", "slug", "date_to=2020-01-01", {"border-report"}),
    ("news", "slug", "shelter=albergue-belen", {"shelter-opens"}),
    ("news", "slug", "project=MX10P0001", {"border-report"}),
]


@pytest.mark.parametrize(("path", "key", "query", "expected"), CASES)
def test_list_filters(world, client, path, key, query, expected):
    response = client.get(f"{API}/{path}/?{query}")

    assert keys(response, key) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("path", "key", "ordering", "expected"),
    [
        ("shelters", "name", "name", ["Albergue Belén", "Casa del Migrante", "Hermanos en el Camino"]),
        ("shelters", "name", "-name", ["Hermanos en el Camino", "Casa del Migrante", "Albergue Belén"]),
        ("shelters", "name", "state,name", ["Casa del Migrante", "Albergue Belén", "Hermanos en el Camino"]),
        ("projects", "prima_id", "budget", ["MX10P0001", "MX10P0002"]),
        ("projects", "prima_id", "-budget", ["MX10P0002", "MX10P0001"]),
        ("agreements", "reference", "reference", ["ECHO-1-casa", "PRM-2-belen"]),
        ("donors", "acronym", "-acronym", ["PRM", "IDLE", "ECHO"]),
        ("news", "slug", "published_on", ["border-report", "shelter-opens"]),
    ],
)
def test_ordering(world, client, path, key, ordering, expected):
    response = client.get(f"{API}/{path}/?ordering={ordering}")

    assert [row[key] for row in response.json()["results"]] == expected


@pytest.mark.parametrize("path", ["states", "shelters", "donors", "agreements", "projects", "news"])
def test_modified_after_returns_only_what_changed(world, client, path):
    future = (timezone.now() + timedelta(days=1)).isoformat()
    past = (timezone.now() - timedelta(days=1)).isoformat()

    assert client.get(f"{API}/{path}/", {"modified_after": future}).json()["count"] == 0
    assert client.get(f"{API}/{path}/", {"modified_after": past}).json()["count"] > 0


def test_modified_after_picks_the_record_just_changed(world, client):
    since = timezone.now()
    shelter = world["tijuana"]
    shelter.capacity = 12
    shelter.save()

    response = client.get(f"{API}/shelters/", {"modified_after": since.isoformat()})

    assert keys(response, "slug") == {shelter.slug}


def test_repeated_region_filter_keeps_one_row_per_project(world, client):
    # The new project covers two southern states; the join must not list it twice.
    response = client.get(f"{API}/projects/?region=south&state=MX-CHP&state=MX-OAX")

    assert [row["prima_id"] for row in response.json()["results"]] == ["MX10P0002"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=ZZ", "state"),
        ("state=MX-CHP&state=nowhere", "state"),
        ("region=west", "region"),
        ("service=teleportation", "service"),
        ("status=open", "status"),
        ("ordering=secret_field", "ordering"),
        ("modified_after=yesterday", "modified_after"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_filter_values_answer_400_naming_the_parameter(client, query, field):
    response = client.get(f"{API}/shelters/?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()
    assert all(isinstance(message, str) and message for message in response.json()[field])


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("projects", "year_min=abc", "year_min"),
        ("projects", "year_min=1800", "year_min"),
        ("projects", "budget_min=-5", "budget_min"),
        ("projects", "thematic_area=unknown", "thematic_area"),
        ("agreements", "programme_phase=0", "programme_phase"),
        ("agreements", "category=food", "category"),
        ("news", "date_from=2020-13-45", "date_from"),
        ("donors", "country=USA", "country"),
    ],
)
def test_bad_values_of_per_list_filters_answer_400(client, path, query, field):
    response = client.get(f"{API}/{path}/?{query}")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert field in response.json()


def test_unknown_parameters_are_ignored(world, client):
    response = client.get(f"{API}/shelters/?colour=blue")

    assert response.status_code == HTTPStatus.OK
    assert response.json()["count"] == Shelter.objects.count()


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("2000-01-01T00:00:00+17:37", HTTPStatus.OK),  # valid ISO 8601, beyond what PostgreSQL takes as an offset
        ("2000-01-01T00:00:00-23:59", HTTPStatus.OK),
        ("0001-01-01T00:00:00Z", HTTPStatus.OK),
        ("9999-12-31T23:59:59-05:00", HTTPStatus.BAD_REQUEST),  # past year 9999 once in UTC
        ("9999-12-31T23:59:59", HTTPStatus.BAD_REQUEST),  # Mexico City time: past 9999 in UTC too
    ],
)
def test_modified_after_takes_any_iso_offset(world, client, value, status):
    response = client.get(f"{API}/shelters/", {"modified_after": value})

    assert response.status_code == status
