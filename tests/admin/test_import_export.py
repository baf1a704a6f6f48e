"""CSV and XLSX import through the admin: natural keys, a preview of new/changed/rejected rows, all or nothing."""

from datetime import date
from decimal import Decimal
from http import HTTPStatus

import pytest
import tablib
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from import_export.formats.base_formats import CSV
from import_export.tmp_storages import TempFolderStorage

from projects.models import Project
from projects.resources import ProjectResource
from registry.models import CooperationAgreement, Shelter, SupportItem
from registry.resources import CooperationAgreementResource, ShelterResource, SupportItemResource
from tests.factories import (
    CooperationAgreementFactory,
    DonorFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db

SHELTER_HEADER = "slug,name,state,municipality,status,operator_type,services,capacity"


def csv_file(text: str, name: str = "shelters.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(headers: list[str], rows: list[list], name: str = "shelters.xlsx") -> SimpleUploadedFile:
    data = tablib.Dataset(*rows, headers=headers).export("xlsx")
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def preview(client, model_url: str, upload, fmt: str = "0"):
    return client.post(reverse(f"admin:{model_url}_import"), {"resource": "0", "format": fmt, "import_file": upload})


def confirm(client, model_url: str, preview_response):
    form = preview_response.context["confirm_form"]
    return client.post(reverse(f"admin:{model_url}_process_import"), dict(form.initial))


def messages_of(response) -> str:
    return " ".join(str(m.message) for m in get_messages(response.wsgi_request))


def test_csv_preview_shows_new_changed_and_unchanged_rows_then_imports(staff_client, staff_user):
    ServiceFactory(code="lodging"), ServiceFactory(code="food")
    changed = ShelterFactory(name="Casa A", slug="casa-a", capacity=50)
    same = ShelterFactory(name="Casa B", slug="casa-b", municipality="Tapachula", capacity=10)
    upload = csv_file(
        f"{SHELTER_HEADER}\n"
        "casa-a,Casa A,MX-CHP,Tapachula,active,civil_society,lodging,75\n"
        f"casa-b,Casa B,MX-CHP,Tapachula,active,civil_society,,10\n"
        'casa-nueva,Casa Nueva,MX-BCN,Tijuana,active,faith_based,"lodging, food",120\n'
    )
    response = preview(staff_client, "registry_shelter", upload)
    assert response.status_code == HTTPStatus.OK
    result = response.context["result"]
    assert not result.has_errors() and not result.has_validation_errors()
    assert [row.import_type for row in result.rows] == ["update", "skip", "new"]
    assert "confirm_form" in response.context
    assert Shelter.objects.count() == 2  # the preview writes nothing

    done = confirm(staff_client, "registry_shelter", response)
    assert done.status_code == HTTPStatus.FOUND
    assert "1 new record, 1 updated, 1 unchanged" in messages_of(done)
    changed.refresh_from_db()
    same.refresh_from_db()
    assert (changed.capacity, changed.version) == (75, 2)
    assert same.version == 1
    new = Shelter.objects.get(slug="casa-nueva")
    assert new.state.iso_code == "MX-BCN"
    assert sorted(s.code for s in new.services.all()) == ["food", "lodging"]
    record = new.history.earliest()
    assert record.history_change_reason == "Imported from shelters.csv"
    assert record.history_user == staff_user


def test_preview_rejects_bad_rows_with_reasons_and_writes_nothing(staff_client):
    ServiceFactory(code="lodging")
    existing = ShelterFactory(name="Casa A", slug="casa-a", capacity=50)
    upload = csv_file(
        f"{SHELTER_HEADER},average_daily_arrivals,peak_daily_arrivals\n"
        "casa-a,Casa A,MX-CHP,Tapachula,active,civil_society,lodging,99,,\n"
        "casa-x,Casa X,MX-ZZZ,Nowhere,active,civil_society,,10,,\n"
        "casa-y,Casa Y,MX-SON,Nogales,open-ish,civil_society,teleportation,10,,\n"
        "casa-z,Casa Z,MX-SON,Nogales,active,civil_society,,10,50,20\n"
    )
    response = preview(staff_client, "registry_shelter", upload)
    assert response.status_code == HTTPStatus.OK
    result = response.context["result"]
    assert "confirm_form" not in response.context  # nothing to confirm while a row is rejected
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3, 4}
    state_error = "“MX-ZZZ” is not a Mexican state; write its name, ISO code (e.g. MX-NLE) or INEGI code (19)."
    assert invalid[2]["state"] == [state_error]
    assert "status" in invalid[3] and invalid[3]["services"] == ["Unknown services: teleportation."]
    assert "peak" in str(invalid[4]).lower() or "__all__" in invalid[4]
    content = response.content.decode()
    rejected = content[content.index('id="rejected-rows"') : content.index('id="accepted-rows"')]
    assert state_error in rejected.replace("&ldquo;", "“").replace("&rdquo;", "”").replace("&#x27;", "'")
    assert "Unknown services: teleportation." in rejected
    # the row that would import is shown too, as an update
    accepted = content[content.index('id="accepted-rows"') :]
    assert "Update" in accepted and "casa-a" in accepted
    existing.refresh_from_db()
    assert (existing.capacity, existing.version) == (50, 1)
    assert Shelter.objects.count() == 1


def test_resource_rolls_back_valid_rows_when_one_is_invalid():
    """django-import-export keeps the valid rows by default; the registry's resources never do."""
    dataset = tablib.Dataset(
        ["casa-ok", "Casa OK", "MX-CHP", "active"],
        ["casa-bad", "Casa Bad", "MX-ZZZ", "active"],
        headers=["slug", "name", "state", "status"],
    )
    result = ShelterResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    assert not Shelter.objects.exists()


def test_resource_rolls_back_on_a_row_error():
    agreement = CooperationAgreementFactory(reference="PRM-2-casa")
    dataset = tablib.Dataset(
        ["PRM-2-casa", "medicines", "Antibiotics", "10", "boxes", ""],
        ["PRM-9-unknown", "hygiene", "Soap", "1", "", ""],
        headers=["agreement", "category", "description", "quantity", "unit", "value_usd"],
    )
    result = SupportItemResource().import_data(dataset, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    assert not SupportItem.objects.filter(agreement=agreement).exists()


def test_confirm_step_refuses_a_file_that_no_longer_validates(staff_client):
    """The file is read again on confirmation; if a row fails then, nothing is written and staff are told."""
    storage = TempFolderStorage(encoding="utf-8-sig", read_mode="r")
    storage.save(
        f"{SHELTER_HEADER}\ncasa-ok,Casa OK,MX-CHP,Tapachula,active,civil_society,,1\n"
        "casa-bad,Casa Bad,MX-ZZZ,X,active,civil_society,,1\n".encode()
    )
    response = staff_client.post(
        reverse("admin:registry_shelter_process_import"),
        {"import_file_name": storage.name, "original_file_name": "s.csv", "format": "0", "resource": "0"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("admin:registry_shelter_import")
    assert "Nothing was imported" in messages_of(response) and "MX-ZZZ" in messages_of(response)
    assert not Shelter.objects.exists()


def test_xlsx_import_of_agreements_by_natural_keys(staff_client):
    shelter, donor, project = ShelterFactory(slug="casa-a"), DonorFactory(acronym="PRM"), ProjectFactory()
    upload = xlsx_file(
        ["reference", "shelter", "donor", "project", "programme_phase", "programme_year", "status", "signed_on"],
        [["PRM-2-casa-a", "casa-a", "PRM", project.prima_id, 2, 2015, "signed", "2015-06-01"]],
        name="agreements.xlsx",
    )
    response = preview(staff_client, "registry_cooperationagreement", upload, fmt="1")
    assert response.status_code == HTTPStatus.OK
    assert not response.context["result"].has_validation_errors(), response.context["result"].invalid_rows
    assert confirm(staff_client, "registry_cooperationagreement", response).status_code == HTTPStatus.FOUND
    agreement = CooperationAgreement.objects.get(reference="PRM-2-casa-a")
    assert (agreement.shelter, agreement.donor, agreement.project) == (shelter, donor, project)
    assert str(agreement.signed_on) == "2015-06-01"


def test_export_then_import_round_trips_unchanged():
    area = ThematicAreaFactory(slug="protection")
    ProjectFactory(
        budget_usd=Decimal("100000.50"),
        thematic_areas=[area],
        states=[state("MX-CHP"), state("MX-TAB")],
        start_date=date(2021, 3, 1),
        description="",
    )
    exported = ProjectResource().export()
    assert exported.dict[0]["budget_usd"] == Decimal("100000.50")  # not localised to "100000,50"
    csv_text = exported.export("csv")
    assert ",100000.50," in csv_text and ",2021-03-01," in csv_text
    for fmt, data in (("csv", csv_text), ("xlsx", exported.export("xlsx"))):
        result = ProjectResource().import_data(tablib.Dataset().load(data, format=fmt), dry_run=True)
        assert not result.has_errors() and not result.has_validation_errors(), (fmt, result.invalid_rows)
        assert [row.import_type for row in result.rows] == ["skip"], fmt
    assert Project.objects.get().version == 1


def test_export_uses_natural_keys_and_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(30):
        CooperationAgreementFactory()
    with django_assert_max_num_queries(2):
        dataset = CooperationAgreementResource().export(CooperationAgreement.objects.all())
    assert len(dataset) == 30
    assert (
        dataset.dict[0]["shelter"]
        == CooperationAgreement.objects.order_by("-programme_phase", "reference")[0].shelter.slug
    )


def test_import_needs_add_and_change_permission(editor_client, viewer_client):
    url = reverse("admin:registry_shelter_import")
    assert editor_client.get(url).status_code == HTTPStatus.OK
    assert viewer_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert viewer_client.post(url, {"resource": "0", "format": "0", "import_file": csv_file("slug\n")}).status_code == (
        HTTPStatus.FORBIDDEN
    )
    # viewers may take the data out (it is public), not put it in
    assert viewer_client.get(reverse("admin:registry_shelter_export")).status_code == HTTPStatus.OK


def test_unreadable_file_is_a_form_error(staff_client):
    upload = SimpleUploadedFile("shelters.xlsx", b"not a spreadsheet", content_type="application/octet-stream")
    response = preview(staff_client, "registry_shelter", upload, fmt="1")
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["import_file"]


def test_a_file_without_a_needed_column_is_refused_naming_it_without_a_traceback(staff_client, settings):
    settings.DEBUG = False
    response = preview(staff_client, "registry_shelter", csv_file("name,municipality\nCasa,Tapachula\n"))
    assert response.status_code == HTTPStatus.OK
    assert response.context["result"].has_errors()
    content = response.content.decode()
    assert "The file has no “state” column, which the import needs." in content
    assert "Traceback" not in content and ".py" not in content and "site-packages" not in content
    assert not Shelter.objects.exists()


def test_csv_format_is_first(staff_client):
    """Tests above post format 0 for CSV and 1 for XLSX."""
    from registry.admin import ShelterAdmin

    assert ShelterAdmin.import_formats[0] is CSV
