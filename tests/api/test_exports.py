"""Exports are the list endpoints with ?format=: HXL CSV (read back with libhxl and the csv module), GeoJSON and
IATI XML (validated against the official 2.03 schema), honouring the filters and covering every match, not a page."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from http import HTTPStatus

import hxl
import pytest
import xmlschema
from lxml import etree

from tests.api.conftest import API, body
from tests.factories import (
    CooperationAgreementFactory,
    DonorFactory,
    ProjectFactory,
    ProjectObjectiveFactory,
    ShelterFactory,
    SupportItemFactory,
    ThematicAreaFactory,
    state,
)
from tests.standards import require_shared

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def iati_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(require_shared("iati", "iati-activities-schema.xsd")))


@pytest.fixture
def shelters():
    return {
        "ixtepec": ShelterFactory(
            name="Hermanos en el Camino",
            municipality="Ciudad Ixtepec",
            state=state("MX-OAX"),
            latitude=Decimal("16.566000"),
            longitude=Decimal("-95.101000"),
        ),
        "tapachula": ShelterFactory(name='Albergue Belén, "Casa"', state=state("MX-CHP")),
        "tijuana": ShelterFactory(
            name="Casa del Migrante",
            state=state("MX-BCN"),
            latitude=Decimal("32.5149"),
            longitude=Decimal("-117.0382"),
        ),
    }


def read_csv(response) -> list[dict[str, str]]:
    text = body(response).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, tags, *records = rows
    assert all(tag.startswith("#") for tag in tags), tags
    return [dict(zip(header, record, strict=True)) for record in records]


# --- CSV with HXL -------------------------------------------------------------------------------------------


def test_shelter_csv_is_streamed_hxl_with_every_match(shelters, client):
    response = client.get(f"{API}/shelters/?format=csv&page_size=1")

    assert response.status_code == HTTPStatus.OK
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="shelters.csv"' in response["Content-Disposition"]
    dataset = hxl.data(io.BytesIO(body(response)))
    tags = set(dataset.display_tags)
    assert {"#org+name", "#adm1+name", "#adm1+code", "#loc+name", "#geo+lat", "#geo+lon"} <= tags
    rows = {row.get("#org+name"): row for row in dataset}
    # page_size does not cut an export short: all three shelters are there.
    assert set(rows) == {s.name for s in shelters.values()}
    ixtepec = rows["Hermanos en el Camino"]
    assert ixtepec.get("#adm1+code") == "MX-OAX"
    assert ixtepec.get("#adm1+name") == "Oaxaca"
    assert ixtepec.get("#loc+name") == "Ciudad Ixtepec"
    assert (ixtepec.get("#geo+lat"), ixtepec.get("#geo+lon")) == ("16.566000", "-95.101000")


def test_shelter_csv_honours_the_filters(shelters, client):
    rows = read_csv(client.get(f"{API}/shelters/?format=csv&region=south"))

    assert {row["name"] for row in rows} == {"Hermanos en el Camino", 'Albergue Belén, "Casa"'}
    assert {row["region"] for row in rows} == {"south"}


def test_csv_quotes_commas_and_quotes(shelters, client):
    rows = read_csv(client.get(f"{API}/shelters/?format=csv&state=MX-CHP"))

    assert [row["name"] for row in rows] == ['Albergue Belén, "Casa"']


def test_agreement_csv_lists_items_donor_and_totals(client):
    agreement = CooperationAgreementFactory(
        reference="PRM-2-x", shelter=ShelterFactory(state=state("MX-CHP")), donor=DonorFactory(acronym="PRM")
    )
    SupportItemFactory(agreement=agreement, category="medicines", description="Antibiotics", value_usd=Decimal("10.50"))
    SupportItemFactory(agreement=agreement, category="training", description="First aid", value_usd=Decimal("4.50"))
    CooperationAgreementFactory(reference="OTHER-1", shelter=ShelterFactory(state=state("MX-BCN")))

    response = client.get(f"{API}/agreements/?format=csv&region=south")
    dataset = hxl.data(io.BytesIO(body(response)))
    rows = list(dataset)

    assert len(rows) == 1
    row = rows[0]
    assert row.get("#meta+id") == "PRM-2-x"
    assert row.get("#org+code+funder") == "PRM"
    assert row.get("#adm1+code") == "MX-CHP"
    assert row.get("#item+type+code") == "medicines; training"
    assert row.get("#value+usd") == "15.00"


def test_project_csv_has_iati_identifier_states_and_funders(client):
    project = ProjectFactory(
        projects_id="PR.0173",
        prima_id="MX10P0001",
        states=[state("MX-CHP"), state("MX-OAX")],
        budget_usd=Decimal("100000.00"),
    )
    CooperationAgreementFactory(project=project, donor=DonorFactory(name="Bureau of Population", acronym="PRM"))

    dataset = hxl.data(io.BytesIO(body(client.get(f"{API}/projects/?format=csv"))))
    row = next(iter(dataset))

    assert row.get("#activity+code+iati") == "XM-DAC-47066-PR.0173"
    assert row.get("#activity+code+prima") == "MX10P0001"
    assert row.get("#adm1+code") == "MX-CHP; MX-OAX"
    assert row.get("#org+name+funder") == "Bureau of Population"
    assert row.get("#value+budget+usd") == "100000.00"


def test_csv_is_offered_only_where_it_exists(client):
    response = client.get(f"{API}/donors/?format=csv")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"


def test_export_errors_are_json(client):
    response = client.get(f"{API}/shelters/?format=csv&state=ZZ")

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["Content-Type"] == "application/json"
    assert "state" in response.json()


def test_format_wins_over_an_accept_header(shelters, client):
    response = client.get(f"{API}/shelters/?format=csv", HTTP_ACCEPT="application/json")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")


def test_accept_header_alone_selects_an_export(shelters, client):
    response = client.get(f"{API}/shelters/", HTTP_ACCEPT="application/geo+json")

    assert response["Content-Type"].startswith("application/geo+json")


# --- GeoJSON --------------------------------------------------------------------------------------------------


def test_geojson_is_an_rfc7946_feature_collection_in_lon_lat_order(shelters, client):
    response = client.get(f"{API}/shelters/?format=geojson")

    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946 dropped it: WGS 84 always
    features = {feature["id"]: feature for feature in collection["features"]}
    assert set(features) == {s.slug for s in shelters.values()}
    ixtepec = features[shelters["ixtepec"].slug]
    assert ixtepec["type"] == "Feature"
    assert ixtepec["geometry"] == {"type": "Point", "coordinates": [-95.101, 16.566]}
    assert ixtepec["properties"]["name"] == "Hermanos en el Camino"
    assert ixtepec["properties"]["state"] == "MX-OAX"
    assert features[shelters["tapachula"].slug]["geometry"] is None


def test_geojson_honours_the_filters(shelters, client):
    collection = json.loads(body(client.get(f"{API}/shelters/?format=geojson&region=north")))

    assert [f["properties"]["name"] for f in collection["features"]] == ["Casa del Migrante"]


def test_geojson_of_nothing_is_an_empty_collection(client):
    collection = json.loads(body(client.get(f"{API}/shelters/?format=geojson")))

    assert collection == {"type": "FeatureCollection", "features": []}


# --- IATI ------------------------------------------------------------------------------------------------------


@pytest.fixture
def projects():
    protection = ThematicAreaFactory(slug="protection", name_en="Protection")
    health = ThematicAreaFactory(slug="health", name_en="Health")
    data = ThematicAreaFactory(slug="data", name_en="Data")
    completed = ProjectFactory(
        title="A Comprehensive Approach to Migration Flows",
        projects_id="PR.0173",
        prima_id="MX10P0001",
        start_year=2015,
        end_year=2018,
        status="completed",
        budget_usd=Decimal("100000.00"),
        coverage="national",
        idf_region="latin_america_caribbean",
        states=[state("MX-CHP")],
        thematic_areas=[protection, health, data],
    )
    ProjectObjectiveFactory(project=completed, position=1, text="Strengthen state capacities.")
    CooperationAgreementFactory(project=completed, donor=DonorFactory(name="Bureau of Population", acronym="PRM"))
    ongoing = ProjectFactory(
        title="Health <and> \x0b migrants",
        projects_id="MH.0001",
        prima_id="MX10P0002",
        start_year=2022,
        start_date=date(2022, 3, 15),
        end_year=None,
        status="active",
        budget_usd=Decimal("5000.5"),
        coverage="local",
        summary="",
        states=[state("MX-CHP"), state("MX-OAX")],
    )
    pipeline = ProjectFactory(
        title="Future work", projects_id="FW.0001", start_year=2090, end_year=2091, status="pipeline", coverage=""
    )
    return {"completed": completed, "ongoing": ongoing, "pipeline": pipeline}


def iati_tree(response) -> etree._Element:
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(body(response))


def activity(tree, identifier: str) -> etree._Element:
    (found,) = tree.xpath("iati-activity[iati-identifier=$id]", id=identifier)
    return found


def test_iati_export_validates_against_the_official_schema(projects, client, iati_schema):
    content = body(client.get(f"{API}/projects/?format=iati"))

    errors = list(iati_schema.iter_errors(content))

    assert not errors, errors[0]


def test_iati_activity_carries_identifiers_orgs_status_dates_budget(projects, client):
    tree = iati_tree(client.get(f"{API}/projects/?format=iati"))

    assert tree.tag == "iati-activities" and tree.get("version") == "2.03" and tree.get("generated-datetime")
    assert len(tree) == 3
    act = activity(tree, "XM-DAC-47066-PR.0173")
    assert act.get("default-currency") == "USD"
    assert act.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    reporting = act.find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type")) == ("XM-DAC-47066", "40")
    assert act.findtext("title/narrative") == "A Comprehensive Approach to Migration Flows"
    assert act.findtext("description[@type='2']/narrative") == "Strengthen state capacities."
    orgs = {(o.get("role"), o.findtext("narrative")) for o in act.findall("participating-org")}
    assert orgs == {("1", "Bureau of Population"), ("4", "International Organization for Migration")}
    other = act.find("other-identifier")
    assert (other.get("ref"), other.get("type")) == ("MX10P0001", "A1")
    assert act.find("activity-status").get("code") == "4"
    dates = {d.get("type"): d.get("iso-date") for d in act.findall("activity-date")}
    # Only the years are known: planned dates that say so, no actual ones (projects.iati_rules, rules 2 and 3).
    assert dates == {"1": "2015-01-01", "3": "2018-12-31"}
    assert "only the year is known" in act.findtext("activity-date[@type='1']/narrative")
    assert act.find("activity-scope").get("code") == "4"
    country = act.find("recipient-country")
    assert (country.get("code"), country.get("percentage")) == ("MX", "100")
    assert act.find("recipient-region") is None  # the IDF region is IOM's grouping, not an IATI region
    sectors = act.findall("sector")
    assert {(s.get("vocabulary"), s.get("code")) for s in sectors} == {
        ("99", "protection"),
        ("99", "health"),
        ("99", "data"),
    }
    assert all(s.get("vocabulary-uri") == "http://testserver/api/v1/thematic-areas/" for s in sectors)
    # Three areas and no recorded shares: no percentages are made up.
    assert all(s.get("percentage") is None for s in sectors)
    budgets = act.findall("budget")
    assert [b.find("period-start").get("iso-date") for b in budgets] == [f"{y}-01-01" for y in range(2015, 2019)]
    assert [b.find("period-end").get("iso-date") for b in budgets] == [f"{y}-12-31" for y in range(2015, 2019)]
    assert sum(Decimal(b.findtext("value")) for b in budgets) == Decimal("100000.00")
    value = budgets[0].find("value")
    assert (value.get("currency"), value.get("value-date"), budgets[0].get("status")) == ("USD", "2015-01-01", "1")


def test_iati_dates_follow_the_status(projects, client):
    tree = iati_tree(client.get(f"{API}/projects/?format=iati"))

    ongoing = activity(tree, "XM-DAC-47066-MH.0001")
    assert ongoing.find("activity-status").get("code") == "2"
    # The exact start day is known and has passed: an actual start, and no planned one repeating it.
    assert {d.get("type"): d.get("iso-date") for d in ongoing.findall("activity-date")} == {"2": "2022-03-15"}
    assert ongoing.find("budget") is None  # no end, so no budget period
    assert ongoing.find("activity-scope").get("code") == "5"  # two states
    assert ongoing.findtext("title/narrative") == "Health <and>  migrants"  # control character dropped
    pipeline = activity(tree, "XM-DAC-47066-FW.0001")
    assert pipeline.find("activity-status").get("code") == "1"
    # Nothing actual happens in the future.
    assert {d.get("type") for d in pipeline.findall("activity-date")} == {"1", "3"}


def test_iati_export_honours_the_filters(projects, client, iati_schema):
    response = client.get(f"{API}/projects/?format=iati&status=completed")
    content = body(response)

    assert [el.text for el in etree.fromstring(content).iter("iati-identifier")] == ["XM-DAC-47066-PR.0173"]
    assert not list(iati_schema.iter_errors(content))


def test_iati_export_of_no_project_is_a_404_not_an_invalid_file(projects, client):
    response = client.get(f"{API}/projects/?format=iati&status=suspended", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"] == "application/json"
    assert "at least one" in response.json()["detail"]


def test_iati_reporting_org_is_configurable(projects, client, settings):
    settings.IATI_REPORTING_ORG = "XM-DAC-99999"

    tree = iati_tree(client.get(f"{API}/projects/?format=iati&status=completed"))

    assert tree.findtext("iati-activity/iati-identifier") == "XM-DAC-99999-PR.0173"
    assert tree.find("iati-activity/reporting-org").get("ref") == "XM-DAC-99999"


# --- conditional GET on exports --------------------------------------------------------------------------------


def test_export_carries_a_validator_and_answers_304(shelters, client):
    first = client.get(f"{API}/shelters/?format=csv")
    etag = first["ETag"]

    again = client.get(f"{API}/shelters/?format=csv", HTTP_IF_NONE_MATCH=etag)
    other_filter = client.get(f"{API}/shelters/?format=csv&region=north", HTTP_IF_NONE_MATCH=etag)
    shelters["tijuana"].save()
    after_change = client.get(f"{API}/shelters/?format=csv", HTTP_IF_NONE_MATCH=etag)

    assert etag.startswith('W/"')
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert other_filter.status_code == HTTPStatus.OK
    assert after_change.status_code == HTTPStatus.OK
