"""Parse pages saved from IOM's websites: project pages, news items and the mission overview.

Plain Python with no Django imports: text in, dataclasses out. `parse_page()` tells the kind of page from its
content and returns a `ProjectPage`, `NewsPage` or `OverviewPage`; a page it cannot read, or cannot classify with
confidence, raises `ParseError` with the line number (1-based) and the reason. The layouts and variations seen on
real pages are listed in VARIATIONS.md beside this package.
"""

from __future__ import annotations

from collections.abc import Sequence

from registry.importers.pages.base import PageKind, ParseError, ParseWarning, UnknownLabel, gettext_noop
from registry.importers.pages.mentions import DonorMention, ShelterMention, SupportMention
from registry.importers.pages.news import NewsPage, PressContact, parse_news_page
from registry.importers.pages.overview import OverviewPage, ThematicAreaEntry, is_overview, parse_overview_page
from registry.importers.pages.places import MEXICAN_STATES, StateName, find_states, split_countries
from registry.importers.pages.projects import Label, ProjectPage, is_project_page, parse_project_page
from registry.importers.pages.text import article_slug, fold, shorten, slugify, split_lines, truncate_slug

Page = ProjectPage | NewsPage | OverviewPage

__all__ = [
    "MEXICAN_STATES",
    "DonorMention",
    "Label",
    "NewsPage",
    "OverviewPage",
    "Page",
    "PageKind",
    "ParseError",
    "ParseWarning",
    "PressContact",
    "ProjectPage",
    "ShelterMention",
    "StateName",
    "SupportMention",
    "ThematicAreaEntry",
    "UnknownLabel",
    "article_slug",
    "detect_kind",
    "find_states",
    "fold",
    "parse_page",
    "shorten",
    "slugify",
    "split_countries",
    "truncate_slug",
]


def detect_kind(text: str) -> PageKind:
    lines = split_lines(text)
    if is_project_page(lines):
        return PageKind.PROJECT
    if is_overview(lines):
        return PageKind.OVERVIEW
    return PageKind.NEWS


def parse_page(text: str, *, states: Sequence[StateName] = MEXICAN_STATES) -> Page:
    """Parse one page; raises ParseError (with its line) if the page cannot be imported as it stands."""
    lines = split_lines(text)
    if not any(line.strip() for line in lines):
        raise ParseError(gettext_noop("the page is empty"), 1)
    if is_project_page(lines):
        return parse_project_page(lines)
    if is_overview(lines):
        return parse_overview_page(lines)
    return parse_news_page(lines, states)
