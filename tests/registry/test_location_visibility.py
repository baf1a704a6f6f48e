"""Shelter.objects.public(): unpublished location fields leave blanked, whatever shape the rows take."""

from decimal import Decimal

import pytest

from registry.models import Shelter
from registry.visibility import LocationVisibility, mask_row, published_fields
from tests.factories import ShelterFactory, UserFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Calle Secreta 12"
LAT, LON = Decimal("14.906123"), Decimal("-92.263456")


@pytest.fixture
def shelters():
    common = {"address": ADDRESS, "latitude": LAT, "longitude": LON, "municipality": "Tapachula"}
    return {
        visibility: ShelterFactory(name=f"Albergue {visibility}", location_visibility=visibility, **common)
        for visibility in LocationVisibility.values
    }


def test_published_fields_per_visibility():
    assert published_fields("exact") == {"municipality", "address", "latitude", "longitude"}
    assert published_fields("municipality") == {"municipality"}
    assert published_fields("hidden") == frozenset()
    assert published_fields("something else") == frozenset()  # unknown values publish nothing


def test_public_instances_blank_what_is_not_published(shelters):
    found = {s.location_visibility: s for s in Shelter.objects.public()}
    assert (found["exact"].address, found["exact"].latitude) == (ADDRESS, LAT)
    assert (found["municipality"].municipality, found["municipality"].address) == ("Tapachula", "")
    assert found["municipality"].latitude is None and found["municipality"].longitude is None
    assert (found["hidden"].municipality, found["hidden"].address, found["hidden"].latitude) == ("", "", None)
    assert not found["hidden"].has_coordinates


def test_public_values_and_values_list_are_masked(shelters):
    rows = {r["name"]: r for r in Shelter.objects.public().values("name", "address", "latitude")}
    assert "location_visibility" not in rows["Albergue hidden"]  # fetched to decide, then dropped
    assert rows["Albergue hidden"]["address"] == "" and rows["Albergue hidden"]["latitude"] is None
    assert rows["Albergue exact"]["latitude"] == LAT
    flat = set(Shelter.objects.public().values_list("address", flat=True))
    assert flat == {ADDRESS, ""}
    tuples = set(Shelter.objects.public().values_list("name", "longitude"))
    assert ("Albergue municipality", None) in tuples and ("Albergue exact", LON) in tuples
    named = {r.name: r for r in Shelter.objects.public().values_list("name", "municipality", named=True)}
    assert named["Albergue hidden"].municipality == "" and named["Albergue municipality"].municipality == "Tapachula"
    chunked = list(Shelter.objects.public().filter(location_visibility="hidden").iterator(chunk_size=1))
    assert chunked[0].address == ""


def test_masking_survives_chaining_and_the_unmasked_queryset_is_untouched(shelters):
    public = Shelter.objects.public().filter(municipality="Tapachula").order_by("name").select_related("state")
    assert public.is_public and all(s.address in ("", ADDRESS) for s in public)
    assert [s.address for s in public] == [ADDRESS, "", ""]  # exact, hidden, municipality
    assert {s.address for s in Shelter.objects.all()} == {ADDRESS}


def test_a_masked_shelter_refuses_to_be_saved(shelters):
    hidden = Shelter.objects.public().get(location_visibility="hidden")
    with pytest.raises(ValueError):
        hidden.save()
    assert Shelter.objects.get(pk=hidden.pk).address == ADDRESS


def test_for_viewer_keeps_everything_for_staff_only(shelters):
    staff = UserFactory(is_staff=True)
    visitor = UserFactory(is_staff=False)
    assert not Shelter.objects.for_viewer(staff).is_public
    assert Shelter.objects.for_viewer(visitor).is_public
    hidden = shelters["hidden"]
    assert Shelter.objects.for_viewer(staff).get(pk=hidden.pk).address == ADDRESS


def test_public_location_and_mask_row(shelters):
    location = shelters["municipality"].public_location
    assert (location.municipality, location.address, location.has_point) == ("Tapachula", "", False)
    assert shelters["exact"].public_location.has_point
    row = {"shelter__location_visibility": "hidden", "shelter__municipality": "Tapachula", "name": "x"}
    assert mask_row(row, prefix="shelter__")["shelter__municipality"] == ""
    assert mask_row({"address": ADDRESS})["address"] == ""  # no visibility in the row: treated as hidden
