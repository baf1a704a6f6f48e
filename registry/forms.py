"""Small public forms that are not filters."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

# Kilometres a near-me search looks around the visitor.
NEAR_RADII_KM = (50, 100, 250, 500, 1000)
DEFAULT_NEAR_RADIUS_KM = 250
# Two decimals of a degree are about 1 km: enough to sort shelters, too coarse to find a person's door.
NEAR_DECIMALS = 2


@dataclass(frozen=True)
class NearPosition:
    latitude: float
    longitude: float
    radius_km: int


class NearForm(forms.Form):
    """The visitor's position for "near me", posted by the browser after the visitor asked for it."""

    lat = forms.FloatField(min_value=-90, max_value=90, label=_("Latitude"))
    lon = forms.FloatField(min_value=-180, max_value=180, label=_("Longitude"))
    radius = forms.TypedChoiceField(
        choices=[(r, _("%(km)s km") % {"km": r}) for r in NEAR_RADII_KM],
        coerce=int,
        required=False,
        empty_value=DEFAULT_NEAR_RADIUS_KM,
        label=_("Within"),
    )

    def position(self) -> NearPosition:
        data = self.cleaned_data
        radius = data["radius"] or DEFAULT_NEAR_RADIUS_KM
        return NearPosition(round(data["lat"], NEAR_DECIMALS), round(data["lon"], NEAR_DECIMALS), radius)
