"""Project pages in the three layouts IOM's sites use (see VARIATIONS.md beside this module):

- labelled blocks: "-", the label, the value (iom.int, saved with the site header);
- bullets: "• Label" with the value indented on the next line (iom.int, saved without header or navigation);
- the IOM Development Fund's pages: the values without labels, in a fixed order after the title.

Only the Projects ID is required: older projects have no Prima ID, and the Fund's pages give no dates. A label
with no value is not given; a page whose labels all lack values is refused. Labels the parser does not know are
kept as `UnknownLabel`s, never dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from registry.importers.pages.base import PageKind, ParseError, ParseWarning, UnknownLabel, gettext_noop
from registry.importers.pages.dates import date_or_year, parse_year
from registry.importers.pages.places import UnknownCountry, country_code, split_countries
from registry.importers.pages.text import (
    SENTENCE_END,
    fold,
    is_chrome_line,
    is_debris,
    is_footer,
    is_menu_item,
    paragraphs,
)


class Label(StrEnum):
    START_DATE = "Start Date"
    END_DATE = "End Date"
    PROJECT_STATUS = "Project Status"
    PROJECT_TYPE = "Project Type"
    BUDGET = "Budget Amount (USD)"
    COVERAGE = "Coverage"
    YEAR = "Year"
    IDF_REGION = "IDF Region"
    PRIMA_ID = "Prima ID"
    PROJECTS_ID = "Projects ID"
    BENEFITING_MEMBER_STATES = "Benefiting Member States"


LABELS = {fold(label.value): label for label in Label}

# The site's wording, mapped onto the registry's project statuses.
PROJECT_STATUSES = {
    "completed": "completed",
    "complete": "completed",
    "closed": "completed",
    "finished": "completed",
    "active": "active",
    "ongoing": "active",
    "in progress": "active",
    "under implementation": "active",
    "pipeline": "pipeline",
    "planned": "pipeline",
    "suspended": "suspended",
    "on hold": "suspended",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
# The IOM Development Fund's regions: the first value after the title on its project pages.
IDF_REGIONS = frozenset(
    fold(region)
    for region in (
        "Latin America and the Caribbean",
        "Central and North America and the Caribbean",
        "South America",
        "Asia and the Pacific",
        "East and Horn of Africa",
        "Southern Africa",
        "West and Central Africa",
        "Middle East and North Africa",
        "South-Eastern Europe, Eastern Europe and Central Asia",
        "European Economic Area",
        "Global",
    )
)

_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/_]{1,19}$")
_AMOUNT = re.compile(r"^(?:US\$|USD|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s*(?:USD)?$", re.IGNORECASE)
_OBJECTIVE = re.compile(r"^\s*(\d{1,2})\s*[).]\s+(\S.*)$")
_BULLET = re.compile(r"^\s*[•·▪●*]\s*(.*)$")


@dataclass
class ProjectPage:
    title: str
    projects_id: str
    prima_id: str = ""
    start_year: int | None = None
    end_year: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None
    project_type: str = ""
    budget_usd: Decimal | None = None
    coverage: str = ""
    year: int | None = None
    idf_region: str = ""
    member_states: list[str] = field(default_factory=list)  # ISO 3166-1 alpha-2 codes
    description: str = ""
    objectives: list[str] = field(default_factory=list)
    unknown_labels: list[UnknownLabel] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    title_line: int = 1
    layout: str = "labels"  # "labels", "bullets" or "fund"

    kind = PageKind.PROJECT

    @property
    def key(self) -> str:
        return self.projects_id


# --- values --------------------------------------------------------------------------------------------------


def _amount(value: str, line: int, label: str) -> Decimal:
    m = _AMOUNT.fullmatch(value.strip())
    if not m:
        raise ParseError(
            gettext_noop("%(label)s “%(value)s” is not an amount (expected digits such as 100000.00)"),
            line,
            label=label,
            value=value,
        )
    return Decimal(m[1].replace(",", "") + (m[2] or "")).quantize(Decimal("0.01"))


def _text(value: str, line: int, label: str) -> str:
    if len(value) > 255:
        raise ParseError(gettext_noop("%(label)s is longer than 255 characters"), line, label=label)
    return value


def _identifier(value: str, line: int, label: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise ParseError(
            gettext_noop("%(label)s “%(value)s” is not an identifier (letters, digits, “.”, “-”, at most 20)"),
            line,
            label=label,
            value=value,
        )
    return value


def _status(value: str, line: int, label: str) -> str:
    status = PROJECT_STATUSES.get(fold(value))
    if status is None:
        raise ParseError(
            gettext_noop("%(label)s “%(value)s” is not one of: %(choices)s"),
            line,
            label=label,
            value=value,
            choices=", ".join(sorted(PROJECT_STATUSES)),
        )
    return status


def _countries(value: str, line: int, label: str) -> list[str]:
    try:
        return split_countries(value)
    except UnknownCountry as exc:
        raise ParseError(
            gettext_noop("%(label)s: “%(name)s” is not a country name"), line, label=label, name=exc.text
        ) from exc


_LABEL_VALUES: dict[Label, Callable[[str, int, str], Any]] = {
    Label.START_DATE: date_or_year,
    Label.END_DATE: date_or_year,
    Label.PROJECT_STATUS: _status,
    Label.BUDGET: _amount,
    Label.YEAR: parse_year,
    Label.PRIMA_ID: _identifier,
    Label.PROJECTS_ID: _identifier,
    Label.BENEFITING_MEMBER_STATES: _countries,
}


# --- layout detection ------------------------------------------------------------------------------------------


def _bullet_label(line: str) -> str | None:
    m = _BULLET.match(line)
    return m[1].strip() if m else None


def labelled_block_start(lines: list[str]) -> int | None:
    """Index of the first "-" line followed by a known label (the labelled-blocks layout)."""
    for i in range(len(lines) - 1):
        if lines[i].strip() == "-" and fold(lines[i + 1].strip()) in LABELS:
            return i
    return None


def bullet_block_start(lines: list[str]) -> int | None:
    """Index of the first "• <known label>" line (the bullet layout)."""
    for i, line in enumerate(lines):
        label = _bullet_label(line)
        if label is not None and fold(label) in LABELS:
            return i
    return None


def fund_region_line(lines: list[str]) -> int | None:
    """Index of the IOM Development Fund page's region line: an IDF region right after the title, followed by an
    identifier (the Projects ID). Only the top of the page is searched: a region named in the text is not it."""
    content = [i for i, line in enumerate(lines) if line.strip()][:60]
    for n, i in enumerate(content[1:-1], start=1):
        if fold(lines[i].strip()) in IDF_REGIONS and _IDENTIFIER.match(lines[content[n + 1]].strip()):
            return i
    return None


def is_project_page(lines: list[str]) -> bool:
    return any(f(lines) is not None for f in (labelled_block_start, bullet_block_start, fund_region_line))


# --- parsing ---------------------------------------------------------------------------------------------------


def _title_before(lines: list[str], block: int) -> tuple[int, str, list[ParseWarning]]:
    before = [
        (i, lines[i].strip())
        for i in range(block)
        if lines[i].strip() and lines[i].strip() != "-" and not is_chrome_line(lines[i]) and not is_menu_item(lines[i])
    ]
    if not before:
        raise ParseError(gettext_noop("project page has no title before its first label"), block + 1)
    title_index, title = before[-1]
    # The Development Fund's pages print the title twice; any other text above the title is reported.
    warnings = [
        ParseWarning(i + 1, gettext_noop("text before the title ignored: “%(text)s”"), {"text": text[:60]})
        for i, text in before[:-1]
        if fold(text) != fold(title)
    ]
    first = next(i for i, text in before if fold(text) == fold(title))
    return first, title, warnings


def _labelled_values(lines: list[str], block: int) -> tuple[list[tuple[str, int, str, int]], int]:
    """(label, label line, value, value line) of each "-" block, and the index after the last block."""
    found = []
    pos = block
    while pos < len(lines) and lines[pos].strip() == "-":
        label_index = pos + 1
        label = lines[label_index].strip() if label_index < len(lines) else ""
        if not label or label == "-":
            raise ParseError(gettext_noop("a “-” separator with no label after it"), pos + 1)
        value_index = pos + 2
        value = lines[value_index].strip() if value_index < len(lines) else ""
        if value == "-" or fold(value) in LABELS:  # the next block starts at once: this label has no value
            value, pos = "", label_index + 1
        else:
            pos = value_index + 1
        found.append((label, label_index + 1, value, value_index + 1))
    return found, pos


def _bullet_values(lines: list[str], block: int) -> tuple[list[tuple[str, int, str, int]], int]:
    """The bullet layout: "• Label", then its value on the next line(s), indented. A value saved without its
    indent is one short line that is not a sentence (a sentence there starts the description)."""
    found = []
    pos = block
    while pos < len(lines) and (label := _bullet_label(lines[pos])) is not None:
        label_line = pos + 1
        pos += 1
        value_lines: list[tuple[int, str]] = []
        while pos < len(lines) and lines[pos][:1].isspace() and lines[pos].strip() and not _bullet_label(lines[pos]):
            value_lines.append((pos + 1, lines[pos].strip()))
            pos += 1
        if not value_lines and pos < len(lines) and lines[pos].strip() and _bullet_label(lines[pos]) is None:
            text = lines[pos].strip()
            if len(text) <= 120 and not SENTENCE_END.search(text):
                value_lines.append((pos + 1, text))
                pos += 1
        value = " ".join(text for _, text in value_lines)
        found.append((label, label_line, value, value_lines[0][0] if value_lines else label_line))
        following = next((i for i in range(pos, len(lines)) if lines[i].strip()), None)
        if following is not None and _bullet_label(lines[following]) is not None:
            pos = following  # blank lines between two entries of the list
    return found, pos


def _from_labels(lines: list[str], block: int, layout: str) -> ProjectPage:
    title_index, title, warnings = _title_before(lines, block)
    values, end = (_labelled_values if layout == "labels" else _bullet_values)(lines, block)
    parsed: dict[Label, Any] = {}
    lines_of: dict[Label, int] = {}
    unknown: list[UnknownLabel] = []
    empty = 0
    # Each value is converted as soon as it is read, so the first error reported is the first one in the file.
    for label, label_line, value, value_line in values:
        known = LABELS.get(fold(label))
        if not value:
            empty += 1
            warnings.append(ParseWarning(label_line, gettext_noop("label “%(label)s” has no value"), {"label": label}))
            continue
        if known is None:
            unknown.append(UnknownLabel(label_line, label, value))
        elif known in lines_of:
            raise ParseError(
                gettext_noop("label “%(label)s” appears twice (first on line %(first)s)"),
                label_line,
                label=label,
                first=lines_of[known] - 1,
            )
        else:
            lines_of[known] = value_line
            parsed[known] = _LABEL_VALUES.get(known, _text)(value, value_line, known.value)
    if empty and not parsed and not unknown:
        raise ParseError(gettext_noop("the page carries labels but no values: nothing to import"), block + 1)
    if Label.PROJECTS_ID not in parsed:
        raise ParseError(gettext_noop("the page gives no Projects ID, which identifies a project"), block + 1)
    start_year, start_date = parsed.get(Label.START_DATE, (None, None))
    end_year, end_date = parsed.get(Label.END_DATE, (None, None))
    if end_year is not None and start_year is not None:
        if end_year < start_year or (start_date and end_date and end_date < start_date):
            raise ParseError(gettext_noop("End Date is before Start Date"), lines_of[Label.END_DATE])
    page = ProjectPage(
        title=title,
        title_line=title_index + 1,
        layout=layout,
        prima_id=parsed.get(Label.PRIMA_ID, ""),
        projects_id=parsed[Label.PROJECTS_ID],
        start_year=start_year,
        start_date=start_date,
        end_year=end_year,
        end_date=end_date,
        status=parsed.get(Label.PROJECT_STATUS),
        project_type=parsed.get(Label.PROJECT_TYPE, ""),
        budget_usd=parsed.get(Label.BUDGET),
        coverage=parsed.get(Label.COVERAGE, ""),
        year=parsed.get(Label.YEAR),
        idf_region=parsed.get(Label.IDF_REGION, ""),
        member_states=parsed.get(Label.BENEFITING_MEMBER_STATES, []),
        unknown_labels=unknown,
        warnings=warnings,
    )
    _description(page, lines, end)
    return page


def _from_fund_page(lines: list[str], region_index: int) -> ProjectPage:
    """The Development Fund's layout: region, Projects ID, Prima ID if any, budget, one country per line, project
    type, coverage, status, then the description."""
    title_index, title, warnings = _title_before(lines, region_index)
    rows = [(i, lines[i].strip()) for i in range(region_index + 1, len(lines)) if lines[i].strip()]
    page = ProjectPage(
        title=title, title_line=title_index + 1, layout="fund", projects_id="", idf_region=lines[region_index].strip()
    )
    page.warnings = warnings
    n = 0

    def take() -> tuple[int, str]:
        nonlocal n
        if n >= len(rows):
            raise ParseError(gettext_noop("the Development Fund page ends before its project status"), len(lines))
        n += 1
        return rows[n - 1][0] + 1, rows[n - 1][1]

    line, value = take()
    page.projects_id = _identifier(value, line, Label.PROJECTS_ID.value)
    line, value = take()
    if not _AMOUNT.fullmatch(value) and _IDENTIFIER.fullmatch(value):
        page.prima_id = value
        line, value = take()
    if _AMOUNT.fullmatch(value):
        page.budget_usd = _amount(value, line, Label.BUDGET.value)
        line, value = take()
    while (code := country_code(value)) is not None:
        if code not in page.member_states:
            page.member_states.append(code)
        line, value = take()
    if not page.member_states:
        raise ParseError(
            gettext_noop("“%(value)s” is not a country: the Development Fund page lists its countries here"),
            line,
            value=value,
        )
    page.project_type = _text(value, line, Label.PROJECT_TYPE.value)
    line, value = take()
    page.coverage = _text(value, line, Label.COVERAGE.value)
    line, value = take()
    page.status = _status(value, line, Label.PROJECT_STATUS.value)
    _description(page, lines, line)
    return page


def _description(page: ProjectPage, lines: list[str], start: int) -> None:
    """The free text after the values: description paragraphs and the numbered objectives/outputs."""
    prose: list[tuple[int, str]] = []
    objectives: list[str] = []
    in_list = False
    for index in range(start, len(lines)):
        line = lines[index]
        if is_footer(line):
            break
        if is_debris(line):
            continue
        if m := _OBJECTIVE.match(line):
            number, text = int(m[1]), m[2].strip()
            if number != len(objectives) + 1:
                raise ParseError(
                    gettext_noop("objective numbered %(number)s where %(expected)s was expected"),
                    index + 1,
                    number=number,
                    expected=len(objectives) + 1,
                )
            objectives.append(text)
            in_list = True
        elif in_list and line.strip() and not SENTENCE_END.search(objectives[-1]):
            objectives[-1] = f"{objectives[-1]} {line.strip()}"  # a wrapped list item
        else:
            in_list = in_list and not line.strip()
            prose.append((index + 1, line))
    page.objectives = [re.sub(r"\s+", " ", o).rstrip(" ;,") for o in objectives]
    page.description = "\n\n".join(p.text for p in paragraphs(prose))
    if not page.description and not page.objectives:
        page.warnings.append(ParseWarning(start + 1, gettext_noop("project page has no description")))


def parse_project_page(lines: list[str]) -> ProjectPage:
    if (block := labelled_block_start(lines)) is not None:
        return _from_labels(lines, block, "labels")
    if (block := bullet_block_start(lines)) is not None:
        return _from_labels(lines, block, "bullets")
    region = fund_region_line(lines)
    assert region is not None, "parse_project_page() is called for project pages only"
    return _from_fund_page(lines, region)
