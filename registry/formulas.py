"""Spreadsheet formula injection in CSV and XLSX files, neutralised as OWASP's "CSV Injection" page describes.

Excel, LibreOffice and Google Sheets run a text cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage
return as a formula (`=HYPERLINK(...)`, `@SUM(...)`, `+cmd|...`). Such a cell is written with a leading apostrophe,
which spreadsheets read as "this is text". Numbers are not text: a number value, or text that is only a number
("-95.101"), is written as it is, so coordinates and counts stay numbers. Imports take the apostrophe off again,
so an exported file imports back unchanged (a value that itself began with apostrophes before such a character
gets one more on export, so the round trip is exact).
"""

from __future__ import annotations

import re
from typing import Any

# The characters OWASP lists (tab and carriage return included), after any apostrophes already there.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_NEUTRALISED = re.compile(r"'+[=+\-@\t\r]")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet must receive it: dangerous text gets a leading apostrophe; anything else as is."""
    if isinstance(value, str) and _FORMULA_START.match(value) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def restore(value: Any) -> Any:
    """The inverse of neutralise(), for values read back from an exported file."""
    if isinstance(value, str) and _NEUTRALISED.match(value):
        return value[1:]
    return value


class NeutralisedSpreadsheetMixin:
    """For django-import-export resources: cells neutralised on export (CSV and XLSX alike), restored on import.

    The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading "=" and turns every cell,
    numbers included, into text; this covers OWASP's whole list and keeps numbers numeric.
    """

    def export_resource(self, instance: Any, selected_fields: Any = None, **kwargs: Any) -> list[Any]:
        row = super().export_resource(instance, selected_fields, **kwargs)  # type: ignore[misc]
        return [neutralise(value) for value in row]

    def before_import_row(self, row: dict[str, Any], **kwargs: Any) -> None:
        for column, value in row.items():
            row[column] = restore(value)
        super().before_import_row(row, **kwargs)  # type: ignore[misc]
