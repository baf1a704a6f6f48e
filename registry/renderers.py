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
from typing import Any

from rest_framework.renderers import BaseRenderer

from registry.models import CooperationAgreement, Shelter

MULTI_VALUE_SEPARATOR = "; "


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
    """A list format built from the whole filtered queryset; `stream()` yields the document piece by piece."""

    charset = "utf-8"
    filename = "export"

    def stream(self, rows: Iterable[Any]) -> Iterator[str]:
        raise NotImplementedError

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return "".join(self.stream(data)).encode(self.charset)

    def content_disposition(self) -> str:
        return f'attachment; filename="{self.filename}.{self.format}"'


class CSVRenderer(ExportRenderer):
    """CSV with a header row, then the HXL hashtag row, then one row per record."""

    media_type = "text/csv"
    format = "csv"
    columns: tuple[Column, ...] = ()

    def stream(self, rows: Iterable[Any]) -> Iterator[str]:
        writer = csv.writer(_Line())
        yield writer.writerow([column.header for column in self.columns])
        yield writer.writerow([column.hxl for column in self.columns])
        for row in rows:
            yield writer.writerow([cell(column.value(row)) for column in self.columns])


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
            yield separator + json.dumps(self.feature(row), ensure_ascii=False, default=cell)
            separator = ", "
        yield "]}\n"


def point(latitude: Decimal | None, longitude: Decimal | None) -> dict[str, Any] | None:
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [float(longitude), float(latitude)]}


def _codes(manager: Any) -> list[str]:
    return [related.code for related in manager.all()]


SHELTER_COLUMNS: tuple[Column, ...] = (
    Column("slug", "#meta+id", lambda s: s.slug),
    Column("name", "#org+name", lambda s: s.name),
    Column("operator_type", "#org+type", lambda s: s.operator_type),
    Column("state", "#adm1+name", lambda s: s.state.name),
    Column("state_code", "#adm1+code", lambda s: s.state.iso_code),
    Column("region", "#region+border", lambda s: s.state.region),
    Column("municipality", "#loc+name", lambda s: s.municipality),
    Column("address", "#loc+address", lambda s: s.address),
    Column("latitude", "#geo+lat", lambda s: s.latitude),
    Column("longitude", "#geo+lon", lambda s: s.longitude),
    Column("status", "#status", lambda s: s.status),
    Column("services", "#service+code", lambda s: _codes(s.services)),
    Column("populations", "#population+type", lambda s: _codes(s.populations)),
    Column("capacity", "#capacity+beds", lambda s: s.capacity),
    Column("average_daily_arrivals", "#population+arrivals+avg", lambda s: s.average_daily_arrivals),
    Column("peak_daily_arrivals", "#population+arrivals+peak", lambda s: s.peak_daily_arrivals),
    Column("phone", "#contact+phone", lambda s: s.phone),
    Column("email", "#contact+email", lambda s: s.email),
    Column("website", "#contact+url", lambda s: s.website),
    Column("last_verified", "#date+verified", lambda s: s.last_verified),
    Column("updated_at", "#date+updated", lambda s: s.updated_at),
)


class ShelterCSVRenderer(CSVRenderer):
    filename = "shelters"
    columns = SHELTER_COLUMNS


class ShelterGeoJSONRenderer(GeoJSONRenderer):
    filename = "shelters"

    def feature(self, shelter: Shelter) -> dict[str, Any]:
        return {
            "type": "Feature",
            "id": shelter.slug,
            "geometry": point(shelter.latitude, shelter.longitude),
            "properties": {
                "slug": shelter.slug,
                "name": shelter.name,
                "state": shelter.state.iso_code,
                "state_name": shelter.state.name,
                "region": shelter.state.region,
                "municipality": shelter.municipality,
                "address": shelter.address,
                "operator_type": shelter.operator_type,
                "status": shelter.status,
                "capacity": shelter.capacity,
                "services": _codes(shelter.services),
                "populations": _codes(shelter.populations),
                "last_verified": shelter.last_verified,
            },
        }


def _item_total(agreement: CooperationAgreement) -> Decimal | None:
    values = [item.value_usd for item in agreement.items.all() if item.value_usd is not None]
    return sum(values, Decimal("0")) if values else None


AGREEMENT_COLUMNS: tuple[Column, ...] = (
    Column("reference", "#meta+id", lambda a: a.reference),
    Column("shelter", "#org+name+shelter", lambda a: a.shelter.name),
    Column("shelter_slug", "#org+code+shelter", lambda a: a.shelter.slug),
    Column("state", "#adm1+name", lambda a: a.shelter.state.name),
    Column("state_code", "#adm1+code", lambda a: a.shelter.state.iso_code),
    Column("municipality", "#loc+name", lambda a: a.shelter.municipality),
    Column("donor", "#org+name+funder", lambda a: a.donor.name),
    Column("donor_acronym", "#org+code+funder", lambda a: a.donor.acronym),
    Column("implementing_office", "#org+name+impl", lambda a: a.implementing_office),
    Column("project", "#activity+code", lambda a: a.project.prima_id if a.project else None),
    Column("status", "#status", lambda a: a.status),
    Column("signed_on", "#date+signed", lambda a: a.signed_on),
    Column("programme_phase", "#meta+phase", lambda a: a.programme_phase),
    Column("programme_year", "#date+year", lambda a: a.programme_year),
    Column("categories", "#sector", lambda a: sorted({item.category for item in a.items.all()})),
    Column("items", "#item+name", lambda a: [item.description for item in a.items.all()]),
    Column("value_usd", "#value+usd", _item_total),
    Column("updated_at", "#date+updated", lambda a: a.updated_at),
)


class AgreementCSVRenderer(CSVRenderer):
    filename = "agreements"
    columns = AGREEMENT_COLUMNS
