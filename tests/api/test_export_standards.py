"""Exports read by their standards' own tools: every CSV export valid under libhxl's core schema; cells that a
spreadsheet would run as formulas neutralised in CSV and XLSX while numbers stay numbers; only coordinates inside
Mexico, and only the location a shelter publishes, leave the registry."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import hxl
import openpyxl
import pytest
import tablib

from projects.resources import ProjectResource
from registry.formulas import neutralise, restore
from registry.models import Shelter
from registry.resources import ShelterResource
from tests.api.conftest import API, body
from tests.factories import (
    CooperationAgreementFactory,
    DonorFactory,
    PopulationGroupFactory,
    ProjectFactory,
    ServiceFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com/x","click")'


@pytest.fixture
def full_records():
    """One record per export with every column filled, some with text that starts like a formula."""
    shelter = ShelterFactory(
        name=FORMULA,
        slug="casa-formula",
        state=state("MX-CHP"),
        municipality="Tapachula",
        address="@SUM(1+1) Calle 5",
        latitude=Decimal("14.905000"),
        longitude=Decimal("-92.263000"),
        phone="+52 962 000 0000",
        email="casa@example.org",
        website="https://example.org/casa",
        capacity=80,
        average_daily_arrivals=40,
        peak_daily_arrivals=120,
        last_verified=date(2026, 10, 1),
        services=[ServiceFactory(code="lodging"), ServiceFactory(code="medical-care")],
        populations=[PopulationGroupFactory(code="women"), PopulationGroupFactory(code="children")],
    )
    project = ProjectFactory(
        title="-1+2 protection",
        start_date=date(2021, 3, 1),
        end_date=date(2023, 6, 30),
        budget_usd=Decimal("250000.00"),
        states=[state("MX-CHP")],
        thematic_areas=[ThematicAreaFactory(slug="protection", name_en="Protection")],
    )
    agreement = CooperationAgreementFactory(
        shelter=shelter, project=project, donor=DonorFactory(name="Bureau of Population", acronym="PRM")
    )
    SupportItemFactory(agreement=agreement, category="medicines", description="@Antibióticos", value_usd=Decimal("10"))
    return {"shelter": shelter, "project": project, "agreement": agreement}


def hxl_issues(content: bytes) -> tuple[bool, list[str]]:
    issues = []
    valid = hxl.schema(callback=issues.append).validate(hxl.data(io.BytesIO(content)))
    return valid, [f"{issue.rule.severity} {issue.message}: {issue.column} = {issue.value!r}" for issue in issues]


def csv_rows(content: bytes) -> list[dict[str, str]]:
    header, _tags, *records = csv.reader(io.StringIO(content.decode()))
    return [dict(zip(header, record, strict=True)) for record in records]


# --- HXL core schema -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("resource", ["shelters", "agreements", "projects"])
def test_every_csv_export_is_valid_under_the_hxl_core_schema(full_records, client, resource):
    content = body(client.get(f"{API}/{resource}/?format=csv"))

    valid, issues = hxl_issues(content)

    assert valid, issues
    assert not issues


def test_population_groups_are_tagged_beneficiary_not_the_numeric_population(full_records, client):
    dataset = hxl.data(io.BytesIO(body(client.get(f"{API}/shelters/?format=csv"))))
    row = next(iter(dataset))

    assert row.get("#beneficiary+code") == "children; women"
    # What HXL reads as numbers of people are numbers.
    population_tags = [tag for tag in dataset.display_tags if tag.startswith("#population")]
    assert population_tags and all(str(row.get(tag)).isdigit() for tag in population_tags)


def test_the_old_population_codes_fail_the_core_schema():
    """The check above can fail: group codes under #population are what libhxl rejects."""
    content = b"name,populations\n#org+name,#population+type\nCasa,women\n"

    valid, issues = hxl_issues(content)

    assert not valid
    assert any("Expected a number" in issue for issue in issues)


# --- formula injection -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+52 962 000 0000", "'+52 962 000 0000"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("'=1", "''=1"),  # already an apostrophe: one more, so the import gives back exactly this
        ("-95.101", "-95.101"),  # a number written as text stays a number
        ("+12", "+12"),
        ("1e-5", "1e-5"),
        ("Casa = hogar", "Casa = hogar"),
        ("", ""),
        (-95.101, -95.101),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_neutralise_and_restore(value, written):
    assert neutralise(value) == written
    assert restore(neutralise(value)) == value


def test_csv_export_neutralises_formulas_and_keeps_numbers(full_records, client):
    (shelter,) = csv_rows(body(client.get(f"{API}/shelters/?format=csv")))
    (agreement,) = csv_rows(body(client.get(f"{API}/agreements/?format=csv")))
    (project,) = csv_rows(body(client.get(f"{API}/projects/?format=csv")))

    assert shelter["name"] == "'" + FORMULA
    assert shelter["address"] == "'@SUM(1+1) Calle 5"
    assert shelter["phone"] == "'+52 962 000 0000"
    assert (shelter["latitude"], shelter["longitude"]) == ("14.905000", "-92.263000")
    assert shelter["capacity"] == "80"
    assert agreement["shelter"] == "'" + FORMULA
    assert agreement["items"] == "'@Antibióticos"
    assert project["title"] == "'-1+2 protection"
    assert project["budget_usd"] == "250000.00"


def test_xlsx_export_has_no_formula_cells_and_numeric_numbers(full_records):
    content = ShelterResource().export(Shelter.objects.all()).export("xlsx")

    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))

    assert all(cell.data_type != "f" for line in sheet.iter_rows() for cell in line)
    assert row["name"].value == "'" + FORMULA and row["name"].data_type == "s"
    assert row["phone"].value == "'+52 962 000 0000"
    assert row["longitude"].data_type == "n" and Decimal(str(row["longitude"].value)) == Decimal("-92.263")
    assert row["capacity"].data_type == "n" and row["capacity"].value == 80


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_neutralised_export_imports_back_unchanged(full_records, fmt):
    exported = ShelterResource().export(Shelter.objects.all()).export(fmt)

    result = ShelterResource().import_data(tablib.Dataset().load(exported, format=fmt), dry_run=True)

    assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
    assert [row.import_type for row in result.rows] == ["skip"]
    full_records["shelter"].refresh_from_db()
    assert full_records["shelter"].name == FORMULA


def test_project_export_neutralises_too(full_records):
    dataset = ProjectResource().export()

    titles = [value for key, value in dataset.dict[0].items() if key.startswith("title")]
    assert "'-1+2 protection" in titles
    assert dataset.dict[0]["budget_usd"] == Decimal("250000.00")


# --- coordinates and published location ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        ("14.905000", "-14.905000"),  # a longitude typed as the latitude
        ("-14.905000", "-92.263000"),  # southern hemisphere
        ("14.905000", "92.263000"),  # minus sign lost
        ("40.416800", "-3.703800"),  # Madrid
        ("13.700000", "-89.200000"),  # San Salvador, south of the border
    ],
)
def test_coordinates_outside_mexico_are_not_published(client, latitude, longitude):
    ShelterFactory(name="Casa fuera", latitude=Decimal(latitude), longitude=Decimal(longitude))

    collection = json.loads(body(client.get(f"{API}/shelters/?format=geojson")))
    (row,) = csv_rows(body(client.get(f"{API}/shelters/?format=csv")))

    assert collection["features"][0]["geometry"] is None
    assert (row["latitude"], row["longitude"]) == ("", "")


def test_geojson_points_all_lie_within_mexico(client):
    for index, (latitude, longitude) in enumerate(
        [("32.514900", "-117.038200"), ("14.905000", "-92.263000"), ("21.161900", "-86.851500"), ("29.05", "-118.3")]
    ):
        ShelterFactory(name=f"Casa {index}", latitude=Decimal(latitude), longitude=Decimal(longitude))

    collection = json.loads(body(client.get(f"{API}/shelters/?format=geojson")))

    points = [feature["geometry"]["coordinates"] for feature in collection["features"]]
    assert len(points) == 4
    assert all(-118.45 <= lon <= -86.70 and 14.50 <= lat <= 32.75 for lon, lat in points)


@pytest.fixture
def shown_by(db):
    """Sets every shelter's location visibility."""
    from registry.models import Shelter

    def use(visibility: str) -> None:
        Shelter.objects.update(location_visibility=visibility)

    return use


@pytest.mark.parametrize("visibility", ["municipality", "hidden"])
def test_exports_publish_no_address_nor_point_of_a_shelter_not_shown_exactly(
    full_records, client, shown_by, visibility
):
    shown_by(visibility)

    (shelter,) = csv_rows(body(client.get(f"{API}/shelters/?format=csv")))
    (feature,) = json.loads(body(client.get(f"{API}/shelters/?format=geojson")))["features"]
    (agreement,) = csv_rows(body(client.get(f"{API}/agreements/?format=csv")))

    assert (shelter["address"], shelter["latitude"], shelter["longitude"]) == ("", "", "")
    assert feature["geometry"] is None and feature["properties"]["address"] == ""
    municipality = "Tapachula" if visibility == "municipality" else ""
    assert shelter["municipality"] == feature["properties"]["municipality"] == agreement["municipality"] == municipality
    assert shelter["state_code"] == agreement["state_code"] == "MX-CHP"  # the state is always public


def test_names_come_in_both_languages_with_hxl_language_attributes(full_records, client):
    shelters = hxl.data(io.BytesIO(body(client.get(f"{API}/shelters/?format=csv"))))
    projects = hxl.data(io.BytesIO(body(client.get(f"{API}/projects/?format=csv"))))
    shelter, project = next(iter(shelters)), next(iter(projects))

    assert shelter.get("#service+name+i_es") == "Alojamiento; Atención médica"
    assert shelter.get("#service+name+i_en") == "Lodging; Medical care"
    assert shelter.get("#beneficiary+name+i_en") == "Children and adolescents; Women"
    assert project.get("#sector+name+i_en") == "Protection"
    assert project.get("#sector+name+i_es") == full_records["project"].thematic_areas.get().name_es
    assert {"+i_es", "+i_en"} <= {a for tag in shelters.display_tags for a in ["+" + x for x in tag.split("+")[1:]]}


def test_project_texts_come_in_both_languages(client):
    ProjectFactory(title_es="Apoyo a albergues", title_en="Shelter support", summary_es="Resumen", summary_en="Summary")

    row = next(iter(hxl.data(io.BytesIO(body(client.get(f"{API}/projects/?format=csv"))))))

    assert (row.get("#activity+name+i_es"), row.get("#activity+name+i_en")) == ("Apoyo a albergues", "Shelter support")
    assert (row.get("#description+i_es"), row.get("#description+i_en")) == ("Resumen", "Summary")
