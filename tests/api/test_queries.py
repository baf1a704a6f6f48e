"""Query counts do not grow with the data: every list, detail, facet and export runs the same number of queries
with 2 rows as with 50, at the largest page size."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from news.models import Article
from projects.models import Project
from registry.models import CooperationAgreement, Donor, Shelter
from tests.api.conftest import API, body, build_dataset

pytestmark = pytest.mark.django_db

LISTS = {
    # path: most queries allowed (count, page, and one per prefetched relation)
    "states/": 2,
    "shelters/": 4,
    "donors/": 2,
    "agreements/": 3,
    "projects/": 4,
    "thematic-areas/": 2,
    "news/": 3,
    "shelters/facets/": 3,
    "agreements/facets/": 3,
    "projects/facets/": 3,
    "news/facets/": 3,
    "shelters/?format=csv": 6,  # and the names of the services and population groups, once per export
    "shelters/?format=geojson": 6,
    "agreements/?format=csv": 3,
    "projects/?format=csv": 6,
    "projects/?format=iati": 7,  # one more: an empty selection is refused before the document starts
}


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content = body(response)  # a streamed export runs its queries while it is read
    assert response.status_code == HTTPStatus.OK, content[:300]
    return len(queries)


def with_page_size(url: str) -> str:
    return f"{API}/{url}{'&' if '?' in url else '?'}page_size=100"


def test_list_queries_do_not_grow_with_rows(client, django_assert_max_num_queries):
    # One dataset for every URL: building fifty of everything is the slow part.
    build_dataset(2)
    small = {}
    for url, most in LISTS.items():
        with django_assert_max_num_queries(most):
            small[url] = queries_for(client, with_page_size(url))

    build_dataset(48)
    large = {}
    for url, most in LISTS.items():
        with django_assert_max_num_queries(most):
            large[url] = queries_for(client, with_page_size(url))

    assert small == large


def detail_urls() -> list[str]:
    # By primary key, so the shelter stays the same one when more data comes (names sort by factory sequence).
    shelter = Shelter.objects.order_by("pk").first()
    project = Project.objects.first()
    return [
        f"{API}/states/{shelter.state.iso_code}/",
        f"{API}/shelters/{shelter.slug}/",
        f"{API}/donors/{Donor.objects.first().acronym}/",
        f"{API}/agreements/{CooperationAgreement.objects.first().reference}/",
        f"{API}/projects/{project.slug}/",
        f"{API}/projects/{project.prima_id}/",
        f"{API}/thematic-areas/protection/",
        f"{API}/news/{Article.objects.first().slug}/",
    ]


def test_detail_queries_do_not_grow_with_related_rows(client, django_assert_max_num_queries):
    build_dataset(2)
    small = {}
    for url in detail_urls():
        with django_assert_max_num_queries(7):  # a shelter's detail also prefetches its weekly hours
            small[url] = queries_for(client, url)

    # Tie many more agreements, items, articles and projects to the same records.
    build_dataset(30)
    shelter = Shelter.objects.order_by("pk").first()
    for agreement in CooperationAgreement.objects.exclude(shelter=shelter)[:20]:
        agreement.shelter = shelter
        agreement.programme_phase = agreement.pk + 10
        agreement.save()
    large = {url: queries_for(client, url) for url in small}

    assert small == large


@pytest.mark.parametrize(
    "path", ["shelters/", "shelters/?state=MX-CHP&service=lodging", "agreements/", "projects/", "news/"]
)
def test_a_deep_page_runs_the_queries_of_the_first(client, path):
    build_dataset(12)
    url = f"{API}/{path}{'&' if '?' in path else '?'}page_size=2"
    queries_for(client, url)  # the per-process caches
    first = queries_for(client, url)

    assert queries_for(client, f"{url}&page=2") == first
    assert queries_for(client, f"{url}&page=3") == first
