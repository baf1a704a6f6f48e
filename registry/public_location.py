"""What a shelter publishes about where it is: the one decision every export and the HSDS API ask.

A confidential shelter's location never leaves the admin: only a shelter whose location visibility is "exact"
publishes its street address and coordinates; one shown "by municipality" publishes its municipality and state;
a hidden one, its state alone. Coordinates outside Mexico (a swapped latitude and longitude, a missing minus sign)
are a mistake in the record, not a place, and are not published either.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# Mexico's extent in WGS 84, islands included (Guadalupe in the Pacific, Cozumel in the Caribbean, the Suchiate
# river in the south, the Tijuana border in the north), with a few hundred metres to spare.
MEXICO_LATITUDE = (Decimal("14.50"), Decimal("32.75"))
MEXICO_LONGITUDE = (Decimal("-118.45"), Decimal("-86.70"))

# The values of Shelter.location_visibility (and what a shelter without that field is taken to have).
EXACT, MUNICIPALITY, HIDDEN = "exact", "municipality", "hidden"


@dataclass(frozen=True)
class PublicLocation:
    address: str
    municipality: str
    latitude: Decimal | None
    longitude: Decimal | None
    withheld: bool = False  # the shelter's visibility keeps part of its location back

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def within_mexico(latitude: Decimal | None, longitude: Decimal | None) -> bool:
    if latitude is None or longitude is None:
        return False
    latitude, longitude = Decimal(latitude), Decimal(longitude)
    return (
        MEXICO_LATITUDE[0] <= latitude <= MEXICO_LATITUDE[1] and MEXICO_LONGITUDE[0] <= longitude <= MEXICO_LONGITUDE[1]
    )


def public_location(
    *,
    address: str,
    municipality: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    visibility: str | None = EXACT,
) -> PublicLocation:
    """The location a shelter publishes, from its stored location and its location visibility."""
    if visibility in (EXACT, None):
        point = within_mexico(latitude, longitude)
        return PublicLocation(
            address=address,
            municipality=municipality,
            latitude=latitude if point else None,
            longitude=longitude if point else None,
        )
    if visibility == MUNICIPALITY:
        return PublicLocation(address="", municipality=municipality, latitude=None, longitude=None, withheld=True)
    # Hidden, or a value this code does not know: publish the least.
    return PublicLocation(address="", municipality="", latitude=None, longitude=None, withheld=True)


def _visibility_field() -> str | None:
    from registry.models import Shelter  # here, so the rules above stay importable without Django's app registry

    names = {field.name for field in Shelter._meta.get_fields()}
    return "location_visibility" if "location_visibility" in names else None


def location_fields() -> list[str]:
    """The Shelter fields public_location() needs, for values() queries."""
    extra = _visibility_field()
    return ["address", "municipality", "latitude", "longitude", *([extra] if extra else [])]


def shelter_public_location(shelter: object, prefix: str = "") -> PublicLocation:
    """public_location() of a Shelter, or of a values() row holding location_fields() (each name after `prefix`,
    e.g. "shelter__" in a row of agreements; fields a row lacks count as empty)."""
    if isinstance(shelter, dict):

        def value(name: str, default: object = None) -> object:
            return shelter.get(prefix + name, default)

    else:

        def value(name: str, default: object = None) -> object:
            return getattr(shelter, name, default)

    return public_location(
        address=value("address") or "",
        municipality=value("municipality") or "",
        latitude=value("latitude"),
        longitude=value("longitude"),
        visibility=value("location_visibility", EXACT),
    )
