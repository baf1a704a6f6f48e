"""Reads on projects that are not one QuerySet: the projects a free text names, and what a project's page lists."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import F, QuerySet, Value

from projects.models import Project, ProjectObjective, ThematicArea
from registry.importers.pages import fold
from registry.models import State
from registry.selectors import instances, rows_by_kind


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


@dataclass(frozen=True)
class ProjectLinks:
    """A project's thematic areas, states covered and objectives, each in its model's order."""

    thematic_areas: list[ThematicArea]
    states: list[State]
    objectives: list[ProjectObjective]


LINK_COLUMNS = ["rank", "sort", "link_id", "link_key", "link_text_es", "link_text_en"]


def project_links(project: Project) -> ProjectLinks:
    """The three lists of a project's page in one query rather than one prefetch each (registry.selectors.
    rows_by_kind): the same columns for all three, `rank` and `sort` giving each its model's order."""
    parts = {
        "thematic_areas": Project.thematic_areas.through.objects.filter(project=project).annotate(
            rank=F("thematicarea__position"),
            sort=F("thematicarea__slug"),
            link_id=F("thematicarea_id"),
            link_key=F("thematicarea__slug"),
            link_text_es=F("thematicarea__name_es"),
            link_text_en=F("thematicarea__name_en"),
        ),
        "states": Project.states.through.objects.filter(project=project).annotate(
            rank=Value(0),
            sort=F("state__name"),
            link_id=F("state_id"),
            link_key=F("state__slug"),
            link_text_es=F("state__name"),
            link_text_en=Value(""),
        ),
        # A plain QuerySet, not django-modeltranslation's (see rows_by_kind).
        "objectives": QuerySet(ProjectObjective)
        .filter(project=project)
        .annotate(
            rank=F("position"),
            sort=Value(""),
            link_id=F("id"),
            link_key=Value(""),
            link_text_es=F("text_es"),
            link_text_en=F("text_en"),
        ),
    }
    rows = rows_by_kind(parts, LINK_COLUMNS, order=["rank", "sort", "link_id"])
    return ProjectLinks(
        thematic_areas=instances(
            ThematicArea, [None, None, "id", "slug", "name_es", "name_en"], rows["thematic_areas"]
        ),
        states=instances(State, [None, None, "id", "slug", "name", None], rows["states"]),
        objectives=instances(
            ProjectObjective, ["position", None, "id", None, "text_es", "text_en"], rows["objectives"]
        ),
    )
