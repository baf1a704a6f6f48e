"""The API's JSON renderer (orjson) writes what DRF's stdlib renderer wrote, byte for byte."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.renderers import JSONRenderer as StdlibJSONRenderer

from registry.rest.json import JSONRenderer

DATA = {
    "count": 2,
    "next": None,
    "results": [
        {
            "name": "Albergue Belén, Tapachula — «ñ»",
            "budget_usd": Decimal("1500.50"),
            "updated_at": datetime(2025, 6, 30, 12, 0, 1, 250000, tzinfo=UTC),
            "signed_on": date(2024, 2, 29),
            "offset": datetime(2025, 1, 1, 8, 30, tzinfo=timezone(timedelta(hours=-6))),
            "latitude": 14.905123,
            "label": gettext_lazy("Border region"),
            "services": ["lodging", "food"],
            "active": True,
        },
        {"by_phase": {1: 3, 2: 0}},
    ],
}


def test_renders_exactly_what_the_stdlib_renderer_renders():
    assert JSONRenderer().render(DATA) == StdlibJSONRenderer().render(DATA)


def test_nothing_renders_as_an_empty_body():
    assert JSONRenderer().render(None) == b""


@pytest.mark.django_db
def test_the_api_answers_through_it(api_client):
    response = api_client.get("/api/v1/states/")
    assert isinstance(response.accepted_renderer, JSONRenderer)
