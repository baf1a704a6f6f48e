from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.factories import ProjectFactory, ProjectObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"budget_usd": Decimal("-1")},
        {"start_year": 2020, "end_year": 2019},
        {"start_date": "2020-05-01", "end_date": "2020-04-30"},
        {"status": "bogus"},
    ],
)
def test_project_constraints_reject_bad_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(**fields)


def test_prima_and_projects_ids_are_unique():
    ProjectFactory(prima_id="MX10P0001", projects_id="PR.0173")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(prima_id="MX10P0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(projects_id="PR.0173")


def test_objectives_are_ordered_and_positions_unique():
    project = ProjectFactory()
    ProjectObjectiveFactory(project=project, position=2, text="second")
    ProjectObjectiveFactory(project=project, position=1, text="first")
    assert [o.text for o in project.objectives.all()] == ["first", "second"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectObjectiveFactory(project=project, position=1)


def test_period_and_str():
    project = ProjectFactory(title="Counter smuggling", start_year=2021, end_year=2023)
    assert str(project) == "Counter smuggling"
    assert project.period == "2021–2023"
