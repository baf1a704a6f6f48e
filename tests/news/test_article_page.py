"""The article page reads its states, shelters and projects in one query, in their models' order, and its
shelters carry nothing of their location."""

import pytest

from registry.visibility import LocationVisibility
from tests.conftest import url
from tests.factories import ArticleFactory, ProjectFactory, ShelterFactory, state

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_lists_keep_each_models_order(client, language):
    shelters = [
        ShelterFactory(name=name, state=state(code)) for name, code in [("Casa B", "MX-OAX"), ("Casa A", "MX-BCN")]
    ]
    projects = [
        ProjectFactory(title="B project", title_es="Proyecto A", start_year=2020, end_year=None),
        ProjectFactory(title="A project", title_es="Proyecto B", start_year=2020, end_year=None),
        ProjectFactory(title="Undated", start_year=None, end_year=None),
        ProjectFactory(title="Latest", start_year=2024, end_year=None),
    ]
    article = ArticleFactory(shelters=shelters, projects=projects, states=[state("MX-OAX"), state("MX-BCN")])

    links = client.get(url("article_detail", language, slug=article.slug)).context["links"]

    assert [(s.slug, s.state.name) for s in links.shelters] == [(s.slug, s.state.name) for s in article.shelters.all()]
    assert [p.pk for p in links.projects] == [p.pk for p in article.projects.all()]
    assert [s.slug for s in links.states] == [s.slug for s in article.states.all()]


def test_a_confidential_shelter_is_mentioned_without_its_location(client):
    shelter = ShelterFactory(
        municipality="Villa Escondida",
        address="Callejón Reservado 417",
        location_visibility=LocationVisibility.HIDDEN,
    )
    article = ArticleFactory(shelters=[shelter])

    response = client.get(url("article_detail", slug=article.slug))

    mentioned = response.context["links"].shelters[0]
    assert (mentioned.municipality, mentioned.address, mentioned.latitude) == ("", "", None)
    with pytest.raises(ValueError):
        mentioned.save()  # a public read is never written back
    assert "Villa Escondida" not in response.content.decode()
