"""Writes on projects and thematic areas: what an imported project page or mission overview says about them.

Projects are found by their Projects ID (every project has one; older ones have no Prima ID) and thematic areas by
slug or name. Only what a page states is written: a value it leaves out never blanks a field staff filled in, and a
summary staff wrote is kept.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext

from projects.models import Project, ProjectObjective, ThematicArea
from registry.importers.pages import OverviewPage, ProjectPage, fold, shorten
from registry.importers.records import RecordWriter

PROJECT_SLUG_MAX = 80


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def thematic_areas_import(*, writer: RecordWriter, page: OverviewPage) -> list[ThematicArea]:
    by_name = {fold(a.name_en).replace("labor", "labour"): a for a in ThematicArea.objects.all()}
    areas = []
    for entry in page.areas:
        area = (
            ThematicArea.objects.filter(slug=entry.slug).first()
            or by_name.get(fold(entry.name).replace("labor", "labour"))
            or ThematicArea(slug=entry.slug, name_en=entry.name, position=entry.position)
        )
        if area.pk is None:
            area.description = entry.description
            writer.create(area, entry.slug, {"name_en": entry.name, "description": entry.description})
        else:
            # The mission's own wording of an area is staff-curated: only fill what is missing.
            writer.record_update(
                area, area.slug, writer.update(area, {"description": area.description or entry.description})
            )
        areas.append(area)
    return areas


def _existing_project(writer: RecordWriter, page: ProjectPage) -> Project | None:
    """The project the page is about, by Projects ID; a Prima ID that belongs to another project is refused."""
    keys = Q(projects_id=page.projects_id) | (Q(prima_id=page.prima_id) if page.prima_id else Q(pk__in=[]))
    found = list(Project.objects.filter(keys))
    project = next((p for p in found if p.projects_id == page.projects_id), None)
    if page.prima_id:
        other = next((p for p in found if p.prima_id == page.prima_id and p.projects_id != page.projects_id), None)
        if other is not None:
            raise writer.fail(
                gettext("Prima ID %(prima)s belongs to project %(other)s (Projects ID %(other_id)s), not to %(id)s")
                % {"prima": page.prima_id, "other": other.title, "other_id": other.projects_id, "id": page.projects_id},
                page.title_line,
            )
        if project is not None and project.prima_id and project.prima_id != page.prima_id:
            raise writer.fail(
                gettext("Projects ID %(id)s has Prima ID %(prima)s in the registry, but the page gives %(page_prima)s")
                % {"id": page.projects_id, "prima": project.prima_id, "page_prima": page.prima_id},
                page.title_line,
            )
    return project


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def project_import(*, writer: RecordWriter, page: ProjectPage) -> Project:
    project = _existing_project(writer, page)
    values: dict[str, Any] = {
        "title": page.title,
        "prima_id": page.prima_id,
        "projects_id": page.projects_id,
        "start_year": page.start_year,
        "end_year": page.end_year,
        "start_date": page.start_date,
        "end_date": page.end_date,
        "status": page.status,
        "project_type": page.project_type,
        "budget_usd": page.budget_usd,
        "coverage": page.coverage,
        "year": page.year,
        "idf_region": page.idf_region,
        "benefiting_member_states": ",".join(page.member_states),
        "extra_labels": [{"label": u.label, "value": u.value} for u in page.unknown_labels],
        "description": page.description,
    }
    values = {k: v for k, v in values.items() if v not in (None, "", [])}
    lead = page.description.split("\n\n")[0] if page.description else ""
    created = project is None
    if project is None:
        project = Project(**values, summary=shorten(lead))
        project.slug = writer.unique_slug(Project, slugify(page.title), PROJECT_SLUG_MAX)
        writer.create(project, page.projects_id, values)
    else:
        if not project.summary and lead:
            values["summary"] = shorten(lead)  # staff's summary is kept; an empty one is filled
        if "extra_labels" in values:  # labels the page no longer shows are kept, as staff may have relied on them
            shown = {item["label"] for item in values["extra_labels"]}
            values["extra_labels"] = [i for i in project.extra_labels if i["label"] not in shown] + values[
                "extra_labels"
            ]
        writer.record_update(project, page.projects_id, writer.update(project, values))

    existing = {} if created else {o.position: o for o in project.objectives.all()}
    new: list[ProjectObjective] = []
    for position, text in enumerate(page.objectives, start=1):
        key = f"{page.projects_id} #{position}"
        objective = existing.pop(position, None)
        if objective is None:
            new.append(ProjectObjective(project=project, position=position, text=text))
        else:
            writer.record_update(objective, key, writer.update(objective, {"text": text}))
    writer.create_many(new, [f"{page.projects_id} #{o.position}" for o in new], [{"text": o.text} for o in new])
    for position in sorted(existing):
        if page.objectives:
            writer.warn(
                gettext("project %(id)s has objective #%(position)s, which the page does not list: kept")
                % {"id": page.projects_id, "position": position}
            )
    return project
