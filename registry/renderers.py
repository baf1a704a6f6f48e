"""Exchange formats of the list endpoints: CSV with an HXL hashtag row, and GeoJSON.

An export covers every record matching the filters, not one page, so these renderers stream: the list view hands
them an iterator over the filtered queryset and wraps what they yield in a StreamingHttpResponse. Each renderer
class knows its columns, so one format for one resource is one small subclass.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice
from operator import itemgetter
from typing import Any

from django.db.models import QuerySet
from rest_framework.renderers import BaseRenderer

from registry.formulas import neutralise
from registry.models import PopulationGroup, Service, Shelter, SupportItem
from registry.public_location import location_fields, shelter_public_location
from registry.rest.values_plan import RelatedKeys
from registry.visibility import mask_row

MULTI_VALUE_SEPARATOR = "; "
MODEL_CHUNK = 100  # records per query when an export reads model instances (with their prefetches)
VALUES_CHUNK = 2000  # rows per query when it reads plain values


@dataclass(frozen=True)
class Column:
    """One CSV column: its header, its HXL hashtag (https://hxlstandard.org/standard/dictionary/) and its value."""

    header: str
    hxl: str
    value: Callable[[Any], object]


def cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | tuple):
        return MULTI_VALUE_SEPARATOR.join(cell(part) for part in value)
    return str(value)


class _Line:
    """csv.writer wants a file; this one hands back each line instead of storing it."""

    def write(self, line: str) -> str:
        return line


class ExportRenderer(BaseRenderer):
    """A list format built from the whole filtered queryset: `rows()` reads it in chunks, `stream()` yields the
    document piece by piece."""

    charset = "utf-8"
    filename = "export"
    # False where the format cannot express "nothing": the list answers 404 instead of an invalid document.
    allows_empty = True

    def rows(self, queryset: QuerySet) -> Iterable[Any]:
        return queryset.iterator(chunk_size=MODEL_CHUNK)

    def stream(self, rows: Iterable[Any]) -> Iterator[str]:
        raise NotImplementedError

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return "".join(self.stream(data)).encode(self.charset)

    def content_disposition(self) -> str:
        return f'attachment; filename="{self.filename}.{self.format}"'


class CSVRenderer(ExportRenderer):
    """CSV with a header row, then the HXL hashtag row, then one row per record; text a spreadsheet would run as a
    formula is neutralised (registry.formulas)."""

    media_type = "text/csv"
    format = "csv"
    columns: tuple[Column, ...] = ()

    def stream(self, rows: Iterable[Any]) -> Iterator[str]:
        writer = csv.writer(_Line())
        yield writer.writerow([column.header for column in self.columns])
        yield writer.writerow([column.hxl for column in self.columns])
        for row in rows:
            yield writer.writerow([neutralise(cell(column.value(row))) for column in self.columns])


# One encoder for every feature: json.dumps with options builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False, default=cell)


class GeoJSONRenderer(ExportRenderer):
    """An RFC 7946 FeatureCollection: coordinates are [longitude, latitude]; records without them have no geometry."""

    media_type = "application/geo+json"
    format = "geojson"

    def feature(self, row: Any) -> dict[str, Any]:
        raise NotImplementedError

    def stream(self, rows: Iterable[Any]) -> Iterator[str]:
        yield '{"type": "FeatureCollection", "features": ['
        separator = ""
        for row in rows:
            yield separator + _JSON.encode(self.feature(row))
            separator = ", "
        yield "]}\n"


def values_rows(
    queryset: QuerySet, fields: list[str], related: dict[str, Callable[[list[Any]], dict[Any, list[Any]]]]
) -> Iterator[dict[str, Any]]:
    """Plain dict rows of `fields` (values() paths), each with a list per `related` name, fetched once per chunk.

    Tens of thousands of records would otherwise each become a model instance with related managers and prefetch
    caches; dicts are several times cheaper to make and to read.
    """
    rows = queryset.prefetch_related(None).values("pk", *fields).iterator(chunk_size=VALUES_CHUNK)
    while chunk := list(islice(rows, VALUES_CHUNK)):
        ids = [row["pk"] for row in chunk]
        fetched = {name: fetch(ids) for name, fetch in related.items()}
        for row in chunk:
            for name, grouped in fetched.items():
                row[name] = grouped.get(row["pk"], [])
            yield row


def point(latitude: Decimal | None, longitude: Decimal | None) -> dict[str, Any] | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


SHELTER_FIELDS = [
    "slug",
    "name",
    "operator_type",
    "state__name",
    "state__iso_code",
    "state__region",
    "municipality",
    "address",
    "latitude",
    "longitude",
    "status",
    "capacity",
    "average_daily_arrivals",
    "peak_daily_arrivals",
    "phone",
    "email",
    "website",
    "last_verified",
    "updated_at",
]

SHELTER_COLUMNS: tuple[Column, ...] = (
    Column("slug", "#meta+id", itemgetter("slug")),
    Column("name", "#org+name", itemgetter("name")),
    Column("operator_type", "#org+type", itemgetter("operator_type")),
    Column("state", "#adm1+name", itemgetter("state__name")),
    Column("state_code", "#adm1+code", itemgetter("state__iso_code")),
    Column("region", "#region+border", itemgetter("state__region")),
    Column("municipality", "#loc+name", itemgetter("municipality")),
    Column("address", "#loc+address", itemgetter("address")),
    Column("latitude", "#geo+lat", itemgetter("latitude")),
    Column("longitude", "#geo+lon", itemgetter("longitude")),
    Column("status", "#status", itemgetter("status")),
    Column("services", "#service+code", itemgetter("services")),
    Column("services_es", "#service+name+i_es", itemgetter("services_es")),
    Column("services_en", "#service+name+i_en", itemgetter("services_en")),
    # #population is a number of people in HXL; the groups served are #beneficiary.
    Column("populations", "#beneficiary+code", itemgetter("populations")),
    Column("populations_es", "#beneficiary+name+i_es", itemgetter("populations_es")),
    Column("populations_en", "#beneficiary+name+i_en", itemgetter("populations_en")),
    Column("capacity", "#capacity+beds", itemgetter("capacity")),
    Column("average_daily_arrivals", "#population+arrivals+avg", itemgetter("average_daily_arrivals")),
    Column("peak_daily_arrivals", "#population+arrivals+peak", itemgetter("peak_daily_arrivals")),
    Column("phone", "#contact+phone", itemgetter("phone")),
    Column("email", "#contact+email", itemgetter("email")),
    Column("website", "#contact+url", itemgetter("website")),
    Column("last_verified", "#date+verified", itemgetter("last_verified")),
    Column("updated_at", "#date+updated", itemgetter("updated_at")),
)


def _names_by_code(model: type[Service | PopulationGroup]) -> dict[str, tuple[str, str]]:
    return {code: (es, en) for code, es, en in model.objects.values_list("code", "name_es", "name_en")}


def shelter_rows(queryset: QuerySet) -> Iterator[dict[str, Any]]:
    """Shelter rows with the location each shelter publishes (registry.public_location) in place of the stored one."""
    related = {
        "services": RelatedKeys.of(Shelter, "services", "code").fetch,
        "populations": RelatedKeys.of(Shelter, "populations", "code").fetch,
    }
    # The queryset is already masked for its reader (Shelter.objects.for_viewer: staff see every location), so the
    # rows keep out location_visibility and public_location() applies only the within-Mexico rule here.
    fields = list(dict.fromkeys([*SHELTER_FIELDS, *(f for f in location_fields() if f != "location_visibility")]))
    # The vocabularies are small: their names in both languages, read once per export, by code.
    names = {
        "services": _names_by_code(Service),
        "populations": _names_by_code(PopulationGroup),
    }
    for row in values_rows(queryset, fields, related):
        for field, by_code in names.items():
            row[f"{field}_es"] = [by_code[code][0] for code in row[field]]
            row[f"{field}_en"] = [by_code[code][1] for code in row[field]]
        location = shelter_public_location(row)
        row.update(
            address=location.address,
            municipality=location.municipality,
            latitude=location.latitude,
            longitude=location.longitude,
        )
        yield row


class ShelterCSVRenderer(CSVRenderer):
    filename = "shelters"
    columns = SHELTER_COLUMNS

    def rows(self, queryset: QuerySet) -> Iterable[Any]:
        return shelter_rows(queryset)


class ShelterGeoJSONRenderer(GeoJSONRenderer):
    filename = "shelters"

    def rows(self, queryset: QuerySet) -> Iterable[Any]:
        return shelter_rows(queryset)

    def feature(self, shelter: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": shelter["slug"],
            "geometry": point(shelter["latitude"], shelter["longitude"]),
            "properties": {
                "slug": shelter["slug"],
                "name": shelter["name"],
                "state": shelter["state__iso_code"],
                "state_name": shelter["state__name"],
                "region": shelter["state__region"],
                "municipality": shelter["municipality"],
                "address": shelter["address"],
                "operator_type": shelter["operator_type"],
                "status": shelter["status"],
                "capacity": shelter["capacity"],
                "services": shelter["services"],
                "populations": shelter["populations"],
                "last_verified": shelter["last_verified"],
            },
        }


AGREEMENT_FIELDS = [
    "reference",
    "shelter__name",
    "shelter__slug",
    "shelter__state__name",
    "shelter__state__iso_code",
    "shelter__municipality",
    "shelter__location_visibility",
    "donor__name",
    "donor__acronym",
    "implementing_office",
    "project__prima_id",
    "status",
    "signed_on",
    "programme_phase",
    "programme_year",
    "updated_at",
]


def _items(ids: list[Any]) -> dict[Any, list[tuple[str, str, Decimal | None]]]:
    grouped: dict[Any, list[tuple[str, str, Decimal | None]]] = {}
    items = SupportItem.objects.filter(agreement_id__in=ids).order_by("agreement_id", "category", "id")
    for owner, category, description, value in items.values_list(
        "agreement_id", "category", "description", "value_usd"
    ):
        grouped.setdefault(owner, []).append((category, description, value))
    return grouped


def _item_total(agreement: dict[str, Any]) -> Decimal | None:
    values = [value for _category, _description, value in agreement["items"] if value is not None]
    return sum(values, Decimal("0")) if values else None


AGREEMENT_COLUMNS: tuple[Column, ...] = (
    Column("reference", "#meta+id", itemgetter("reference")),
    Column("shelter", "#org+name+shelter", itemgetter("shelter__name")),
    Column("shelter_slug", "#org+code+shelter", itemgetter("shelter__slug")),
    Column("state", "#adm1+name", itemgetter("shelter__state__name")),
    Column("state_code", "#adm1+code", itemgetter("shelter__state__iso_code")),
    Column("municipality", "#loc+name", itemgetter("shelter__municipality")),
    Column("donor", "#org+name+funder", itemgetter("donor__name")),
    Column("donor_acronym", "#org+code+funder", itemgetter("donor__acronym")),
    Column("implementing_office", "#org+name+impl", itemgetter("implementing_office")),
    Column("project", "#activity+code", itemgetter("project__prima_id")),
    Column("status", "#status", itemgetter("status")),
    Column("signed_on", "#date+signed", itemgetter("signed_on")),
    Column("programme_phase", "#meta+phase", itemgetter("programme_phase")),
    Column("programme_year", "#date+year", itemgetter("programme_year")),
    # What kind of support (medicines, training, ...), not a humanitarian sector.
    Column("categories", "#item+type+code", lambda a: sorted({category for category, _d, _v in a["items"]})),
    Column("items", "#item+name", lambda a: [description for _c, description, _v in a["items"]]),
    Column("value_usd", "#value+usd", _item_total),
    Column("updated_at", "#date+updated", itemgetter("updated_at")),
)


class AgreementCSVRenderer(CSVRenderer):
    filename = "agreements"
    columns = AGREEMENT_COLUMNS

    def rows(self, queryset: QuerySet) -> Iterable[Any]:
        # The shelter's municipality is read through the agreement, past Shelter.objects.public(): mask it here,
        # for every reader (staff have the shelter export for the full locations).
        return (mask_row(row, "shelter__") for row in values_rows(queryset, AGREEMENT_FIELDS, {"items": _items}))
