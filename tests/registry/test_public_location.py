"""The one decision of what location a shelter publishes (registry.public_location)."""

from decimal import Decimal

import pytest

from registry.public_location import EXACT, HIDDEN, MUNICIPALITY, public_location, within_mexico

STORED = {
    "address": "Calle 5 de Mayo 12",
    "municipality": "Tapachula",
    "latitude": Decimal("14.905000"),
    "longitude": Decimal("-92.263000"),
}


def test_an_exact_location_is_published_whole():
    location = public_location(**STORED, visibility=EXACT)

    assert (location.address, location.municipality) == ("Calle 5 de Mayo 12", "Tapachula")
    assert location.has_point and location.latitude == Decimal("14.905000")


def test_by_municipality_publishes_no_address_nor_point():
    location = public_location(**STORED, visibility=MUNICIPALITY)

    assert (location.address, location.municipality, location.latitude, location.longitude) == (
        "",
        "Tapachula",
        None,
        None,
    )


@pytest.mark.parametrize("visibility", [HIDDEN, "something-new"])
def test_hidden_or_unknown_publishes_nothing_below_the_state(visibility):
    location = public_location(**STORED, visibility=visibility)

    assert (location.address, location.municipality, location.has_point) == ("", "", False)


@pytest.mark.parametrize(
    ("latitude", "longitude", "inside"),
    [
        ("32.7", "-117.1", True),  # Tijuana
        ("14.53", "-92.2", True),  # Suchiate, the southern tip
        ("29.05", "-118.3", True),  # Guadalupe island
        ("20.4", "-86.8", True),  # Cozumel
        ("33.5", "-117.1", False),  # California
        ("13.7", "-89.2", False),  # El Salvador
        ("-14.9", "-92.2", False),
        (None, "-92.2", False),
    ],
)
def test_within_mexico(latitude, longitude, inside):
    assert within_mexico(latitude and Decimal(latitude), Decimal(longitude)) is inside
