"""Parse pages saved from the IOM Mexico website: project pages, news items and the mission overview.

Plain Python with no Django imports: text in, dataclasses out. `parse_page()` detects the kind of page from its
content and returns a `ProjectPage`, `NewsPage` or `OverviewPage`; malformed input raises `ParseError` with the
line number (1-based, in the text as given). Labels the parser does not know are kept as `UnknownLabel`s so the
caller can report them.

The pages come from a website scrape, so they carry the site's header and navigation, share buttons and comment
form debris; those are recognised and dropped, never mistaken for content.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, NamedTuple


class PageKind(StrEnum):
    PROJECT = "project"
    NEWS = "news"
    OVERVIEW = "overview"


class ParseError(ValueError):
    """The page cannot be imported as it stands; `line` is where the problem is (1-based)."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class ParseWarning:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class UnknownLabel:
    """A labelled block on a project page whose label the parser does not know: reported, never dropped silently."""

    line: int
    label: str
    value: str

    def __str__(self) -> str:
        return f"line {self.line}: unknown label {self.label!r} (value {self.value!r})"


# --- Mexico's 32 federal entities ------------------------------------------------------------------------------


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


# --- text helpers ----------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents and with straight apostrophes, for comparisons ("Potosí" == "potosi")."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def slugify(value: str) -> str:
    """The same slugs as django.utils.text.slugify (ASCII), without importing Django."""
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


def truncate_slug(slug: str, max_length: int) -> str:
    """Cut a slug to `max_length` at a word (hyphen) boundary."""
    if len(slug) <= max_length:
        return slug
    cut = slug[: max_length + 1].rsplit("-", 1)[0]
    return (cut or slug[:max_length]).strip("-")


ARTICLE_SLUG_MAX = 100
# A headline's trailing participial phrase ("... Migration Week Focusing on the Human Rights of ...") is detail,
# not identity: the article slug keeps the main clause, so it stays short and stable if the tail is reworded.
_HEADLINE_TAIL_WORDS = frozenset(
    {"focusing", "highlighting", "featuring", "including", "calling", "aiming", "marking", "targeting", "seeking"}
)


def article_slug(title: str) -> str:
    """The slug of a news headline: its main clause, slugified, at most ARTICLE_SLUG_MAX characters at a word
    boundary. The main clause ends at a colon or dash separator, or before a trailing participial phrase."""
    main = re.split(r"\s*(?::|\s[–—-]\s|\|)\s*", title.strip(), maxsplit=1)[0]
    if len(main.split()) < 3:  # "Mexico: IOM signs ..." - the part before the colon is a kicker, not the clause
        main = title
    words = main.split()
    for index, word in enumerate(words):
        if index >= 4 and fold(word) in _HEADLINE_TAIL_WORDS:
            words = words[:index]
            break
    return truncate_slug(slugify(" ".join(words)), ARTICLE_SLUG_MAX)


def thematic_area_slug(name: str) -> str:
    """Slug of an area of work: without a trailing acronym in parentheses, in the mission's British spelling."""
    name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
    return re.sub(r"\blabor\b", "labour", slugify(name))


def _clean_line(line: str) -> str:
    line = line.replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    return line.rstrip()


def _split_lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [_clean_line(line) for line in text.split("\n")]


_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)]*$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÁÉÍÓÚÑ0-9])")


@dataclass(frozen=True)
class Paragraph:
    line: int  # first line, 1-based
    text: str


def _paragraphs(lines: Sequence[tuple[int, str]]) -> list[Paragraph]:
    """Join lines into paragraphs.

    Pages come either with one paragraph per line or hard-wrapped at ~65 columns with no blank line between
    paragraphs. A paragraph ends at a blank line, after a line that ends a sentence, or after a long line (a
    paragraph that was never wrapped).
    """
    paragraphs: list[Paragraph] = []
    start = 0
    buffer: list[str] = []
    for number, raw in lines:
        text = raw.strip()
        if not text:
            if buffer:
                paragraphs.append(Paragraph(start, " ".join(buffer)))
                buffer = []
            continue
        if not buffer:
            start = number
        buffer.append(text)
        if _SENTENCE_END.search(text) or len(text) > 100:
            paragraphs.append(Paragraph(start, " ".join(buffer)))
            buffer = []
    if buffer:
        paragraphs.append(Paragraph(start, " ".join(buffer)))
    return [Paragraph(p.line, re.sub(r"\s+", " ", p.text)) for p in paragraphs]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def shorten(text: str, limit: int = 300) -> str:
    """The first sentences of `text` that fit in `limit` characters (a word-boundary cut if the first is longer)."""
    text = text.strip()
    if len(text) <= limit:
        return text
    kept = ""
    for sentence in sentences(text):
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def find_states(text: str, states: Sequence[StateName] = MEXICAN_STATES) -> list[str]:
    """ISO codes of the states named in `text`, in order of first mention, matched without regard to accents or
    case. Longer names win ("Baja California Sur" is not also "Baja California")."""
    by_name: dict[str, str] = {}
    for state in states:
        for name in (state.name, *state.aliases):
            by_name[fold(name)] = state.iso_code
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])")
    found: list[str] = []
    for match in pattern.finditer(fold(text)):
        iso = by_name[match.group(1)]
        if iso not in found:
            found.append(iso)
    return found


# --- site debris -----------------------------------------------------------------------------------------------

# The site navigation every scraped page starts with.
_NAV_ITEMS = (
    "who we are",
    "our work",
    "what we do",
    "partnerships",
    "highlights",
    "where we work",
    "take action",
    "work with us",
    "get involved",
    "data and research",
    "2030 agenda",
)
# Lines at which the article proper is over: comment forms, share bars, "like" widgets.
_FOOTER_STARTS = (
    "use facebook to comment",
    "leave a reply",
    "no comments yet",
    "%d bloggers like this",
    "protected by wp anti spam",
    "related posts",
    "post navigation",
)
# Single debris lines that may turn up anywhere in the body.
_DEBRIS_LINES = frozenset(
    {
        "written by",
        "share",
        "share this:",
        "share this article",
        "like this:",
        "tweet",
        "facebook",
        "twitter",
        "linkedin",
        "whatsapp",
        "email",
        "print",
        "like loading...",
        "related",
        "please leave these two fields as-is:",
    }
)
_DEBRIS_PATTERNS = (
    re.compile(r"^what is \d+ ?[-+x*] ?\d+ ?\?$"),
    re.compile(r"^important! to be able to proceed"),
    re.compile(r"^click to (share|email|print)"),
)


def _is_nav_line(line: str) -> bool:
    text = line.strip()
    if text.startswith("- "):
        text = text[2:].strip()
    folded = fold(text)
    if folded in _NAV_ITEMS:
        return True
    # Menu entries whose teaser was glued on without a space: "WHO WE AREThe International Organization ..."
    for item in _NAV_ITEMS:
        if folded.startswith(item) and len(text) > len(item) and text[len(item)].isupper():
            return True
    return False


def _is_debris(line: str) -> bool:
    folded = fold(line.strip())
    return folded in _DEBRIS_LINES or any(p.match(folded) for p in _DEBRIS_PATTERNS)


def _is_footer(line: str) -> bool:
    folded = fold(line.strip())
    return any(folded.startswith(marker) for marker in _FOOTER_STARTS)


# --- project pages ---------------------------------------------------------------------------------------------


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


_LABELS = {fold(label.value): label for label in Label}
_REQUIRED_LABELS = (Label.PRIMA_ID, Label.PROJECTS_ID, Label.START_DATE)

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

_MONTHS = {
    **{m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "aug", "sep", "oct", "nov", "dec"), start=7)},
    **{m: i for i, m in enumerate(("ene", "feb", "mar", "abr", "may", "jun"), start=1)},
    **{m: i for i, m in enumerate(("jul", "ago", "sep", "oct", "nov", "dic"), start=7)},
}
_YEAR_RANGE = (1950, 2100)
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-/_]{1,19}$")
_AMOUNT = re.compile(r"^(?:US\$|USD|\$)?\s*(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?\s*(?:USD)?$", re.IGNORECASE)
_OBJECTIVE = re.compile(r"^\s*(\d{1,2})\s*[).]\s+(\S.*)$")


@dataclass
class ProjectPage:
    title: str
    prima_id: str
    projects_id: str
    start_year: int
    end_year: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    status: str | None = None
    project_type: str = ""
    budget_usd: Decimal | None = None
    coverage: str = ""
    year: int | None = None
    idf_region: str = ""
    benefiting_member_states: str = ""
    description: str = ""
    objectives: list[str] = field(default_factory=list)
    unknown_labels: list[UnknownLabel] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    title_line: int = 1

    kind = PageKind.PROJECT


def _year(value: str, line: int, label: str) -> int:
    if not re.fullmatch(r"\d{4}", value):
        raise ParseError(f"{label} {value!r} is not a year", line)
    year = int(value)
    if not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
        raise ParseError(f"{label} {value!r} is not a plausible year", line)
    return year


def _month(word: str) -> int | None:
    return _MONTHS.get(fold(word)[:3])


def _date_or_year(value: str, line: int, label: str) -> tuple[int, date | None]:
    """A year ("2015") or a day ("2015-03-01", "01/03/2015", "1 March 2015", "March 1, 2015"); "March 2015" is
    a year. Day-first for slashes, as the site writes dates."""
    text = value.strip()
    if re.fullmatch(r"\d{4}", text):
        return _year(text, line, label), None
    parts: tuple[int, int, int] | None = None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        parts = (int(m[1]), int(m[2]), int(m[3]))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
        parts = (int(m[3]), int(m[2]), int(m[1]))
    elif (m := re.fullmatch(r"(\d{1,2})\s+(?:de\s+)?(\w+)\.?,?\s+(?:de\s+)?(\d{4})", text)) and _month(m[2]):
        parts = (int(m[3]), _month(m[2]) or 0, int(m[1]))
    elif (m := re.fullmatch(r"(\w+)\.?\s+(\d{1,2}),?\s+(\d{4})", text)) and _month(m[1]):
        parts = (int(m[3]), _month(m[1]) or 0, int(m[2]))
    elif (m := re.fullmatch(r"(\w+)\.?,?\s+(?:de\s+)?(\d{4})", text)) and _month(m[1]):
        return _year(m[2], line, label), None
    if parts is None:
        raise ParseError(f"{label} {value!r} is neither a year nor a date", line)
    _year(str(parts[0]), line, label)
    try:
        return parts[0], date(*parts)
    except ValueError as exc:
        raise ParseError(f"{label} {value!r} is not a valid date ({exc})", line) from exc


def _amount(value: str, line: int, label: str) -> Decimal:
    m = _AMOUNT.fullmatch(value.strip())
    if not m:
        raise ParseError(f"{label} {value!r} is not an amount (expected digits such as 100000.00)", line)
    try:
        amount = Decimal(m[1].replace(",", "") + (m[2] or ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only digits
        raise ParseError(f"{label} {value!r} is not an amount", line) from exc
    return amount.quantize(Decimal("0.01"))


def _text(value: str, line: int, label: str) -> str:
    if len(value) > 255:
        raise ParseError(f"{label} is longer than 255 characters", line)
    return value


def _identifier(value: str, line: int, label: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise ParseError(f"{label} {value!r} is not an identifier (letters, digits, '.', '-', at most 20)", line)
    return value


def _status(value: str, line: int, label: str) -> str:
    status = PROJECT_STATUSES.get(fold(value))
    if status is None:
        raise ParseError(f"{label} {value!r} is not one of: {', '.join(sorted(PROJECT_STATUSES))}", line)
    return status


_LABEL_VALUES: dict[Label, Callable[[str, int, str], Any]] = {
    Label.START_DATE: _date_or_year,
    Label.END_DATE: _date_or_year,
    Label.PROJECT_STATUS: _status,
    Label.BUDGET: _amount,
    Label.YEAR: _year,
    Label.PRIMA_ID: _identifier,
    Label.PROJECTS_ID: _identifier,
}


def _project_page(lines: list[str], start: int) -> ProjectPage:
    """`start` is the index of the first line after the site header."""
    # The labelled block starts at the first "-" line followed by a label; the title is the text before it.
    block = next(
        i for i in range(start, len(lines) - 1) if lines[i].strip() == "-" and fold(lines[i + 1].strip()) in _LABELS
    )
    warnings: list[ParseWarning] = []
    before = [(i, lines[i].strip()) for i in range(start, block) if lines[i].strip() and lines[i].strip() != "-"]
    if not before:
        raise ParseError("project page has no title before its first label", block + 1)
    title_index, title = before[-1]
    warnings += [ParseWarning(i + 1, f"text before the title ignored: {text[:60]!r}") for i, text in before[:-1]]

    # Each value is converted as soon as it is read, so the first error reported is the first one in the file.
    lines_of: dict[Label, int] = {}
    parsed: dict[Label, Any] = {}
    unknown: list[UnknownLabel] = []
    pos = block
    while pos < len(lines) and lines[pos].strip() == "-":
        label_index, value_index = pos + 1, pos + 2
        label = lines[label_index].strip() if label_index < len(lines) else ""
        if not label or label == "-":
            raise ParseError("a '-' separator with no label after it", pos + 1)
        value = lines[value_index].strip() if value_index < len(lines) else ""
        if not value or value == "-":
            raise ParseError(f"label {label!r} has no value", label_index + 1)
        known = _LABELS.get(fold(label))
        if known is None:
            unknown.append(UnknownLabel(label_index + 1, label, value))
        elif known in lines_of:
            raise ParseError(f"label {label!r} appears twice (first on line {lines_of[known] - 1})", label_index + 1)
        else:
            lines_of[known] = value_index + 1
            parsed[known] = _LABEL_VALUES.get(known, _text)(value, value_index + 1, known.value)
        pos = value_index + 1

    for label in _REQUIRED_LABELS:
        if label not in parsed:
            raise ParseError(f"required label {label.value!r} is missing", block + 1)
    start_year, start_date = parsed[Label.START_DATE]
    end_year, end_date = parsed.get(Label.END_DATE, (None, None))
    if end_year is not None and (end_year < start_year or (start_date and end_date and end_date < start_date)):
        raise ParseError("End Date is before Start Date", lines_of[Label.END_DATE])
    page = ProjectPage(
        title=title,
        title_line=title_index + 1,
        prima_id=parsed[Label.PRIMA_ID],
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
        benefiting_member_states=parsed.get(Label.BENEFITING_MEMBER_STATES, ""),
        unknown_labels=unknown,
        warnings=warnings,
    )
    page.description, page.objectives, more = _project_description(lines, pos)
    page.warnings += more
    return page


def _project_description(lines: list[str], start: int) -> tuple[str, list[str], list[ParseWarning]]:
    """The free text after the labelled block: description paragraphs and the numbered objectives/outputs."""
    prose: list[tuple[int, str]] = []
    objectives: list[str] = []
    warnings: list[ParseWarning] = []
    in_list = False
    for index in range(start, len(lines)):
        line = lines[index]
        if _is_footer(line):
            break
        if _is_debris(line):
            continue
        if m := _OBJECTIVE.match(line):
            number, text = int(m[1]), m[2].strip()
            if number != len(objectives) + 1:
                raise ParseError(f"objective numbered {number} where {len(objectives) + 1} was expected", index + 1)
            objectives.append(text)
            in_list = True
        elif in_list and line.strip() and not _SENTENCE_END.search(objectives[-1]):
            objectives[-1] = f"{objectives[-1]} {line.strip()}"  # a wrapped list item
        else:
            in_list = in_list and not line.strip()
            prose.append((index + 1, line))
    objectives = [re.sub(r"\s+", " ", o).rstrip(" ;,") for o in objectives]
    description = "\n\n".join(p.text for p in _paragraphs(prose))
    if not description and not objectives:
        warnings.append(ParseWarning(start + 1, "project page has no description"))
    return description, objectives, warnings


# --- news pages ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PressContact:
    name: str = ""
    organisation: str = ""
    phone: str = ""
    email: str = ""

    def as_text(self) -> str:
        parts = [", ".join(p for p in (self.name, self.organisation) if p)]
        if self.phone:
            parts.append(f"Tel: {self.phone}")
        if self.email:
            parts.append(f"Email: {self.email}")
        return ". ".join(p for p in parts if p)


@dataclass(frozen=True)
class ShelterMention:
    """A shelter the article names, with the state to file it under if the registry does not know it yet."""

    name: str
    line: int
    state_iso: str | None
    state_basis: str  # "clause", "sentence", "paragraph" or "article": where state_iso was found


@dataclass(frozen=True)
class DonorMention:
    name: str
    acronym: str
    country: str
    line: int


@dataclass(frozen=True)
class SupportMention:
    category: str  # medicines, medical_supplies, hygiene, construction, training
    description: str


@dataclass
class NewsPage:
    title: str
    slug: str
    body: str
    summary: str = ""
    published_on: date | None = None
    press_contact: PressContact | None = None
    state_isos: list[str] = field(default_factory=list)
    announces_agreements: bool = False
    shelters: list[ShelterMention] = field(default_factory=list)
    donors: list[DonorMention] = field(default_factory=list)
    programme_phase: int | None = None
    support_items: list[SupportMention] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    title_line: int = 1

    kind = PageKind.NEWS


_CONTACT_START = re.compile(r"^(for (more|further) information,? (please )?contact|press contact|media contact)", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"^(?:tel|phone|t[ée]l[ée]fono|mobile|cel)\w*\.?\s*:?\s*(.+)$", re.I)


def _press_contact(lines: Sequence[str]) -> PressContact | None:
    email = ""
    phone = ""
    others: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if found := _EMAIL.search(line):
            email = email or found.group(0)
            continue
        if m := _PHONE.match(line):
            phone = phone or m[1].strip()
            continue
        if re.fullmatch(r"e-?mail:?", line, re.I):
            continue
        others.append(line)
    if not (email or phone or others):
        return None
    return PressContact(
        name=others[0] if others else "", organisation=others[1] if len(others) > 1 else "", phone=phone, email=email
    )


_CAPITALISED = r"[A-ZÁÉÍÓÚÑÜ][\w'’-]*"
_CONNECTOR = r"(?:de|del|la|las|los|el|en|y|e|para|por)"
_SHELTER_NAME = re.compile(
    rf"\b(?:Albergue|Casa|Refugio|Estancia|Posada|Hogar|Comedor)(?:\s+(?:{_CONNECTOR}\s+)*{_CAPITALISED})+"
)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,9})\)")
_FUNDING = re.compile(r"\b(fund(ed|ing)|financ(ed|ing)|sponsor(ed)?|donors?|grant|contribution|thanks to)\b", re.I)
_NAME_CONNECTORS = frozenset({"of", "for", "and", "on", "the", "de", "del", "la", "y", "para", "&"})
_COUNTRIES = (
    (re.compile(r"\bU\.?S\.?A?\b|\bUnited States\b|\bAmerican\b"), "US"),
    (re.compile(r"\bCanad(a|ian)\b"), "CA"),
    (re.compile(r"\bUnited Kingdom\b|\bUK\b|\bBritish\b"), "GB"),
    (re.compile(r"\bSpain\b|\bSpanish\b"), "ES"),
    (re.compile(r"\bGerman(y)?\b"), "DE"),
    (re.compile(r"\bSwitzerland\b|\bSwiss\b"), "CH"),
    (re.compile(r"\bJapan(ese)?\b"), "JP"),
    (re.compile(r"\bSweden\b|\bSwedish\b"), "SE"),
    (re.compile(r"\bNorway\b|\bNorwegian\b"), "NO"),
    (re.compile(r"\bNetherlands\b|\bDutch\b"), "NL"),
)
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_ORDINAL = r"(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))"
# Strongest first: "In the first phase of our programme we focused on ..." looks back, "This is the second year"
# says where the programme stands now.
_PHASE_PATTERNS = (
    re.compile(rf"\bthis (?:is|marks) the {_ORDINAL} (?:year|phase)\b"),
    re.compile(rf"\b(?:now )?(?:in|enters|entering) its {_ORDINAL} (?:year|phase)\b"),
    re.compile(rf"\b{_ORDINAL} (?:year|phase) of (?:the|this|our|its) (?:\w+ )?program(?:me)?\b"),
)
_SUPPORT_PATTERNS = (
    ("medicines", re.compile(r"\bmedicines?\b|\bmedications?\b")),
    ("medical_supplies", re.compile(r"\bmedical (?:materials?|supplies|equipment)(?: and (?:equipment|supplies))?\b")),
    ("hygiene", re.compile(r"\bhygiene (?:products|kits|items|supplies)\b")),
    ("construction", re.compile(r"\bconstruction materials?\b")),
)
_TRAINING_TOPICS = re.compile(
    r"\btraining\b[^.]*?\b(?:on|in|about)\s+(?:(?:issues|topics|subjects)\s+)?(?:(?:including|such as|like)\s+)?(.+)$"
)
# "basic psychological support for vulnerable migrants": the audience is not part of the topic.
_AUDIENCE = re.compile(r"\s+for\s+(?:\w+\s+)?(?:migrants|people|persons|staff|women|children|victims)\b.*$")


def _ordinal(word: str) -> int:
    return _ORDINALS.get(word) or int(re.match(r"\d+", word).group(0))  # type: ignore[union-attr]


def _donor_name(before: str) -> str:
    """The capitalised name just before an "(ACRONYM)": walk back over capitalised words and connectors, stopping
    at a possessive ("... State Department's Bureau of ...") or any other lower-case word."""
    words = before.split()
    kept: list[str] = []
    for word in reversed(words):
        bare = word.strip(",")
        if bare.endswith(("'s", "’s")) or not bare:
            break
        if bare[0].isupper() or bare in _NAME_CONNECTORS:
            kept.append(word)
            continue
        break
    while kept and kept[-1].strip(",") in _NAME_CONNECTORS:
        kept.pop()
    return " ".join(reversed(kept)).strip(" ,")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _news_page(lines: list[str], start: int, states: Sequence[StateName]) -> NewsPage:
    content = [i for i in range(start, len(lines)) if lines[i].strip()]
    if not content:
        raise ParseError("page has no content", 1)
    title_index = content[0]
    title = re.sub(r"\s+", " ", lines[title_index].strip())
    if len(title) > 300:
        raise ParseError("news page does not start with a headline (first line over 300 characters)", title_index + 1)
    warnings: list[ParseWarning] = []

    body_start = title_index + 1
    # Some pages repeat the headline and the lead below a teaser: the article proper starts after the last copy.
    for i in range(len(lines) - 1, body_start - 1, -1):
        if fold(lines[i].strip()) == fold(title):
            body_start = i + 1
            break
    published_on = None
    following = next((i for i in range(body_start, len(lines)) if lines[i].strip()), None)
    if following is not None:
        try:
            _, published_on = _date_or_year(lines[following].strip(), following + 1, "date")
        except ParseError:
            published_on = None
        if published_on is not None:
            body_start = following + 1

    body_lines: list[tuple[int, str]] = []
    contact_lines: list[str] = []
    in_contact = False
    for index in range(body_start, len(lines)):
        line = lines[index]
        if _is_footer(line):
            break
        if _is_debris(line):
            continue
        if _CONTACT_START.match(line.strip()):
            in_contact = True
            continue
        if in_contact:
            contact_lines.append(line)
        else:
            body_lines.append((index + 1, line))

    paragraphs: list[Paragraph] = []
    seen: set[str] = set()
    for paragraph in _paragraphs(body_lines):
        key = fold(paragraph.text)
        if key in seen:  # the teaser's lead, repeated in the article
            continue
        seen.add(key)
        paragraphs.append(paragraph)
    if not paragraphs:
        raise ParseError("news page has a headline but no text", title_index + 1)

    body = "\n\n".join(p.text for p in paragraphs)
    page = NewsPage(
        title=title,
        title_line=title_index + 1,
        slug=article_slug(title),
        body=body,
        summary=shorten(paragraphs[0].text),
        published_on=published_on,
        press_contact=_press_contact(contact_lines),
        state_isos=find_states(body, states),
        warnings=warnings,
    )
    if not page.slug:
        raise ParseError("the headline gives an empty slug", title_index + 1)
    _agreements(page, paragraphs, states)
    return page


def _agreements(page: NewsPage, paragraphs: list[Paragraph], states: Sequence[StateName]) -> None:
    """What an article announcing cooperation agreements says about them: shelters, donor, phase and support."""
    text = fold(page.body)
    page.announces_agreements = "cooperation agreement" in text or (
        bool(re.search(r"\bagreements?\b", text)) and bool(re.search(r"\bsign(s|ed|ing)?\b", text))
    )
    # Shelters: every one the article names. Its state, if the registry does not know the shelter: the only state
    # named between its name and the next shelter's ("Albergue X, in Monterrey, Nuevo León, and ..."), else the
    # only one in its sentence, else the only one in its paragraph, else the first state the article names.
    names: dict[str, ShelterMention] = {}
    for paragraph in paragraphs:
        paragraph_states = find_states(paragraph.text, states)
        for sentence in sentences(paragraph.text):
            sentence_states = find_states(sentence, states)
            matches = list(_SHELTER_NAME.finditer(sentence))
            for n, match in enumerate(matches):
                name = match.group(0)
                if fold(name) in names:
                    continue
                clause_end = matches[n + 1].start() if n + 1 < len(matches) else len(sentence)
                clause_states = find_states(sentence[match.end() : clause_end], states)
                if len(clause_states) == 1:
                    iso, basis = clause_states[0], "clause"
                elif len(sentence_states) == 1:
                    iso, basis = sentence_states[0], "sentence"
                elif len(paragraph_states) == 1:
                    iso, basis = paragraph_states[0], "paragraph"
                elif page.state_isos:
                    iso, basis = page.state_isos[0], "article"
                else:
                    iso, basis = None, ""
                names[fold(name)] = ShelterMention(name, paragraph.line, iso, basis)
    page.shelters = list(names.values())
    if not page.announces_agreements:
        return

    for paragraph in paragraphs:
        for sentence in sentences(paragraph.text):
            if not _FUNDING.search(sentence):
                continue
            for match in _ACRONYM.finditer(sentence):
                name = _donor_name(sentence[: match.start()])
                acronym = match.group(1)
                if not name or any(d.acronym == acronym for d in page.donors):
                    continue
                found = [(m.start(), code) for pattern, code in _COUNTRIES if (m := pattern.search(sentence))]
                country = min(found)[1] if found else ""
                page.donors.append(DonorMention(name, acronym, country, paragraph.line))

    for pattern in _PHASE_PATTERNS:
        if m := pattern.search(text):
            page.programme_phase = _ordinal(m.group(1))
            break

    items: list[SupportMention] = []
    for category, pattern in _SUPPORT_PATTERNS:
        if m := pattern.search(text):
            items.append(SupportMention(category, _capitalise(m.group(0))))
    for sentence in sentences(page.body):
        if m := _TRAINING_TOPICS.search(sentence):
            listed = m.group(1).rstrip(" .")
            for topic in re.split(r",\s*(?:and\s+)?|\s+and\s+", listed):
                topic = _AUDIENCE.sub("", topic.strip())
                if topic and not any(fold(i.description) == fold(topic) for i in items):
                    items.append(SupportMention("training", _capitalise(topic)))
    page.support_items = items


# --- the mission overview --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThematicAreaEntry:
    name: str
    slug: str
    description: str
    position: int
    line: int


@dataclass
class OverviewPage:
    title: str
    areas: list[ThematicAreaEntry]
    warnings: list[ParseWarning] = field(default_factory=list)

    kind = PageKind.OVERVIEW


_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")


def _plain(text: str) -> str:
    """Markdown-ish inline text without emphasis markers and HTML tags."""
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"(\*\*|__|\*|_)(.+?)\1", r"\2", text)
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def _headings(lines: list[str]) -> list[tuple[int, str]]:
    return [(i, _plain(m[2])) for i, line in enumerate(lines) if (m := _HEADING.match(line.strip())) and _plain(m[2])]


def _is_overview(lines: list[str]) -> bool:
    return any("areas of work" in fold(text) for _, text in _headings(lines))


def _overview_page(lines: list[str]) -> OverviewPage:
    headings = _headings(lines)
    title = headings[0][1] if headings else ""
    start = next(n for n, (_, text) in enumerate(headings) if "areas of work" in fold(text))
    areas: list[ThematicAreaEntry] = []
    for n in range(start + 1, len(headings)):
        index, name = headings[n]
        if name.isupper():  # the next section in capitals ("DONORS") ends the list of areas
            break
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        paragraphs = _paragraphs([(i + 1, _plain(lines[i])) for i in range(index + 1, end)])
        # A short subtitle line ("Trafficking and Smuggling, Missing Migrants and IDPs") is not the description.
        prose = [p.text for p in paragraphs if _SENTENCE_END.search(p.text)]
        if not prose:
            raise ParseError(f"area of work {name!r} has no description", index + 1)
        first = sentences(prose[0])[0]
        clean_name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
        areas.append(ThematicAreaEntry(clean_name, thematic_area_slug(name), shorten(first), len(areas) + 1, index + 1))
    if not areas:
        raise ParseError("the overview lists no areas of work", headings[start][0] + 1)
    slugs = [a.slug for a in areas]
    for area in areas:
        if slugs.count(area.slug) > 1:
            raise ParseError(f"area of work {area.name!r} appears twice", area.line)
    return OverviewPage(title=title, areas=areas)


# --- entry point -----------------------------------------------------------------------------------------------

Page = ProjectPage | NewsPage | OverviewPage


def _content_start(lines: list[str]) -> int:
    """Index of the first line after the site header and navigation."""
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        if line == "-" and index + 1 < len(lines) and fold(lines[index + 1].strip()) in _LABELS:
            break  # a labelled block with no title: let the project parser say so
        if not line or line == "-" or _is_nav_line(line):
            index += 1
            continue
        break
    return index


def detect_kind(text: str) -> PageKind:
    lines = _split_lines(text)
    for i in range(len(lines) - 1):
        if lines[i].strip() == "-" and fold(lines[i + 1].strip()) in _LABELS:
            return PageKind.PROJECT
    if _is_overview(lines):
        return PageKind.OVERVIEW
    return PageKind.NEWS


def parse_page(text: str, *, states: Sequence[StateName] = MEXICAN_STATES) -> Page:
    """Parse one page; raises ParseError (with its line) if the page cannot be imported as it stands."""
    lines = _split_lines(text)
    if not any(line.strip() for line in lines):
        raise ParseError("the page is empty", 1)
    kind = detect_kind(text)
    if kind is PageKind.PROJECT:
        return _project_page(lines, _content_start(lines))
    if kind is PageKind.OVERVIEW:
        return _overview_page(lines)
    return _news_page(lines, _content_start(lines), states)
