"""A partner's shelter list imports as the partner wrote it; errors are sentences; exports open right in Excel."""

import csv
import io
from http import HTTPStatus

import openpyxl
import pytest
import tablib
from django.test import Client
from django.urls import reverse
from django.utils import translation

from registry.models import Shelter
from registry.resources import ShelterResource
from tests.admin.conftest import client_for
from tests.admin.test_actions import _all_fields, run_action
from tests.admin.test_import_export import confirm, csv_file, messages_of, preview, xlsx_file
from tests.factories import ShelterFactory, UserFactory, state

pytestmark = pytest.mark.django_db

PARTNER = (
    "Nombre,Ciudad,Estado,Notas internas,Fuente\n"
    "Casa del Migrante,Monterrey,Nuevo Leon,llamar antes,https://example.org/lista-2025\n"
    "Casa Nicolás,Guadalupe,nuevo león,,\n"
    "Albergue del Norte,Apodaca,NL,,\n"
    "Belén Posada,Tapachula,7,,\n"
    "Casa Hogar,Hermosillo,MX-SON,,\n"
)


def test_a_partner_file_imports_by_state_name_with_derived_slugs_and_provenance(staff_client):
    response = preview(staff_client, "registry_shelter", csv_file(PARTNER, "socio.csv"))
    assert response.status_code == HTTPStatus.OK
    assert not response.context["result"].has_validation_errors(), response.context["result"].invalid_rows
    assert "Columns not imported (the registry has no such field): Notas internas" in response.content.decode()

    confirm(staff_client, "registry_shelter", response)

    imported = {s.slug: s for s in Shelter.objects.select_related("state")}
    assert set(imported) == {
        "casa-del-migrante-nuevo-leon",
        "casa-nicolas-nuevo-leon",
        "albergue-del-norte-nuevo-leon",
        "belen-posada-chiapas",
        "casa-hogar-sonora",
    }
    first = imported["casa-del-migrante-nuevo-leon"]
    assert (first.name, first.municipality, first.state.iso_code) == ("Casa del Migrante", "Monterrey", "MX-NLE")
    assert first.source_url == "https://example.org/lista-2025"
    assert imported["belen-posada-chiapas"].state.iso_code == "MX-CHP"  # INEGI code 07

    # The partner's next file finds the same records: nothing new, nothing changed.
    again = preview(staff_client, "registry_shelter", csv_file(PARTNER, "socio.csv"))
    assert {row.import_type for row in again.context["result"].valid_rows()} == {"skip"}


def test_an_ambiguous_short_code_is_refused_with_the_candidates():
    data = tablib.Dataset(["Casa", "CH"], headers=["name", "state"])
    result = ShelterResource().import_data(data, dry_run=True)
    (row,) = result.invalid_rows
    assert row.error_dict["state"] == [
        "“CH” could be Chiapas (MX-CHP), Chihuahua (MX-CHH); write the state's name or its ISO code."
    ]


def test_every_problem_of_a_row_is_a_sentence_with_the_spreadsheets_row_number(staff_client):
    upload = csv_file(
        "name,state,capacity,latitude,longitude,last_verified\n"
        "Casa Buena,Sonora,10,29.07,-110.96,2025-01-31\n"
        "Casa Mala,Narnia,abc,1e,-110.9,31/31/2025\n"
    )
    response = preview(staff_client, "registry_shelter", upload)
    (row,) = response.context["result"].invalid_rows
    assert row.number + 1 == 3  # the header is row 1 in the spreadsheet
    assert row.error_dict["state"] == [
        "“Narnia” is not a Mexican state; write its name, ISO code (e.g. MX-NLE) or INEGI code (19)."
    ]
    assert row.error_dict["capacity"] == ["“abc” is not a whole number."]
    assert row.error_dict["latitude"] == ["“1e” is not a number (write decimals with a point, e.g. 1500.50)."]
    assert row.error_dict["last_verified"] == ["“31/31/2025” is not a date (write it as YYYY-MM-DD, e.g. 2025-06-30)."]
    content = response.content.decode()
    rejected = content[content.index('id="rejected-rows"') : content.index('id="accepted-rows"')]
    assert "<td>3</td>" in rejected and "---" not in rejected
    assert "ConversionSyntax" not in content and "None" not in content[content.index('id="accepted-rows"') :]
    assert not Shelter.objects.exists()


def test_the_confirm_step_lists_the_problems_in_spanish_with_agreeing_plurals(staff_client):
    good = preview(staff_client, "registry_shelter", csv_file("name,state\nCasa Buena,Sonora\n"))
    form = good.context["confirm_form"]
    ShelterFactory(name="Casa Buena", slug="otra-casa", state=state("MX-SON"))  # now the row clashes
    client = Client(headers={"Accept-Language": "es"})
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    with translation.override("es"):
        response = client.post(reverse("admin:registry_shelter_process_import"), dict(form.initial))
        text = messages_of(response)
    assert text.startswith("No se importó nada: 1 problema. Fila 2"), text
    assert Shelter.objects.count() == 1


def test_csv_export_starts_with_a_byte_order_mark_and_reads_back(staff_client):
    shelter = ShelterFactory(name="Albergue León", municipality="Ciudad Juárez")
    form = run_action(staff_client, "export_admin_action", [shelter])
    response = staff_client.post(
        reverse("admin:registry_shelter_export"),
        {"format": "0", "export_items": [shelter.pk], "resource": "0", **_all_fields(form)},
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # what Excel needs to read the file as UTF-8
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (rows[0]["name"], rows[0]["municipality"]) == ("Albergue León", "Ciudad Juárez")

    # Re-importing the export changes nothing.
    again = preview(staff_client, "registry_shelter", csv_file(response.content.decode("utf-8-sig")))
    assert {row.import_type for row in again.context["result"].valid_rows()} == {"skip"}


def test_xlsx_export_opens_as_a_workbook(staff_client):
    shelter = ShelterFactory(name="Albergue León", capacity=40)
    form = run_action(staff_client, "export_admin_action", [shelter])
    response = staff_client.post(
        reverse("admin:registry_shelter_export"),
        {"format": "1", "export_items": [shelter.pk], "resource": "0", **_all_fields(form)},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    assert values["name"] == "Albergue León" and values["capacity"] == 40


def test_an_xlsx_partner_file_with_number_cells_imports(staff_client):
    upload = xlsx_file(["Nombre", "Estado", "Capacidad"], [["Casa Norte", 19, 35.0]])
    confirm(staff_client, "registry_shelter", preview(staff_client, "registry_shelter", upload, fmt="1"))
    shelter = Shelter.objects.get()
    assert (shelter.state.iso_code, shelter.capacity, shelter.slug) == ("MX-NLE", 35, "casa-norte-nuevo-leon")


def test_editors_import_partner_files_too(editor):
    client = client_for(editor)
    confirm(client, "registry_shelter", preview(client, "registry_shelter", csv_file(PARTNER)))
    assert Shelter.objects.count() == 5
