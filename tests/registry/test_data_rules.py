"""Rules every writer meets (admin, API, imports): coordinates in Mexico and in the state, no control characters,
and a human message for every check constraint, in English and Spanish."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from projects.models import Project
from registry.demo import MUNICIPALITIES
from registry.models import Shelter, State
from registry.resources import ShelterResource
from tests.admin.conftest import client_for
from tests.admin.forms import admin_form_data
from tests.factories import ProjectFactory, ShelterFactory, UserFactory, state

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read English messages; the language their requests activate must not outlive them."""
    with translation.override("en"):
        yield


SYDNEY = {"latitude": Decimal("-33.86"), "longitude": Decimal("151.2")}
TIJUANA = {"latitude": Decimal("32.51"), "longitude": Decimal("-117.02")}  # Mexico, but Baja California


def inside(state_obj: State, latitude, longitude) -> bool:
    south, north, west, east = state_obj.bounds
    return south <= Decimal(str(latitude)) <= north and west <= Decimal(str(longitude)) <= east


def test_every_state_has_a_box_holding_its_demo_towns():
    states = {s.iso_code: s for s in State.objects.all()}
    assert all(s.bounds for s in states.values())
    for iso, places in MUNICIPALITIES.items():
        for place in places:
            for offset in (-0.03, 0.03):  # demo shelters sit within 0.03 degrees of the town centre
                assert inside(states[iso], place.latitude + offset, place.longitude + offset), (iso, place)


@pytest.mark.parametrize(
    ("point", "code"), [(SYDNEY, "outside_mexico"), (TIJUANA, "outside_state")], ids=["australia", "other-state"]
)
def test_model_refuses_a_point_outside_mexico_or_its_state(point, code):
    shelter = ShelterFactory.build(state=state("MX-SON"), **point)
    with pytest.raises(ValidationError) as caught:
        shelter.full_clean()
    (error,) = caught.value.error_dict["latitude"]
    assert error.code == code


def test_model_accepts_a_point_in_its_state():
    ShelterFactory.build(state=state("MX-SON"), latitude=Decimal("29.07"), longitude=Decimal("-110.96")).full_clean()


def test_admin_refuses_a_sonora_shelter_in_australia(staff_client):
    shelter = ShelterFactory(state=state("MX-SON"))
    url = reverse("admin:registry_shelter_change", args=[shelter.pk])
    data = admin_form_data(staff_client.get(url))
    data.update(latitude="-33.86", longitude="151.2")
    response = staff_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "is outside Mexico" in str(response.context["adminform"].form.errors["latitude"])


def test_api_refuses_a_point_outside_the_state(editor_client_api):
    response = editor_client_api.post(
        "/api/v1/shelters/",
        {"name": "Casa Sonora", "state": "MX-SON", "latitude": 32.51, "longitude": -117.02},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "is outside Sonora" in response.json()["latitude"][0]


def test_import_refuses_a_point_outside_the_state():
    from tablib import Dataset

    data = Dataset(headers=["name", "state", "latitude", "longitude"])
    data.append(["Casa Sonora", "MX-SON", "-33.86", "151.2"])
    result = ShelterResource().import_data(data, dry_run=True)
    assert result.has_validation_errors()
    assert not Shelter.objects.exists()


@pytest.fixture
def editor_client_api(editor):
    client = APIClient()
    client.force_authenticate(editor)
    return client


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    from registry.roles import EDITORS

    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def text_fields() -> list[models.Field]:
    return [
        field
        for label in ("registry", "projects", "news")
        for model in apps.get_app_config(label).get_models()
        for field in model._meta.local_fields
        if isinstance(field, models.CharField | models.TextField)
    ]


def test_every_text_field_refuses_control_characters():
    for field in text_fields():
        with pytest.raises(ValidationError) as caught:
            field.run_validators("a\x07b")
        assert "control_character" in [error.code for error in caught.value.error_list], field


def test_long_texts_keep_tabs_and_line_breaks_names_do_not():
    description = Project._meta.get_field("description")
    description.run_validators("Line one\n\tLine two\r\n")
    with pytest.raises(ValidationError):
        Project._meta.get_field("title").run_validators("Title\nsplit")


def test_admin_refuses_a_control_character_in_a_projects_id(staff_client):
    project = ProjectFactory()
    url = reverse("admin:projects_project_change", args=[project.pk])
    data = admin_form_data(staff_client.get(url))
    data["projects_id"] = "PR\x01001"
    response = staff_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "control character (U+0001)" in str(response.context["adminform"].form.errors["projects_id"])
    project.refresh_from_db()
    assert "\x01" not in project.projects_id


def test_api_refuses_a_control_character_naming_the_field(editor_client_api):
    response = editor_client_api.post(
        "/api/v1/shelters/", {"name": "Casa\x1bUno", "state": "MX-SON"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "control character (U+001B)" in response.json()["name"][0]


def check_constraints() -> list[tuple[type[models.Model], models.CheckConstraint]]:
    return [
        (model, constraint)
        for label in ("registry", "projects", "news")
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint)
    ]


def test_every_check_constraint_speaks_plainly_in_both_languages():
    default = models.CheckConstraint.default_violation_error_message
    assert len(check_constraints()) >= 20
    for model, constraint in check_constraints():
        message = constraint.violation_error_message
        assert message != default, constraint.name
        with translation.override("en"):
            english = str(message)
        with translation.override("es"):
            spanish = str(message)
        assert constraint.name not in english
        assert spanish != english, f"{model.__name__}.{constraint.name} has no Spanish message"


def test_admin_shows_the_constraint_message_not_its_name(staff_client):
    shelter = ShelterFactory()
    url = reverse("admin:registry_shelter_change", args=[shelter.pk])
    data = admin_form_data(staff_client.get(url))
    data.update(average_daily_arrivals="30", peak_daily_arrivals="10")
    response = staff_client.post(url, data)
    errors = " ".join(str(e) for e in response.context["errors"])
    assert "cannot be below the average" in errors
    assert "shelter_peak_at_least_average" not in errors


@pytest.fixture
def staff_client(db):
    return client_for(UserFactory(is_staff=True, is_superuser=True))
