"""Public project pages: every field of the source pages, the shared filters, bad input and query counts."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest

from tests.conftest import titles, url
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    protection = ThematicAreaFactory(slug="protection", name_en="Protection", name_es="Protección")
    health = ThematicAreaFactory(slug="health", name_en="Health", name_es="Salud")
    return {
        "south": ProjectFactory(
            title="Southern project",
            states=[state("MX-CHP"), state("MX-TAB")],
            thematic_areas=[protection],
            start_year=2015,
            end_year=2018,
            budget_usd=Decimal("100000"),
            status="completed",
            project_type="research_publication",
        ),
        "north": ProjectFactory(
            title="Northern project",
            states=[state("MX-SON")],
            thematic_areas=[health],
            start_year=2020,
            end_year=None,
            budget_usd=Decimal("900000"),
            status="active",
        ),
        "both": ProjectFactory(
            title="National project",
            states=[state("MX-BCN"), state("MX-OAX")],
            start_year=2010,
            end_year=2012,
            budget_usd=None,
        ),
    }


@pytest.mark.usefixtures("projects")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Southern project", "Northern project", "National project"}),
        ("?region=south", {"Southern project", "National project"}),
        ("?region=north", {"Northern project", "National project"}),
        ("?region=centre", set()),
        ("?state=MX-TAB", {"Southern project"}),
        ("?state=MX-CHP&state=MX-TAB", {"Southern project"}),  # one row even when two states match
        ("?region=south&state=MX-OAX", {"National project"}),
        ("?status=active", {"Northern project"}),
        ("?project_type=research_publication", {"Southern project"}),
        ("?thematic_area=health", {"Northern project"}),
        ("?year_min=2016", {"Southern project", "Northern project"}),
        ("?year_max=2014", {"National project"}),
        ("?year_min=2011&year_max=2016", {"Southern project", "National project"}),
        ("?budget_min=500000", {"Northern project"}),
        ("?budget_max=500000", {"Southern project"}),
        ("?q=northern", {"Northern project"}),
    ],
)
def test_project_list_filters(client, query, expected):
    response = client.get(url("project_list") + query)
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == expected
    assert len(response.context["object_list"]) == len(expected)


def test_project_list_shows_prima_id_and_title(client, projects):
    html = client.get(url("project_list")).content.decode()
    assert projects["south"].prima_id in html
    assert "Southern project" in html
    assert projects["south"].get_absolute_url() in html


def test_project_list_sorts_by_budget(client, projects):
    response = client.get(url("project_list") + "?ordering=-budget")
    ordered = [p.title for p in response.context["object_list"] if p.budget_usd is not None]
    assert ordered == ["Northern project", "Southern project"]


@pytest.mark.parametrize(
    "query",
    [
        "?year_min=1e999",
        "?year_min=abc",
        "?year_max=1900",
        "?budget_min=-1&budget_max=abc",
        "?ordering=password",
        "?thematic_area=nope",
        "?state=ZZ",
        "?page=abc",
        "?page=999999",
    ],
)
def test_project_list_bad_input_never_500(client, projects, query):
    response = client.get(url("project_list") + query)
    assert response.status_code == HTTPStatus.OK
    if "page=" not in query:
        assert response.context["filter"].form.errors
        assert 'class="form-errors"' in response.content.decode()


@pytest.mark.parametrize("count", [2, 50])
def test_project_list_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    areas = [ThematicAreaFactory(slug="protection"), ThematicAreaFactory(slug="health")]
    for _ in range(count):
        ProjectFactory(states=[state("MX-CHP"), state("MX-SON")], thematic_areas=areas)
    with django_assert_max_num_queries(8):
        response = client.get(url("project_list") + "?region=south&thematic_area=protection&ordering=title")
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["object_list"]) == min(count, 20)


@pytest.fixture
def full_project():
    project = ProjectFactory(
        title="A Comprehensive Approach to Migration Flows",
        start_year=2015,
        end_year=2018,
        start_date=date(2015, 6, 1),
        status="completed",
        project_type="research_publication",
        budget_usd=Decimal("100000.00"),
        coverage="national",
        year=2015,
        idf_region="latin_america_caribbean",
        prima_id="MX10P0001",
        projects_id="PR.0173",
        benefiting_member_states=["MX"],
        summary="The rise in violence <b>directed</b> towards migrants.",
        description="First paragraph.\n\nSecond paragraph with <script>alert(1)</script>.",
        source_url="https://example.org/project",
        states=[state("MX-CHP")],
        thematic_areas=[ThematicAreaFactory(slug="protection", name_en="Protection", name_es="Protección")],
    )
    ProjectObjectiveFactory(project=project, position=1, text="Strengthen capacities of state governments.")
    ProjectObjectiveFactory(project=project, position=2, text="Increase coordination.")
    shelter = ShelterFactory(name="Albergue del Proyecto", state=state("MX-CHP"))
    SupportItemFactory(agreement=CooperationAgreementFactory(shelter=shelter, project=project))
    ArticleFactory(title="News about the project", projects=[project])
    return project


def test_project_detail_shows_every_field_of_the_source_page(client, full_project):
    response = client.get(url("project_detail", slug=full_project.slug))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    for text in [
        "A Comprehensive Approach to Migration Flows",
        'datetime="2015-06-01"',
        "2018",
        "Completed",
        "Migration Research and Publication",
        "100,000.00",
        "National",
        "Latin America and the Caribbean",
        "MX10P0001",
        "PR.0173",
        "Mexico",
        "Strengthen capacities of state governments.",
        "Increase coordination.",
        "Protection",
        "Chiapas",
        "Albergue del Proyecto",
        "News about the project",
        "https://example.org/project",
    ]:
        assert text in html, text


def test_project_detail_escapes_rich_text(client, full_project):
    html = client.get(url("project_detail", slug=full_project.slug)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;directed&lt;/b&gt;" in html
    assert "<p>First paragraph.</p>" in html


def test_project_detail_in_spanish_translates_labels_and_areas(client, full_project):
    html = client.get(url("project_detail", "es", slug=full_project.slug)).content.decode()
    assert "Protección" in html and "Objetivos y resultados" in html and "ID Prima" in html


def test_project_detail_unknown_slug_is_404(client):
    assert client.get(url("project_detail", slug="nope")).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [2, 50])
def test_project_detail_query_count_does_not_grow(client, django_assert_num_queries, count):
    project = ProjectFactory(states=[state("MX-CHP"), state("MX-OAX")], thematic_areas=[ThematicAreaFactory()])
    for i in range(count):
        ProjectObjectiveFactory(project=project, position=i + 1)
        agreement = CooperationAgreementFactory(project=project)
        SupportItemFactory(agreement=agreement)
        ArticleFactory(projects=[project])
    # The project, its areas, states and objectives, its agreements (with item counts), its news.
    with django_assert_num_queries(4):
        response = client.get(url("project_detail", slug=project.slug))
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["agreements"]) == count
