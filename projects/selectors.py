"""Reads on projects that are not one QuerySet: the projects a free text names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from projects.models import Project
from registry.importers.pages import fold


class ProjectNames:
    """Finds the projects a text names by Prima ID, Projects ID or full title. Built once per import: one pattern
    for every identifier, and the titles folded once, so each article costs one scan, not one per project."""

    def __init__(self, projects: Sequence[Project] | None = None) -> None:
        if projects is None:
            projects = list(Project.objects.only("pk", "prima_id", "projects_id", "title"))
        self.projects = list(projects)
        self.by_id = {key: p for p in self.projects for key in (p.prima_id, p.projects_id) if key}
        alternatives = "|".join(re.escape(key) for key in sorted(self.by_id, key=len, reverse=True))
        self.pattern = re.compile(rf"\b(?:{alternatives})\b") if alternatives else None
        self.titles = [(fold(p.title), p) for p in self.projects]

    def named(self, text: str) -> list[Project]:
        found = {self.by_id[m.group(0)].pk for m in self.pattern.finditer(text)} if self.pattern else set()
        folded = fold(text)
        found |= {p.pk for title, p in self.titles if title and title in folded}
        return [p for p in self.projects if p.pk in found]


def projects_named(text: str, projects: Sequence[Project] | None = None) -> list[Project]:
    """Projects `text` names by Prima ID, Projects ID or full title (out of `projects`, all of them by default)."""
    return ProjectNames(projects).named(text)
