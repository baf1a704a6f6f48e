"""Years and dates as IOM's English and Spanish pages write them ("2015", "2015-03-01", "1 March 2015",
"March 1, 2015", "25 May, 2016", "25 de mayo de 2016"), and a news item's publication date where the page states
it. Nothing is guessed: a month without a day is a year, and a date the page does not state stays empty."""

from __future__ import annotations

import re
from datetime import date

from registry.importers.pages.base import ParseError, gettext_noop
from registry.importers.pages.text import fold

_MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), start=7)},
    **{m: i for i, m in enumerate(("ene", "feb", "mar", "abr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "ago", "sep", "oct", "nov", "dic"), start=7)},
    "set": 9,  # "setiembre", as some Central American offices spell it
}
YEAR_RANGE = (1950, 2100)

_MONTH = r"[A-Za-zÁÉÍÓÚáéíóú]{3,10}\.?"
_DAY_MONTH_YEAR = rf"(\d{{1,2}})(?:st|nd|rd|th|º|°)?\s+(?:de\s+)?({_MONTH}),?\s+(?:de\s+|del\s+)?(\d{{4}})"
_MONTH_DAY_YEAR = rf"({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})"
_ISO = r"(\d{4})-(\d{1,2})-(\d{1,2})"
_DATE_TEXT = rf"(?:{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR}|{_ISO})"


def parse_year(value: str, line: int, label: str) -> int:
    if not re.fullmatch(r"\d{4}", value):
        raise ParseError(gettext_noop("%(label)s “%(value)s” is not a year"), line, label=label, value=value)
    year = int(value)
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ParseError(gettext_noop("%(label)s “%(value)s” is not a plausible year"), line, label=label, value=value)
    return year


def _month(word: str) -> int | None:
    return _MONTHS.get(fold(word)[:3])


def _day(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) if `text` is exactly one day in a form the pages use; None otherwise."""
    if m := re.fullmatch(_ISO, text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):  # day first, as both sites write it
        return int(m[3]), int(m[2]), int(m[1])
    if (m := re.fullmatch(_DAY_MONTH_YEAR, text, re.IGNORECASE)) and _month(m[2]):
        return int(m[3]), _month(m[2]) or 0, int(m[1])
    if (m := re.fullmatch(_MONTH_DAY_YEAR, text, re.IGNORECASE)) and _month(m[1]):
        return int(m[3]), _month(m[1]) or 0, int(m[2])
    return None


def date_or_year(value: str, line: int, label: str) -> tuple[int, date | None]:
    """A year ("2015") or a day; "March 2015" and "marzo de 2015" are a year, never the 1st of the month."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return parse_year(text, line, label), None
    parts = _day(text)
    if parts is None:
        if (m := re.fullmatch(rf"({_MONTH}),?\s+(?:de\s+)?(\d{{4}})", text, re.IGNORECASE)) and _month(m[1]):
            return parse_year(m[2], line, label), None
        raise ParseError(
            gettext_noop("%(label)s “%(value)s” is neither a year nor a date"), line, label=label, value=value
        )
    parse_year(str(parts[0]), line, label)
    try:
        return parts[0], date(*parts)
    except ValueError as exc:
        raise ParseError(
            gettext_noop("%(label)s “%(value)s” is not a valid date"), line, label=label, value=value
        ) from exc


def date_line(text: str) -> date | None:
    """The day a line consists of ("25 May, 2016", "Date Publish: 25 de mayo de 2016"), or None."""
    text = re.sub(
        r"^(?:date publish(?:ed)?|published(?: on)?|publication date|fecha(?: de publicaci[oó]n)?|publicado(?: el)?)"
        r"\s*:?\s*",
        "",
        text.strip(),
        flags=re.IGNORECASE,
    ).rstrip(" .")
    parts = _day(text)
    if parts is None or not YEAR_RANGE[0] <= parts[0] <= YEAR_RANGE[1]:
        return None
    try:
        return date(*parts)
    except ValueError:
        return None


# A dateline opening the first paragraph: "Costa Rica, San José, December 19, 2023. - The ...",
# "Monterrey (México), 12 de mayo de 2021.- El ...". Only the opening counts: a date later in the text is
# what the article talks about, not when it was published.
_DATELINE = re.compile(rf"^[^.!?]{{0,80}}?[,(]\s*{_DATE_TEXT}\s*\)?\s*\.?\s*[-–—]", re.IGNORECASE)


def dateline(paragraph: str) -> date | None:
    m = _DATELINE.match(paragraph)
    if not m:
        return None
    groups = list(m.groups())
    if groups[0]:
        found = date_line(f"{groups[0]} {groups[1]} {groups[2]}")
    elif groups[3]:
        found = date_line(f"{groups[3]} {groups[4]}, {groups[5]}")
    else:
        found = date_line(f"{groups[6]}-{groups[7]}-{groups[8]}")
    return found
