"""Public news pages and the feed: filters, related records, escaping and query counts."""

from datetime import date
from http import HTTPStatus

import pytest

from tests.conftest import titles, url
from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return [
        ArticleFactory(title="Chiapas news", states=[state("MX-CHP")], published_on=date(2016, 3, 1)),
        ArticleFactory(
            title="Border news", states=[state("MX-CHP"), state("MX-SON")], published_on=date(2017, 5, 2), body="Wall"
        ),
        ArticleFactory(title="Capital news", states=[state("MX-CMX")], published_on=date(2018, 1, 9)),
        ArticleFactory(title="Undated news", published_on=None),
    ]


@pytest.mark.usefixtures("articles")
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?region=south", {"Chiapas news", "Border news"}),
        ("?region=north", {"Border news"}),
        ("?state=MX-CMX", {"Capital news"}),
        ("?state=MX-CHP&state=MX-SON", {"Border news", "Chiapas news"}),
        ("?region=north&state=MX-CHP", {"Border news"}),
        ("?date_from=2017-01-01", {"Border news", "Capital news"}),
        ("?date_to=2016-12-31", {"Chiapas news"}),
        ("?date_from=2016-01-01&date_to=2017-12-31&region=south", {"Chiapas news", "Border news"}),
        ("?q=wall", {"Border news"}),
    ],
)
def test_article_list_filters(client, query, expected):
    response = client.get(url("article_list") + query)
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == expected
    assert len(response.context["object_list"]) == len(expected)


def test_article_list_puts_undated_articles_last(client, articles):
    response = client.get(url("article_list"))
    assert [a.title for a in response.context["object_list"]] == [
        "Capital news",
        "Border news",
        "Chiapas news",
        "Undated news",
    ]


@pytest.mark.parametrize(
    "query", ["?region=%3Cscript%3E", "?date_from=yesterday", "?date_to=2017-02-30", "?state=ZZ", "?ordering=x"]
)
def test_article_list_bad_input_shows_errors(client, articles, query):
    response = client.get(url("article_list") + query)
    assert response.status_code == HTTPStatus.OK
    assert response.context["filter"].form.errors
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_article_list_links_the_feed(client):
    html = client.get(url("article_list")).content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/en/news/feed/"' in html


def test_feed_lists_articles_with_links_in_the_language(client, articles):
    response = client.get(url("article_feed", "es"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    xml = response.content.decode()
    assert xml.count("<entry>") == 4
    assert f"/es/news/{articles[0].slug}/" in xml
    assert "Programa de apoyo a albergues para migrantes" in xml


@pytest.mark.parametrize("count", [2, 50])
def test_article_list_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    for _ in range(count):
        ArticleFactory(states=[state("MX-CHP"), state("MX-OAX")])
    with django_assert_max_num_queries(5):
        response = client.get(url("article_list") + "?region=south&state=MX-CHP")
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [2, 50])
def test_feed_query_count_does_not_grow(client, django_assert_max_num_queries, count):
    for _ in range(count):
        ArticleFactory()
    with django_assert_max_num_queries(1):
        assert client.get(url("article_feed")).status_code == HTTPStatus.OK


def test_article_detail_shows_related_shelters_projects_and_states(client):
    shelter = ShelterFactory(name="Albergue Hermanos en el Camino", state=state("MX-OAX"))
    project = ProjectFactory(title="Shelter programme")
    article = ArticleFactory(
        title="IOM signs agreements",
        summary="Summary line.",
        body="Para one.\n\nPara <em>two</em>.",
        press_contact="Press office\npress@example.org",
        shelters=[shelter],
        projects=[project],
        states=[state("MX-OAX")],
    )
    response = client.get(url("article_detail", slug=article.slug))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert shelter.get_absolute_url() in html and "Albergue Hermanos en el Camino" in html
    assert project.get_absolute_url() in html
    assert state("MX-OAX").get_absolute_url() in html
    assert "<p>Para one.</p>" in html and "&lt;em&gt;two&lt;/em&gt;" in html
    assert "press@example.org" in html
    assert '<meta property="og:type" content="article">' in html


def test_article_detail_unknown_slug_is_404(client):
    assert client.get(url("article_detail", slug="nope")).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("count", [2, 50])
def test_article_detail_query_count_does_not_grow(client, django_assert_num_queries, count):
    article = ArticleFactory(
        shelters=[ShelterFactory() for _ in range(count)],
        projects=[ProjectFactory() for _ in range(count)],
        states=[state("MX-CHP"), state("MX-OAX")],
    )
    with django_assert_num_queries(2):  # the article; its states, shelters and projects
        response = client.get(url("article_detail", slug=article.slug))
    assert response.status_code == HTTPStatus.OK
