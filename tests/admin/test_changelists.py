"""Every admin list renders, searches and filters, at a constant number of queries."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    ArticleFactory,
    CooperationAgreementFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("registry", "projects", "news")
DOMAIN_MODELS = [model for model in admin.site._registry if model._meta.app_label in DOMAIN_APPS]


def changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def make_rows(count: int) -> None:
    """`count` rows of every domain model, spread over several states, related to each other."""
    area = ThematicAreaFactory()
    chiapas, sonora = state("MX-CHP"), state("MX-SON")
    for n in range(count):
        shelter = ShelterFactory(state=chiapas if n % 2 else sonora, services=[ServiceFactory()])
        project = ProjectFactory(states=[shelter.state], thematic_areas=[area])
        ProjectObjectiveFactory(project=project)
        agreement = CooperationAgreementFactory(shelter=shelter, project=project)
        SupportItemFactory(agreement=agreement)
        ArticleFactory(states=[shelter.state], shelters=[shelter], projects=[project])


def test_every_domain_model_is_registered():
    labels = {model._meta.label for model in DOMAIN_MODELS}
    assert labels == {
        "registry.State",
        "registry.Service",
        "registry.PopulationGroup",
        "registry.Shelter",
        "registry.Donor",
        "registry.Language",
        "registry.CooperationAgreement",
        "registry.SupportItem",
        "registry.OpeningHours",
        "registry.CorrectionReport",
        "projects.ThematicArea",
        "projects.Project",
        "projects.ProjectObjective",
        "news.Article",
    }


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m._meta.label)
def test_changelist_renders_and_searches(staff_client, model):
    make_rows(3)
    for query in ("", "?q=a", "?q=Albergue+prueba", "?q=%E2%80%9Cno+such+thing%E2%80%9D"):
        response = staff_client.get(changelist(model) + query)
        assert response.status_code == HTTPStatus.OK, query


FILTERED_MODELS = [model for model in DOMAIN_MODELS if admin.site._registry[model].list_filter]


@pytest.mark.parametrize("model", FILTERED_MODELS, ids=lambda m: m._meta.label)
def test_every_filter_choice_renders(staff_client, model):
    make_rows(3)
    response = staff_client.get(changelist(model))
    links = set()
    for spec in response.context["cl"].filter_specs:
        for choice in spec.choices(response.context["cl"]):
            links.add(choice["query_string"])
    assert len(links) > 1
    for query in sorted(links):
        # 200, not the 302 to ?e=1 the admin answers an invalid lookup with
        assert staff_client.get(changelist(model) + query).status_code == HTTPStatus.OK, query


def test_changelist_query_counts_do_not_grow_with_rows(staff_client, django_assert_max_num_queries):
    """One test for every list, so the 50 rows of everything are built once."""
    make_rows(2)
    small = {}
    for model in DOMAIN_MODELS:
        with django_assert_max_num_queries(30) as captured:
            assert staff_client.get(changelist(model)).status_code == HTTPStatus.OK
        small[model] = len(captured.captured_queries)
    make_rows(50)
    for model in DOMAIN_MODELS:
        with django_assert_max_num_queries(small[model], info=model._meta.label):
            response = staff_client.get(changelist(model) + "?q=e")
        assert response.status_code == HTTPStatus.OK
        with django_assert_max_num_queries(small[model], info=model._meta.label):
            response = staff_client.get(changelist(model))
        cl = response.context["cl"]
        assert len(cl.result_list) == min(cl.list_per_page, cl.result_count), model._meta.label


@pytest.mark.parametrize("model", DOMAIN_MODELS, ids=lambda m: m._meta.label)
def test_add_form_renders(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    # Correction reports are filed by visitors on the public site, never added in the admin.
    expected = HTTPStatus.FORBIDDEN if model._meta.label == "registry.CorrectionReport" else HTTPStatus.OK
    assert staff_client.get(url).status_code == expected
