"""Writes on projects and thematic areas: what an imported project page or mission overview says about them.

Projects are found by their Projects ID (every project has one; older ones have no Prima ID) and thematic areas by
slug or name. Only what a page states is written: a value it leaves out never blanks a field staff filled in, and a
summary staff wrote is kept.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, TextChoices
from django.utils.text import slugify
from django.utils.translation import gettext

from projects.models import Coverage, IdfRegion, Project, ProjectObjective, ProjectType, ThematicArea
from registry.importers.pages import OverviewPage, ProjectPage, fold, shorten
from registry.importers.pages.text import detect_language
from registry.importers.records import RecordWriter
from registry.vocabulary import choice_from_text

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
        # The mission overview is IOM's English page: it fills the English fields.
        if area.pk is None:
            area.description_en = entry.description
            writer.create(area, entry.slug, {"name_en": entry.name, "description_en": entry.description})
        else:
            # The mission's own wording of an area is staff-curated: only fill what is missing.
            writer.record_update(
                area, area.slug, writer.update(area, {"description_en": area.description_en or entry.description})
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


def _vocabulary(writer: RecordWriter, choices: type[TextChoices], text: str, label: str) -> str:
    """The code for a vocabulary word of the page; a word outside the vocabulary is left out, with a warning."""
    code = choice_from_text(choices, text)
    if text and code is None:
        writer.warn(
            gettext("%(label)s: %(value)r is not in the vocabulary; left out") % {"label": label, "value": text}
        )
    return code or ""


def page_language(page: ProjectPage) -> str:
    """The language of a project page's text; IOM's project pages are English unless the text clearly says not."""
    return detect_language(f"{page.title}\n{page.description}") or "en"


@transaction.atomic(savepoint=False)  # a failure aborts the whole import: no savepoint to return to
def project_import(*, writer: RecordWriter, page: ProjectPage) -> Project:
    project = _existing_project(writer, page)
    # The page's text fills its own language's fields, so a project imported from its English and its Spanish
    # page holds both.
    lang = page_language(page)
    values: dict[str, Any] = {
        f"title_{lang}": page.title,
        "prima_id": page.prima_id,
        "projects_id": page.projects_id,
        "start_year": page.start_year,
        "end_year": page.end_year,
        "start_date": page.start_date,
        "end_date": page.end_date,
        "status": page.status,
        "project_type": _vocabulary(writer, ProjectType, page.project_type, "Project Type"),
        "budget_usd": page.budget_usd,
        "coverage": _vocabulary(writer, Coverage, page.coverage, "Coverage"),
        "year": page.year,
        "idf_region": _vocabulary(writer, IdfRegion, page.idf_region, "IDF Region"),
        "benefiting_member_states": sorted(set(page.member_states)),  # as the field stores them
        "extra_labels": [{"label": u.label, "value": u.value} for u in page.unknown_labels],
        f"description_{lang}": page.description,
    }
    values = {k: v for k, v in values.items() if v not in (None, "", [])}
    lead = page.description.split("\n\n")[0] if page.description else ""
    created = project is None
    if project is None:
        project = Project(**values, **{f"summary_{lang}": shorten(lead)})
        project.slug = writer.unique_slug(Project, slugify(page.title), PROJECT_SLUG_MAX)
        writer.create(project, page.projects_id, values)
    else:
        if not getattr(project, f"summary_{lang}") and lead:
            values[f"summary_{lang}"] = shorten(lead)  # staff's summary is kept; an empty one is filled
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
            new.append(ProjectObjective(project=project, position=position, **{f"text_{lang}": text}))
        else:
            writer.record_update(objective, key, writer.update(objective, {f"text_{lang}": text}))
    writer.create_many(
        new,
        [f"{page.projects_id} #{o.position}" for o in new],
        [{f"text_{lang}": getattr(o, f"text_{lang}")} for o in new],
    )
    for position in sorted(existing):
        if page.objectives:
            writer.warn(
                gettext("project %(id)s has objective #%(position)s, which the page does not list: kept")
                % {"id": page.projects_id, "position": position}
            )
    return project
