"""History that tells the truth: one save is one entry holding that save's lists; a revert restores them."""

from datetime import UTC
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone

from registry.models import Shelter
from tests.admin.forms import admin_form_data
from tests.admin.test_import_export import confirm, csv_file, preview
from tests.factories import CooperationAgreementFactory, PopulationGroupFactory, ServiceFactory, ShelterFactory

pytestmark = pytest.mark.django_db


def change_url(shelter: Shelter) -> str:
    return reverse("admin:registry_shelter_change", args=[shelter.pk])


def revert_url(shelter: Shelter, entry) -> str:
    return reverse("admin:registry_shelter_simple_history", args=[shelter.pk, entry.history_id])


def services_of(entry) -> list[str]:
    return sorted(link.service.code for link in entry.services.select_related("service"))


def edit(client, shelter: Shelter, **changes) -> None:
    data = admin_form_data(client.get(change_url(shelter)))
    data.update(changes)
    response = client.post(change_url(shelter), data)
    assert response.status_code == HTTPStatus.FOUND


def test_one_save_is_one_entry_with_that_saves_services(staff_client, staff_user):
    shelter = ShelterFactory(capacity=80)
    lodging, food = ServiceFactory(code="lodging"), ServiceFactory(code="food")
    before = shelter.history.count()

    edit(staff_client, shelter, services=[str(lodging.pk), str(food.pk)], capacity="77")

    assert shelter.history.count() == before + 1
    entry = shelter.history.latest()
    assert (entry.capacity, entry.version, entry.history_type) == (77, 2, "~")
    assert services_of(entry) == ["food", "lodging"]
    assert entry.history_user == staff_user
    assert "Services" in entry.history_change_reason


def test_adding_in_the_admin_writes_one_first_entry_with_its_lists(staff_client):
    women = PopulationGroupFactory(code="women")
    template = ShelterFactory()
    data = admin_form_data(staff_client.get(reverse("admin:registry_shelter_add")))
    data.update(name="Casa Nueva", slug="casa-nueva", state=str(template.state_id), populations=[str(women.pk)])
    assert staff_client.post(reverse("admin:registry_shelter_add"), data).status_code == HTTPStatus.FOUND

    shelter = Shelter.objects.get(slug="casa-nueva")
    (entry,) = shelter.history.all()
    assert entry.history_type == "+"
    assert [link.populationgroup.code for link in entry.populations.all()] == ["women"]


def test_revert_brings_the_services_back_and_warns_about_agreements_first(staff_client):
    shelter = ShelterFactory(capacity=80)
    CooperationAgreementFactory(shelter=shelter)
    lodging, legal = ServiceFactory(code="lodging"), ServiceFactory(code="legal")
    edit(staff_client, shelter, services=[str(lodging.pk)], capacity="60")
    good = shelter.history.latest()
    edit(staff_client, shelter, services=[str(legal.pk)], capacity="10")

    page = staff_client.get(revert_url(shelter, good))
    warnings = [str(m) for m in page.context["messages"] if m.level_tag == "warning"]
    assert any("does not restore its cooperation agreements" in text for text in warnings)
    assert page.context["adminform"].form["services"].value() == [lodging.pk]

    response = staff_client.post(revert_url(shelter, good), admin_form_data(page))
    assert response.status_code == HTTPStatus.FOUND
    shelter.refresh_from_db()
    assert shelter.capacity == 60
    assert list(shelter.services.values_list("code", flat=True)) == ["lodging"]
    latest = shelter.history.latest()
    assert services_of(latest) == ["lodging"]
    assert shelter.history.count() == 4  # created, two edits, one revert
    assert latest.history_change_reason.startswith("Reverted to the record of")


def test_revert_message_gives_the_time_in_the_site_time_zone(staff_client, settings):
    shelter = ShelterFactory()
    edit(staff_client, shelter, capacity="5")
    entry = shelter.history.latest()
    page = staff_client.get(revert_url(shelter, entry))
    response = staff_client.post(revert_url(shelter, entry), admin_form_data(page))
    assert settings.TIME_ZONE == "America/Mexico_City"  # six hours from UTC, so the check can fail
    local = formats.localize(timezone.localtime(entry.history_date))
    utc = formats.localize(entry.history_date.astimezone(UTC))
    assert local != utc
    assert response.status_code == HTTPStatus.FOUND
    assert shelter.history.latest().history_change_reason == f"Reverted to the record of {local}"


def test_an_imported_row_has_one_entry_with_its_services(staff_client):
    ServiceFactory(code="lodging"), ServiceFactory(code="food")
    template = ShelterFactory()
    upload = csv_file(
        f'slug,name,state,services\ncasa-importada,Casa Importada,{template.state.iso_code},"lodging,food"\n'
    )
    confirm(staff_client, "registry_shelter", preview(staff_client, "registry_shelter", upload))

    shelter = Shelter.objects.get(slug="casa-importada")
    (entry,) = shelter.history.all()
    assert services_of(entry) == ["food", "lodging"]
    assert entry.history_change_reason == "Imported from shelters.csv"


def test_seeded_records_first_entry_holds_their_lists():
    call_command("seed", verbosity=0)
    shelter = Shelter.objects.filter(services__isnull=False).distinct().first()
    assert shelter is not None
    (entry,) = shelter.history.all()
    assert services_of(entry) == sorted(shelter.services.values_list("code", flat=True))


def test_stale_edit_message_names_the_local_time(staff_client):
    shelter = ShelterFactory()
    stale = admin_form_data(staff_client.get(change_url(shelter)))
    edit(staff_client, shelter, capacity="3")
    stale["capacity"] = "4"
    response = staff_client.post(change_url(shelter), stale)
    local = formats.localize(timezone.localtime(shelter.history.latest().history_date))
    assert f"on {local} by" in " ".join(str(e) for e in response.context["errors"])
    shelter.refresh_from_db()
    assert shelter.capacity == 3


def test_an_api_write_is_one_entry_with_its_services(editor):
    from rest_framework.test import APIClient

    ServiceFactory(code="lodging"), ServiceFactory(code="food")
    client = APIClient()
    client.force_authenticate(editor)
    created = client.post(
        "/api/v1/shelters/", {"name": "Casa API", "state": "MX-SON", "services": ["lodging"]}, format="json"
    )
    assert created.status_code == HTTPStatus.CREATED, created.content
    shelter = Shelter.objects.get(slug="casa-api")
    (entry,) = shelter.history.all()
    assert services_of(entry) == ["lodging"] and entry.history_user == editor

    changed = client.patch("/api/v1/shelters/casa-api/", {"services": ["food", "lodging"]}, format="json")
    assert changed.status_code == HTTPStatus.OK, changed.content
    assert shelter.history.count() == 2
    assert services_of(shelter.history.latest()) == ["food", "lodging"]
