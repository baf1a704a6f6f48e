"""The mission overview: its areas of work (thematic areas), each with a short description."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from registry.importers.pages.base import PageKind, ParseError, ParseWarning, gettext_noop
from registry.importers.pages.text import SENTENCE_END, fold, paragraphs, sentences, shorten, thematic_area_slug


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


def is_overview(lines: list[str]) -> bool:
    return any("areas of work" in fold(text) for _, text in _headings(lines))


def parse_overview_page(lines: list[str]) -> OverviewPage:
    headings = _headings(lines)
    title = headings[0][1] if headings else ""
    start = next(n for n, (_, text) in enumerate(headings) if "areas of work" in fold(text))
    areas: list[ThematicAreaEntry] = []
    for n in range(start + 1, len(headings)):
        index, name = headings[n]
        if name.isupper():  # the next section in capitals ("DONORS") ends the list of areas
            break
        end = headings[n + 1][0] if n + 1 < len(headings) else len(lines)
        found = paragraphs([(i + 1, _plain(lines[i])) for i in range(index + 1, end)])
        # A short subtitle line ("Trafficking and Smuggling, Missing Migrants and IDPs") is not the description.
        prose = [p.text for p in found if SENTENCE_END.search(p.text)]
        if not prose:
            raise ParseError(gettext_noop("area of work “%(name)s” has no description"), index + 1, name=name)
        first = sentences(prose[0])[0]
        clean_name = re.sub(r"\s*\([^)]*\)\s*$", "", name)
        areas.append(ThematicAreaEntry(clean_name, thematic_area_slug(name), shorten(first), len(areas) + 1, index + 1))
    if not areas:
        raise ParseError(gettext_noop("the overview lists no areas of work"), headings[start][0] + 1)
    slugs = [a.slug for a in areas]
    for area in areas:
        if slugs.count(area.slug) > 1:
            raise ParseError(gettext_noop("area of work “%(name)s” appears twice"), area.line, name=area.name)
    return OverviewPage(title=title, areas=areas)
