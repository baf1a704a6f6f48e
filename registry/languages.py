"""ISO 639-3 language codes, checked against pycountry's copy of the standard."""

from __future__ import annotations

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_iso_639_3(code: str) -> None:
    # pycountry gives the code list (8,000 languages); its names are not used: "Haitian" for hat, and no Spanish
    # names for most route languages, so each Language record carries names staff wrote in both languages.
    if not code or pycountry.languages.get(alpha_3=code) is None or code != code.lower():
        raise ValidationError(
            _("%(code)s is not an ISO 639-3 language code (three lower-case letters, e.g. hat or quc)."),
            params={"code": code},
            code="invalid_language",
        )
