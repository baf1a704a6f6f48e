"""Shelters as Open Referral HSDS 3.1 records. A shelter is a service in the Open Referral sense.

HSDS object and field ← registry:
- service ← the shelter. id ← Shelter.uuid; name; description ← the services offered and the groups served;
  url ← website; email; status ← status (active; temporarily closed; closed → defunct); eligibility_description ←
  eligibility notes; assured_date ← last verified; last_modified ← updated; phones ← phone (one per number);
  schedules ← opening hours; languages ← languages the staff speak (ISO 639-3 codes); capacities ← capacity
  in beds (unit "bed"); attributes ← services offered and population groups served, as taxonomy terms.
- organization ← the shelter's operator: the registry records no operator apart from its shelter, so there is one
  per shelter, named after it, described by its operator type.
- location ← where the shelter is, as far as it may be published (registry.public_location): street address and
  coordinates only for an exact location; a municipality or nothing below the state otherwise.
- service_at_location ← the shelter at that location.

Ids are UUIDs, stable for as long as the shelter exists: the service's is Shelter.uuid; those of its organization,
location and service_at_location are Shelter.uuid with a fixed set of bits flipped (so each leads back to its
shelter without a lookup table, and stays a version-4 UUID); nested records (phones, schedules, ...) get UUID-5
names under the shelter's UUID.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext

from registry.models import PopulationGroup, Service, Shelter, ShelterStatus
from registry.public_location import PublicLocation, shelter_public_location

# Flipped bits per record kind; the version nibble and the variant bits are left alone.
_KIND_MASKS = {
    "organization": uuid.UUID("ca43cef0-9080-079a-1a74-72676d8742a0").int,
    "location": uuid.UUID("c6421b49-8317-0069-0131-2e821ffe0fc1").int,
    "service_at_location": uuid.UUID("2e8a6721-8fc2-0ef7-0d4e-d68af6b15c74").int,
}
# Names of the registry's own taxonomies' terms (services, population groups) are UUID 5 under this namespace.
TAXONOMY_NAMESPACE = uuid.UUID("6f1c2b8e-3d4a-4e5f-9a7b-1c2d3e4f5a6b")

STATUS = {
    ShelterStatus.ACTIVE: "active",
    ShelterStatus.TEMPORARILY_CLOSED: "temporarily closed",
    ShelterStatus.CLOSED: "defunct",
}

_PHONE_SEPARATORS = re.compile(r"\s*(?:[;/,]|\bo\b|\bor\b)\s*", re.IGNORECASE)
# A Mexican postal code (código postal) written in an address: five digits, usually after "C.P.".
_POSTAL_CODE = re.compile(r"\bC\.?\s?P\.?\s*(\d{5})\b|\b(\d{5})\b", re.IGNORECASE)


def kind_id(shelter_uuid: uuid.UUID, kind: str) -> str:
    return str(uuid.UUID(int=shelter_uuid.int ^ _KIND_MASKS[kind]))


def shelter_uuid_of(record_id: str, kind: str) -> uuid.UUID | None:
    """The UUID of the shelter behind a record id of `kind` ("service" for Shelter.uuid itself), or None."""
    try:
        value = uuid.UUID(record_id)
    except ValueError:
        return None
    return value if kind == "service" else uuid.UUID(int=value.int ^ _KIND_MASKS[kind])


def term_id(taxonomy: str, code: str) -> str:
    return str(uuid.uuid5(TAXONOMY_NAMESPACE, f"{taxonomy}:{code}"))


def with_term(term: str) -> Q:
    """Shelters carrying the taxonomy term with this id (HSDS's taxonomy_term_id); none for an unknown id."""
    for taxonomy, model, path in (("service", Service, "services"), ("population", PopulationGroup, "populations")):
        for code in model.objects.values_list("code", flat=True):
            if term_id(taxonomy, code) == term:
                return Q(**{f"{path}__code": code})
    return Q(pk__in=[])


def _nested_id(shelter: Shelter, name: str) -> str:
    return str(uuid.uuid5(shelter.uuid, name))


def _timestamp(value: datetime) -> str:
    return value.isoformat(timespec="milliseconds")


def _split(text: str, separators: re.Pattern[str]) -> list[str]:
    return [part.strip() for part in separators.split(text or "") if part and part.strip()]


def _location(shelter: Shelter) -> PublicLocation:
    return shelter_public_location(shelter)


def _compact(record: dict[str, Any]) -> dict[str, Any]:
    """HSDS leaves out what is unknown rather than sending empty strings or nulls."""
    return {key: value for key, value in record.items() if value not in ("", None, [])}


# --- one-to-one records ----------------------------------------------------------------------------------------


def organization(shelter: Shelter) -> dict[str, Any]:
    description = gettext("%(operator)s that runs the shelter %(name)s in %(state)s.") % {
        "operator": shelter.operator_type_label,
        "name": shelter.name,
        "state": shelter.state.name,
    }
    return _compact(
        {
            "id": kind_id(shelter.uuid, "organization"),
            "name": shelter.name,
            "description": description,
            "email": shelter.email,
            "website": shelter.website,
        }
    )


def service(shelter: Shelter) -> dict[str, Any]:
    """The service's own fields (what HSDS lists carry), with its organization's."""
    return _compact(
        {
            "id": str(shelter.uuid),
            "organization_id": kind_id(shelter.uuid, "organization"),
            "name": shelter.name,
            "description": _service_description(shelter),
            "url": shelter.website,
            "email": shelter.email,
            "status": STATUS.get(shelter.status, "inactive"),
            "eligibility_description": shelter.eligibility_notes,
            "assured_date": shelter.last_verified.isoformat() if shelter.last_verified else None,
            "last_modified": _timestamp(shelter.updated_at),
            "organization": organization(shelter),
        }
    )


def _service_description(shelter: Shelter) -> str:
    parts = [gettext("Shelter for people on the move in %(state)s.") % {"state": shelter.state.name}]
    services = [term.name for term in shelter.services.all()]
    if services:
        parts.append(gettext("Services: %(services)s.") % {"services": ", ".join(services)})
    populations = [term.name for term in shelter.populations.all()]
    if populations:
        parts.append(gettext("Serves: %(groups)s.") % {"groups": ", ".join(populations)})
    return " ".join(parts)


def location(shelter: Shelter) -> dict[str, Any]:
    published = _location(shelter)
    location_id = kind_id(shelter.uuid, "location")
    place = ", ".join(part for part in (published.municipality, shelter.state.name) if part)
    record: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": kind_id(shelter.uuid, "organization"),
        "name": shelter.name,
        "description": _withheld(place) if published.withheld else place,
        "latitude": float(published.latitude) if published.latitude is not None else None,
        "longitude": float(published.longitude) if published.longitude is not None else None,
        "external_identifier": shelter.slug,
        "external_identifier_type": "registry slug",
    }
    if published.address:
        postal = _POSTAL_CODE.search(published.address)
        record["addresses"] = [
            {
                "id": _nested_id(shelter, "address"),
                "location_id": location_id,
                "address_1": published.address,
                "city": published.municipality,
                "state_province": shelter.state.name,
                # Required by HSDS; empty where the address does not give one.
                "postal_code": (postal.group(1) or postal.group(2)) if postal else "",
                "country": "MX",
                "address_type": "physical",
            }
        ]
        if shelter.accessibility_notes:
            record["accessibility"] = [
                {
                    "id": _nested_id(shelter, "accessibility"),
                    "location_id": location_id,
                    "description": shelter.accessibility_notes,
                }
            ]
    return _compact(record)


def _withheld(place: str) -> str:
    return gettext("%(place)s (the exact location is not published)") % {"place": place}


def service_at_location(shelter: Shelter) -> dict[str, Any]:
    return {
        "id": kind_id(shelter.uuid, "service_at_location"),
        "service_id": str(shelter.uuid),
        "location_id": kind_id(shelter.uuid, "location"),
    }


# --- one-to-many records -------------------------------------------------------------------------------------


def phones(shelter: Shelter) -> list[dict[str, Any]]:
    return [
        {
            "id": _nested_id(shelter, f"phone:{number}"),
            "service_id": str(shelter.uuid),
            "number": number,
            "type": "voice",
        }
        for number in _split(shelter.phone, _PHONE_SEPARATORS)
    ]


def schedules(shelter: Shelter) -> list[dict[str, Any]]:
    """The opening hours as the shelter states them (the registry holds them as text)."""
    if not shelter.opening_hours.strip():
        return []
    return [
        {
            "id": _nested_id(shelter, "schedule:opening-hours"),
            "service_id": str(shelter.uuid),
            "description": shelter.opening_hours.strip(),
        }
    ]


def languages(shelter: Shelter) -> list[dict[str, Any]]:
    """The languages the staff speak, named in the language asked for, with their ISO 639-3 codes."""
    return [
        {
            "id": _nested_id(shelter, f"language:{language.code}"),
            "service_id": str(shelter.uuid),
            "name": language.name,
            "code": language.code,
        }
        for language in shelter.languages.all()
    ]


def capacities(shelter: Shelter) -> list[dict[str, Any]]:
    """The shelter's beds. The registry records how many beds a shelter has, not how many are free today; HSDS
    requires `available`, so it carries the beds the shelter has, and the description says so."""
    if shelter.capacity is None:
        return []
    return [
        {
            "id": _nested_id(shelter, "capacity:beds"),
            "service_id": str(shelter.uuid),
            "unit": {"id": str(uuid.uuid5(TAXONOMY_NAMESPACE, "unit:bed")), "name": gettext("bed")},
            "available": shelter.capacity,
            "maximum": shelter.capacity,
            "description": gettext("Beds the shelter has (its capacity), not beds free today: call ahead."),
            "updated": _timestamp(shelter.updated_at),
        }
    ]


def attributes(shelter: Shelter) -> list[dict[str, Any]]:
    """Services offered and population groups served, as terms of the registry's two taxonomies."""
    records = []
    for taxonomy, label, terms in (
        ("service", gettext("Services offered"), shelter.services.all()),
        ("population", gettext("Population groups served"), shelter.populations.all()),
    ):
        for term in terms:
            term_key = term_id(taxonomy, term.code)
            records.append(
                {
                    "id": _nested_id(shelter, f"attribute:{taxonomy}:{term.code}"),
                    "link_id": str(shelter.uuid),
                    "link_type": "service",
                    "link_entity": "service",
                    "taxonomy_term_id": term_key,
                    "taxonomy_term": {
                        "id": term_key,
                        "code": term.code,
                        "name": term.name,
                        "description": label,
                        "taxonomy": label,
                    },
                }
            )
    return records


# --- fully nested records -----------------------------------------------------------------------------------------


def full_service(shelter: Shelter) -> dict[str, Any]:
    record = service(shelter)
    record.update(
        phones=phones(shelter),
        schedules=schedules(shelter),
        languages=languages(shelter),
        capacities=capacities(shelter),
        attributes=attributes(shelter),
        service_at_locations=[{**service_at_location(shelter), "location": location(shelter)}],
    )
    return record


def full_organization(shelter: Shelter) -> dict[str, Any]:
    record = organization(shelter)
    record.update(
        locations=[location(shelter)],
        services=[{key: value for key, value in service(shelter).items() if key != "organization"}],
    )
    return record


def full_service_at_location(shelter: Shelter) -> dict[str, Any]:
    summary = {key: value for key, value in service(shelter).items() if key != "organization"}
    return {
        **service_at_location(shelter),
        "phones": phones(shelter),
        "schedules": schedules(shelter),
        "location": location(shelter),
        "service": summary,
    }
