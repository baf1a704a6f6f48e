"""Places a page names: Mexico's 32 federal entities (linked only when the text names them) and the countries of a
project's benefiting member states (split against pycountry's ISO 3166-1 list, with the UN short names IOM uses)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

import pycountry

from registry.importers.pages.text import fold


class StateName(NamedTuple):
    iso_code: str
    name: str
    aliases: tuple[str, ...] = ()


# The registry's names (migration registry/0002) plus the other names the English and Spanish press use. A bare
# "Mexico" names the country, never the State of Mexico, so it is deliberately not an alias of MX-MEX.
MEXICAN_STATES: tuple[StateName, ...] = (
    StateName("MX-AGU", "Aguascalientes"),
    StateName("MX-BCN", "Baja California"),
    StateName("MX-BCS", "Baja California Sur"),
    StateName("MX-CAM", "Campeche"),
    StateName("MX-COA", "Coahuila", ("Coahuila de Zaragoza",)),
    StateName("MX-COL", "Colima"),
    StateName("MX-CHP", "Chiapas"),
    StateName("MX-CHH", "Chihuahua"),
    StateName("MX-CMX", "Ciudad de México", ("Mexico City", "CDMX", "Distrito Federal", "México D.F.")),
    StateName("MX-DUR", "Durango"),
    StateName("MX-GUA", "Guanajuato"),
    StateName("MX-GRO", "Guerrero"),
    StateName("MX-HID", "Hidalgo"),
    StateName("MX-JAL", "Jalisco"),
    StateName("MX-MEX", "Estado de México", ("State of Mexico", "Mexico State", "Edomex")),
    StateName("MX-MIC", "Michoacán", ("Michoacán de Ocampo",)),
    StateName("MX-MOR", "Morelos"),
    StateName("MX-NAY", "Nayarit"),
    StateName("MX-NLE", "Nuevo León"),
    StateName("MX-OAX", "Oaxaca"),
    StateName("MX-PUE", "Puebla"),
    StateName("MX-QUE", "Querétaro", ("Querétaro de Arteaga",)),
    StateName("MX-ROO", "Quintana Roo"),
    StateName("MX-SLP", "San Luis Potosí"),
    StateName("MX-SIN", "Sinaloa"),
    StateName("MX-SON", "Sonora"),
    StateName("MX-TAB", "Tabasco"),
    StateName("MX-TAM", "Tamaulipas"),
    StateName("MX-TLA", "Tlaxcala"),
    StateName("MX-VER", "Veracruz", ("Veracruz de Ignacio de la Llave",)),
    StateName("MX-YUC", "Yucatán"),
    StateName("MX-ZAC", "Zacatecas"),
)

# Where a state's name is only part of another name: a city ("Ciudad Hidalgo" is in Chiapas, "Hidalgo del
# Parral" in Chihuahua), a borough or a person ("Miguel Hidalgo", "José María Morelos"), and "the northern Mexico
# state of Chihuahua", where "Mexico state" is followed by the state it introduces.
_NOT_A_STATE_BEFORE = re.compile(r"(?:\bciudad|\bcd\.|\bmiguel|\bjose maria|\bavenida|\bav\.|\bcalle|\bcolonia)\s+$")
_NOT_A_STATE_AFTER = {"MX-HID": re.compile(r"^\s+del\s+parral\b"), "MX-MEX": re.compile(r"^\s+of\b")}


@cache
def _state_pattern(states: tuple[StateName, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    by_name: dict[str, str] = {}
    for state in states:
        for name in (state.name, *state.aliases):
            by_name[fold(name)] = state.iso_code
    names = sorted(by_name, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])"), by_name


def find_states(text: str, states: Sequence[StateName] = MEXICAN_STATES) -> list[str]:
    """ISO codes of the states named in `text`, in order of first mention, matched without regard to accents or
    case. Longer names win ("Baja California Sur" is not also "Baja California"); a state's name inside a city's,
    a borough's or a person's name is not the state."""
    pattern, by_name = _state_pattern(tuple(states))
    folded = fold(text)
    found: list[str] = []
    for match in pattern.finditer(folded):
        iso = by_name[match.group(1)]
        if _NOT_A_STATE_BEFORE.search(folded[max(0, match.start() - 12) : match.start()]):
            continue
        after = _NOT_A_STATE_AFTER.get(iso)
        if after and match.group(1) != "estado de mexico" and after.match(folded[match.end() :]):
            continue
        if iso not in found:
            found.append(iso)
    return found


# --- countries ---------------------------------------------------------------------------------------------------

# UN short names IOM's pages use that pycountry spells another way (pycountry follows ISO 3166; the UN
# terminology bulletin writes "Türkiye", "Netherlands (Kingdom of the)", ...).
_UN_NAMES = {
    "Türkiye": "TR",
    "Turkey": "TR",
    "Netherlands (Kingdom of the)": "NL",
    "United States": "US",
    "USA": "US",
    "United Kingdom": "GB",
    "Republic of Korea": "KR",
    "Democratic People's Republic of Korea": "KP",
    "Democratic Republic of the Congo": "CD",
    "Congo": "CG",
    "Côte d'Ivoire": "CI",
    "Czech Republic": "CZ",
    "Cabo Verde": "CV",
    "Cape Verde": "CV",
    "Swaziland": "SZ",
    "Eswatini": "SZ",
    "State of Palestine": "PS",
    "Micronesia (Federated States of)": "FM",
    "Iran (Islamic Republic of)": "IR",
    "Saint Kitts and Nevis": "KN",
    "Saint Vincent and the Grenadines": "VC",
    "Lao People's Democratic Republic": "LA",
    "Bahamas": "BS",
    "Gambia": "GM",
}
_LIST_WORDS = frozenset({"and", "y", "&", "e"})


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[,;]", " ", fold(name))).strip()


@cache
def country_names() -> dict[str, str]:
    """Every spelling of every country (folded, commas dropped) mapped to its ISO 3166-1 alpha-2 code."""
    names: dict[str, str] = {}
    for country in pycountry.countries:
        spellings = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
        if ", " in country.name:  # "Bolivia, Plurinational State of": the UN writes "Bolivia (Plurinational State of)"
            head, tail = country.name.split(", ", 1)
            spellings += [f"{head} ({tail})", f"{tail} {head}"]
        for spelling in spellings:
            if spelling:
                names.setdefault(_key(spelling), country.alpha_2)
    for spelling, code in _UN_NAMES.items():
        names[_key(spelling)] = code
    return names


class UnknownCountry(ValueError):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def split_countries(text: str) -> list[str]:
    """ISO codes of the countries in `text`, however they are separated (spaces only, commas, "and", lines):
    the longest country name that starts at each word wins ("Dominican Republic" over "Dominica"). Raises
    UnknownCountry with the words that name no country."""
    names = country_names()
    longest = max(len(name.split()) for name in names)
    words = _key(text).split()
    codes: list[str] = []
    start = 0
    while start < len(words):
        for end in range(min(len(words), start + longest), start, -1):
            code = names.get(" ".join(words[start:end]))
            if code:
                break
        else:
            if words[start] in _LIST_WORDS:
                start += 1
                continue
            # Report the unknown run up to the next word that starts a country, so the message shows the name.
            end = start + 1
            while end < len(words) and not any(
                " ".join(words[end:stop]) in names for stop in range(end + 1, min(len(words), end + longest) + 1)
            ):
                end += 1
            raise UnknownCountry(" ".join(words[start:end]))
        if code not in codes:
            codes.append(code)
        start = end
    return codes


def country_code(line: str) -> str | None:
    """The ISO code if `line` is exactly one country's name, else None."""
    return country_names().get(_key(line))
