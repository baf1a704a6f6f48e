"""Validation rules that belong to the data, whoever writes it: the admin, the API and imports.

Model field validators are run by the admin's forms and by imports (`full_clean`), and DRF's model serializers copy
them onto their fields, so a rule given to the model fields reaches all three writers.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from django.apps import AppConfig
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Line breaks and tabs have a meaning in long texts (notes, descriptions); in a name or an identifier they don't.
MULTILINE_ALLOWED = frozenset("\t\n\r")


def _refuse(value: Any, allowed: frozenset[str]) -> None:
    if not isinstance(value, str):
        return
    for position, character in enumerate(value, start=1):
        if unicodedata.category(character) == "Cc" and character not in allowed:
            raise ValidationError(
                _(
                    "This text contains an invisible control character (U+%(code)04X) at character %(position)d, "
                    "which would break exports and other systems; remove it."
                ),
                code="control_character",
                params={"code": ord(character), "position": position},
            )


def refuse_control_characters(value: Any) -> None:
    """For one-line texts and identifiers: no control character at all, tabs and line breaks included."""
    _refuse(value, frozenset())


def refuse_control_characters_multiline(value: Any) -> None:
    """For long texts: no control character except tabs and line breaks."""
    _refuse(value, MULTILINE_ALLOWED)


def guard_text_fields(app_config: AppConfig) -> None:
    """Give every text field of the app's models (their history's and translations' included) the control-character
    rule, so no field can be added without it."""
    for model in app_config.get_models():
        for field in model._meta.local_fields:
            if isinstance(field, models.TextField):
                rule = refuse_control_characters_multiline
            elif isinstance(field, models.CharField):  # slugs, e-mail addresses and URLs are CharFields too
                rule = refuse_control_characters
            else:
                continue
            # `_validators` is what migrations record; `validators` (cached at the field's creation, with its
            # max_length check) is what forms, serializers and full_clean run. History copies share both lists.
            if rule not in field._validators:
                field._validators.append(rule)
            if rule not in field.validators:
                field.validators.append(rule)


# Mexico's extent, its islands included (Guadalupe in the Pacific, the Alacranes reef in the Gulf).
MEXICO_BOUNDS = (Decimal("14.4"), Decimal("32.8"), Decimal("-118.5"), Decimal("-86.6"))


def coordinate_errors(*, state: Any, latitude: Decimal | None, longitude: Decimal | None) -> dict[str, ValidationError]:
    """Errors (by field) for a point outside Mexico or outside its state's bounding box; none when unknown."""
    if latitude is None or longitude is None:
        return {}
    latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
    south, north, west, east = MEXICO_BOUNDS
    point = {"latitude": latitude, "longitude": longitude}
    if not (south <= latitude <= north and west <= longitude <= east):
        message = _(
            "The point %(latitude)s, %(longitude)s is outside Mexico. Latitude comes first (about 14 to 33 in Mexico) "
            "and longitude is negative (about -118 to -86)."
        )
        return {"latitude": ValidationError(message, code="outside_mexico", params=point)}
    bounds = getattr(state, "bounds", None)
    if bounds is None:
        return {}
    south, north, west, east = bounds
    if south <= latitude <= north and west <= longitude <= east:
        return {}
    message = _(
        "The point %(latitude)s, %(longitude)s is outside %(state)s (latitude %(south)s to %(north)s, longitude "
        "%(west)s to %(east)s). Check the coordinates, or the state."
    )
    params = {**point, "state": state, "south": south, "north": north, "west": west, "east": east}
    return {"latitude": ValidationError(message, code="outside_state", params=params)}
