"""The project page reads its areas, states and objectives in one query, in the order the relations give them."""

from http import HTTPStatus

import pytest

from tests.conftest import url
from tests.factories import (
    CooperationAgreementFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_lists_keep_each_models_order(client, language):
    areas = [
        ThematicAreaFactory(slug="zeta", position=1),
        ThematicAreaFactory(slug="alpha", position=2),
        ThematicAreaFactory(slug="beta", position=1, name_es="", name_en="Only in English"),
    ]
    project = ProjectFactory(states=[state("MX-OAX"), state("MX-BCN"), state("MX-CHP")], thematic_areas=areas)
    for position in (3, 1, 2):
        ProjectObjectiveFactory(project=project, position=position, text_es=f"Objetivo {position}")

    response = client.get(url("project_detail", language, slug=project.slug))

    links = response.context["links"]
    assert [a.slug for a in links.thematic_areas] == [a.slug for a in project.thematic_areas.all()]
    assert [(s.slug, s.name) for s in links.states] == [(s.slug, s.name) for s in project.states.all()]
    assert [(o.position, o.text) for o in links.objectives] == [(o.position, o.text) for o in project.objectives.all()]
    html = response.content.decode()
    assert "Only in English" in html and 'lang="en"' in html  # a name in the other language is marked as such


def test_agreements_show_their_item_counts(client):
    project = ProjectFactory()
    for phase, items in [(1, 0), (2, 1), (3, 3)]:
        agreement = CooperationAgreementFactory(project=project, programme_phase=phase)
        for category in ["medicines", "hygiene", "training"][:items]:
            SupportItemFactory(agreement=agreement, category=category)

    response = client.get(url("project_detail", slug=project.slug))

    assert response.status_code == HTTPStatus.OK
    assert [a.item_count for a in response.context["agreements"]] == [3, 1, 0]
    html = response.content.decode()
    assert "3 support items" in html and "1 support item<" in html and "0 support items" in html
