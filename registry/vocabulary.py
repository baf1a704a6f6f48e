"""Reading vocabulary words written by people (page labels, partner files) into the stored codes.

Controlled vocabularies are stored as codes (`TextChoices`, ISO 3166-1 for countries); their names are shown in
the visitor's language. Importers meet the names, in either language: these helpers turn them back into codes.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models
from django.utils.translation import override
from django_countries import countries


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "Salud  y Migración" -> "salud y migracion"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).replace("labor ", "labour ").split())


def choice_from_text(choices: type[models.TextChoices], text: str) -> str | None:
    """The code of `choices` whose code, English or Spanish name is `text` (any case or accents), else None."""
    wanted = fold(text)
    if not wanted:
        return None
    for code, _label in choices.choices:
        if fold(code) == wanted:
            return code
    for language, _name in settings.LANGUAGES:
        with override(language):
            for code, label in choices.choices:
                if fold(str(label)) == wanted:
                    return code
    return None


def country_codes_from_text(text: str) -> tuple[list[str], list[str]]:
    """ISO 3166-1 alpha-2 codes for a comma-separated list of country names or codes, in English or Spanish, and
    the names that matched no country: "Mexico, Guatemala" -> (["MX", "GT"], [])."""
    codes: list[str] = []
    unknown: list[str] = []
    for name in filter(None, (part.strip() for part in text.split(","))):
        code = name.upper() if len(name) == 2 and name.upper() in countries else ""
        code = code or countries.by_name(name) or countries.by_name(name, language="es")
        if code:
            codes.append(code)
        else:
            unknown.append(name)
    return codes, unknown
