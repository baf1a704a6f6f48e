"""Reads on projects that are not one QuerySet: the projects a free text names."""

from __future__ import annotations

import re
from collections.abc import Sequence

from projects.models import Project
from registry.importers.pages import fold


def projects_named(text: str, projects: Sequence[Project] | None = None) -> list[Project]:
    """Projects `text` names by Prima ID, Projects ID or full title (out of `projects`, all of them by default)."""
    if projects is None:
        projects = list(Project.objects.only("pk", "prima_id", "projects_id", "title"))
    folded = fold(text)
    named = []
    for project in projects:
        ids = [i for i in (project.prima_id, project.projects_id) if i]
        if any(re.search(rf"\b{re.escape(i)}\b", text) for i in ids) or fold(project.title) in folded:
            named.append(project)
    return named
