"""What a list page costs: the same queries on a deep page as on the first, never a DISTINCT, the page's rows read
by their keys, sorts that never tie, and pages that stop at registry.versioned_cache.DEEPEST_PAGE."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from news.models import Article
from news.views import ArticleListView
from projects.models import Project
from projects.views import ProjectListView
from registry.models import CooperationAgreement, Language, Shelter, State
from registry.versioned_cache import VersionedCountPaginator, page_rows
from registry.views import ClampedPaginationMixin, ShelterListView
from tests.conftest import url
from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    OpeningHoursFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db


def queries(client, path: str) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    return response, [query["sql"] for query in captured.captured_queries]


@pytest.fixture
def many_of_everything():
    """25 shelters and 25 projects (two pages of 20), 15 articles (two pages of 10), each with two of every
    to-many relation the filters follow, and hours for some shelters."""
    services = [ServiceFactory(code="lodging"), ServiceFactory(code="food")]
    populations = [PopulationGroupFactory(code="women"), PopulationGroupFactory(code="children")]
    languages = list(Language.objects.filter(code__in=["hat", "quc"]))  # reference data
    areas = [ThematicAreaFactory(slug="protection"), ThematicAreaFactory(slug="health")]
    states = [state("MX-CHP"), state("MX-OAX")]
    for i in range(25):
        shelter = ShelterFactory(
            name=f"Shelter {i:02d}",
            state=states[i % 2],
            services=services,
            populations=populations,
            capacity=10 * (i % 3),  # many equal values
        )
        shelter.languages.set(languages)
        if i % 4 == 0:
            OpeningHoursFactory(shelter=shelter)
        ProjectFactory(title=f"Project {i:02d}", states=states, thematic_areas=areas, start_year=2020 - i % 2)
    for i in range(15):
        ArticleFactory(title=f"Article {i:02d}", states=states, shelters=[Shelter.objects.get(slug="shelter-00")])


@pytest.mark.usefixtures("many_of_everything")
@pytest.mark.parametrize(
    ("name", "query", "last_page"),
    [
        ("shelter_list", "", 2),
        ("shelter_list", "?state=MX-CHP&state=MX-OAX&service=lodging&service=food&ordering=-capacity", 2),
        ("shelter_list", "?region=south&population=women&language=hat&ordering=state", 2),
        ("project_list", "?state=MX-CHP&thematic_area=protection&thematic_area=health", 2),
        ("project_list", "?region=south&ordering=title", 2),
        ("article_list", "?state=MX-CHP&state=MX-OAX", 2),
        ("article_list", "?region=south&ordering=-published_on&shelter=shelter-00", 2),
    ],
)
def test_a_deep_page_costs_the_queries_of_the_first(client, name, query, last_page):
    path = url(name) + query
    client.get(path)  # the per-process caches (content types, reference data)
    first, first_sql = queries(client, path)
    last, last_sql = queries(client, f"{path}{'&' if query else '?'}page={last_page}")

    assert last.context["page_obj"].number == last_page
    assert len(last_sql) == len(first_sql)
    # Never a DISTINCT: to-many filters are semi-joins, so no row comes twice and none is sorted away.
    assert not [sql for sql in first_sql + last_sql if "DISTINCT" in sql.upper()]
    shown = [record.pk for page in (first, last) for record in page.context["object_list"]]
    assert len(shown) == len(set(shown))


def test_filters_through_several_links_keep_one_row_per_record(client, many_of_everything):
    # Each shelter offers both services and serves both populations: matched twice, listed once.
    response = client.get(url("shelter_list") + "?service=lodging&service=food&population=women&population=children")
    assert response.context["paginator"].count == 25
    response = client.get(url("project_list") + "?state=MX-CHP&state=MX-OAX&thematic_area=protection")
    assert response.context["paginator"].count == 25
    response = client.get(url("article_list") + "?state=MX-CHP&state=MX-OAX")
    assert response.context["paginator"].count == 15


def test_the_shelter_list_pages_through_equal_values_without_repeating_or_skipping(client, many_of_everything):
    for ordering in ("capacity", "-capacity", "state", "-last_verified"):
        seen = []
        for page in (1, 2):
            response = client.get(url("shelter_list") + f"?ordering={ordering}&page={page}")
            seen += [shelter.pk for shelter in response.context["object_list"]]
        assert sorted(seen) == sorted(Shelter.objects.values_list("pk", flat=True)), ordering
        last_key = response.context["paginator"].object_list.query.order_by[-1]
        assert last_key == ("-pk" if ordering.startswith("-") else "pk"), ordering


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: Shelter.objects.for_cards().public(),
        lambda: Shelter.objects.for_cards().order_by("-capacity", "-pk"),
        lambda: Shelter.objects.for_cards().order_by("state__name", "pk"),
        lambda: Shelter.objects.near(16.5, -95.1, 5000).for_cards(),
        lambda: Shelter.objects.for_list().values("pk", "name", "state__iso_code"),
        lambda: CooperationAgreement.objects.for_list(),
        lambda: Project.objects.for_list(),
        lambda: Article.objects.for_list(),
        lambda: State.objects.with_counts(),  # grouped: read with OFFSET
        lambda: Shelter.objects.order_by("name").distinct(),
    ],
)
def test_a_page_read_by_its_keys_holds_the_rows_an_offset_would(many_of_everything, queryset):
    CooperationAgreementFactory.create_batch(25)
    for shelter in Shelter.objects.all()[:10]:
        shelter.latitude, shelter.longitude = 16.5, -95.1
        shelter.save()
    rows = queryset()
    for bottom in (0, 7, 20):
        assert list(page_rows(rows, bottom, bottom + 7)) == list(rows[bottom : bottom + 7])


def test_only_pages_past_the_first_are_read_by_their_keys():
    plain = Shelter.objects.order_by("name", "pk")
    assert "IN (SELECT" not in str(page_rows(plain, 0, 20).query)
    assert "IN (SELECT" in str(page_rows(plain, 20, 40).query)
    grouped = Shelter.objects.values("state").annotate(count=Count("pk")).order_by("state")
    assert "IN (SELECT" not in str(page_rows(grouped, 20, 40).query)


def test_per_row_badges_are_computed_for_the_page_only(client, many_of_everything):
    response, sql = queries(client, url("shelter_list") + "?page=2")
    # One plain query for the hours of the page's 20 shelters; none in the query reading the rows.
    hours = [query for query in sql if "registry_openinghours" in query]
    assert len(hours) == 1 and "EXISTS" not in hours[0].upper()
    assert {shelter.has_hours for shelter in response.context["object_list"]} == {True, False}


@pytest.fixture
def two_pages_deep(monkeypatch):
    """Pages of 5, and no more than 2 of them."""
    monkeypatch.setattr(ClampedPaginationMixin, "max_pages", 2)
    for view in (ShelterListView, ProjectListView, ArticleListView):
        monkeypatch.setattr(view, "paginate_by", 5)


def pagination(html: str) -> str:
    return html.split('<nav class="pagination"', 1)[1].split("</section>", 1)[0]


@pytest.mark.usefixtures("two_pages_deep")
@pytest.mark.parametrize("name", ["shelter_list", "project_list", "article_list"])
def test_lists_stop_at_the_deepest_page_and_say_how_to_see_the_rest(client, many_of_everything, name):
    response = client.get(url(name) + "?page=3")

    assert response.context["page_obj"].number == 2
    assert response.context["paginator"].count >= 15  # the count still counts every row
    html = pagination(response.content.decode())
    assert "Page 2 of 2" in html
    assert "Only the first 2 pages can be shown. Narrow the list with the filters to see the others." in html
    assert "page=3" not in html  # neither Next nor Last leads past it
    spanish = client.get(url(name, "es") + "?page=9").content.decode()
    assert "Solo pueden mostrarse las primeras 2 páginas. Acote la lista con los filtros" in spanish
    assert "Only the first" not in client.get(url(name)).content.decode()


@pytest.mark.usefixtures("two_pages_deep")
def test_a_narrowed_list_within_the_deepest_page_shows_no_note(client, many_of_everything):
    ShelterFactory.create_batch(3, state=state("MX-SON"))
    html = client.get(url("shelter_list") + "?state=MX-SON&page=2").content.decode()
    assert "Only the first" not in html


def test_the_count_paginator_bounds_its_pages():
    paginator = VersionedCountPaginator(list(range(95)), 10, max_pages=5)
    assert (paginator.count, paginator.num_pages, paginator.has_pages_beyond) == (95, 5, True)
    assert paginator.get_page(7).number == 5 and not paginator.get_page(7).has_next()
    assert not VersionedCountPaginator(list(range(95)), 10, max_pages=10).has_pages_beyond
    assert VersionedCountPaginator(list(range(95)), 10).num_pages == 10


def test_an_agreement_search_over_items_lists_each_agreement_once(client):
    agreement = CooperationAgreementFactory()
    SupportItemFactory(agreement=agreement, description="Agua potable")
    SupportItemFactory(agreement=agreement, description="Agua embotellada", category="training")
    with CaptureQueriesContext(connection) as captured:
        data = client.get("/api/v1/agreements/?q=agua&category=training").json()
    assert [row["reference"] for row in data["results"]] == [agreement.reference]
    assert not [query for query in captured.captured_queries if "DISTINCT" in query["sql"].upper()]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot index NULLS LAST, and sorts instead")
@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(
    "queryset",
    [
        lambda: Shelter.objects.filter(status="active"),  # the public list
        lambda: Shelter.objects.all(),  # the API
        lambda: Shelter.objects.filter(status="active").order_by("-capacity", "-pk"),
        lambda: Shelter.objects.filter(status="active").order_by("last_verified", "pk"),
        lambda: Shelter.objects.filter(status="active").order_by("-updated_at", "-pk"),
        lambda: CooperationAgreement.objects.all(),
        lambda: Project.objects.all(),  # its title is the language's column
        lambda: Article.objects.all(),
    ],
)
def test_each_lists_order_is_read_from_an_index(language, queryset):
    # With sorting priced out, any Sort left in the plan is one no index can spare.
    with translation.override(language), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")  # or another order's index plus a partial sort
        plan = queryset().values("pk")[780:800].explain()
    assert "Sort" not in plan and "Index" in plan, plan
