"""Small public forms that are not filters: "near me", and the correction form with its bot trap and rate limit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import SimpleRateThrottle

from registry.models import CorrectionReport
from registry.rest.throttling import WindowCountThrottleMixin

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


#: The bot trap: a field people never see (hidden by CSS, skipped by keyboard and screen readers); bots fill it.
HONEYPOT = "website"


class CorrectionReportForm(forms.ModelForm):
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = CorrectionReport
        fields = ["message", "contact"]
        labels = {"message": _("What is wrong or out of date?"), "contact": _("Your e-mail or phone (optional)")}
        help_texts = {
            "message": _("For example: the phone number changed, the shelter moved, it no longer takes families."),
            "contact": _("Only if you want staff to be able to ask you about it. It is never published."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5, "maxlength": 2000})}

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if len(message) < 10:
            raise forms.ValidationError(_("Tell us a little more: at least 10 characters."))
        return message

    @property
    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get(HONEYPOT))


class CorrectionThrottle(WindowCountThrottleMixin, SimpleRateThrottle):
    """Reports per client address (behind NUM_PROXIES proxies, the client's own): CORRECTION_REPORT_RATE."""

    scope = "corrections"

    def get_rate(self) -> str:
        return settings.CORRECTION_REPORT_RATE

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def allowed(request: HttpRequest) -> bool:
    return CorrectionThrottle().allow_request(request, None)
