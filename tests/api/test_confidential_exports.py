"""Kept exports and counts never cross from staff to the public (nor "open now" from one minute to the next)."""

from decimal import Decimal

import pytest

from registry.visibility import LocationVisibility
from tests.conftest import committed
from tests.factories import ShelterFactory

pytestmark = committed

ADDRESS = "Callejón Reservado 417"


@pytest.fixture
def hidden(db):
    return ShelterFactory(
        name="Refugio Confidencial",
        address=ADDRESS,
        latitude=Decimal("32.531987"),
        longitude=Decimal("-117.019753"),
        location_visibility=LocationVisibility.HIDDEN,
    )


@pytest.mark.parametrize("export", ["geojson", "csv"])
def test_a_staff_export_kept_in_the_cache_is_not_served_to_the_public(
    token_client, api_client, hidden, empty_cache, export
):
    url = f"/api/v1/shelters/?format={export}"
    staff = b"".join(token_client.get(url).streaming_content).decode()
    assert ADDRESS in staff
    public = api_client.get(url)
    assert ADDRESS not in b"".join(public.streaming_content).decode()
    assert api_client.get(url, HTTP_IF_NONE_MATCH=token_client.get(url)["ETag"]).status_code == 200
