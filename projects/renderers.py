"""Exchange formats of the projects list: HXL CSV and IATI activity XML."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from projects import iati
from projects.models import Project
from registry.renderers import Column, CSVRenderer, ExportRenderer


def _funders(project: Project) -> list[str]:
    return sorted({agreement.donor.name for agreement in project.agreements.all()})


def _dac_sectors(project: Project) -> list[str]:
    return list(dict.fromkeys(area.dac_sector for area in project.thematic_areas.all() if area.dac_sector))


PROJECT_COLUMNS: tuple[Column, ...] = (
    Column("prima_id", "#activity+code+prima", lambda p: p.prima_id),
    Column("projects_id", "#activity+code+projects", lambda p: p.projects_id),
    Column("iati_identifier", "#activity+code+iati", iati.iati_identifier),
    Column("title", "#activity+name", lambda p: p.title),
    # The texts staff write in each language, HXL's language attributes telling which (+i_es, +i_en).
    Column("title_es", "#activity+name+i_es", lambda p: p.title_es),
    Column("title_en", "#activity+name+i_en", lambda p: p.title_en),
    Column("implementing_org", "#org+name+impl", lambda p: settings.IATI_REPORTING_ORG_NAME),
    Column("funders", "#org+name+funder", _funders),
    Column("status", "#status", lambda p: p.status),
    Column("project_type", "#activity+type", lambda p: p.project_type),
    Column("thematic_areas_es", "#sector+name+i_es", lambda p: [area.name_es for area in p.thematic_areas.all()]),
    Column("thematic_areas_en", "#sector+name+i_en", lambda p: [area.name_en for area in p.thematic_areas.all()]),
    Column("dac_sectors", "#sector+code+dac", lambda p: _dac_sectors(p)),
    Column("thematic_area_codes", "#sector+code", lambda p: [area.slug for area in p.thematic_areas.all()]),
    Column("start_year", "#date+start+year", lambda p: p.start_year),
    Column("end_year", "#date+end+year", lambda p: p.end_year),
    Column("start_date", "#date+start", lambda p: p.start_date),
    Column("end_date", "#date+end", lambda p: p.end_date),
    Column("budget_usd", "#value+budget+usd", lambda p: p.budget_usd),
    Column("coverage", "#loc+coverage", lambda p: p.coverage),
    Column("states", "#adm1+name", lambda p: [state.name for state in p.states.all()]),
    Column("state_codes", "#adm1+code", lambda p: [state.iso_code for state in p.states.all()]),
    Column("idf_region", "#region+idf", lambda p: p.idf_region),
    Column("summary", "#description", lambda p: p.summary),
    Column("summary_es", "#description+i_es", lambda p: p.summary_es),
    Column("summary_en", "#description+i_en", lambda p: p.summary_en),
    Column("updated_at", "#date+updated", lambda p: p.updated_at),
)


class ProjectCSVRenderer(CSVRenderer):
    filename = "projects"
    columns = PROJECT_COLUMNS


class IATIRenderer(ExportRenderer):
    """IATI 2.03 activity XML: one iati-activity per project."""

    media_type = "application/xml"
    format = "iati"
    filename = "projects-iati"
    allows_empty = False  # the IATI schema requires at least one iati-activity
    #: The request the document answers (set by the viewset): it tells where the reporting organisation's sector
    #: vocabulary, the thematic areas, is published.
    request: HttpRequest | None = None

    def stream(self, rows: Iterable[Project]) -> Iterator[str]:
        vocabulary_uri = ""
        if self.request is not None:
            vocabulary_uri = self.request.build_absolute_uri(reverse("api:thematic-area-list"))
        return iati.stream(rows, vocabulary_uri=vocabulary_uri)

    def content_disposition(self) -> str:
        return f'attachment; filename="{self.filename}.xml"'
