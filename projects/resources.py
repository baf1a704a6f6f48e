"""CSV/XLSX import and export of projects, their objectives and the thematic areas (see registry.resources)."""

from __future__ import annotations

from typing import Any

from import_export import fields, widgets

from projects.models import Project, ProjectObjective, ThematicArea
from registry.models import State
from registry.natural_keys import NaturalKeyResource, natural_key_field, natural_keys_field


class ThematicAreaResource(NaturalKeyResource):
    class Meta:
        model = ThematicArea
        import_id_fields = ("slug",)
        fields = ("slug", "name_es", "name_en", "description_es", "description_en", "position", "dac_sector")


class CountryCodesWidget(widgets.Widget):
    """Benefiting member states as ISO 3166-1 codes, comma-separated ("GT,MX"), both ways."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        return sorted({code.strip().upper() for code in str(value or "").split(",") if code.strip()})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return ",".join(country.code for country in value or [])


class ProjectResource(NaturalKeyResource):
    benefiting_member_states = fields.Field(
        attribute="benefiting_member_states", column_name="benefiting_member_states", widget=CountryCodesWidget()
    )
    thematic_areas = natural_keys_field("thematic_areas", ThematicArea, "slug")
    states = natural_keys_field("states", State, "iso_code")

    export_prefetch_related = ("thematic_areas", "states")

    class Meta:
        model = Project
        import_id_fields = ("prima_id",)
        fields = (
            "prima_id",
            "projects_id",
            "title_es",
            "title_en",
            "slug",
            "start_year",
            "end_year",
            "start_date",
            "end_date",
            "status",
            "project_type",
            "budget_usd",
            "coverage",
            "year",
            "idf_region",
            "benefiting_member_states",
            "summary_es",
            "summary_en",
            "description_es",
            "description_en",
            "source_url",
            "thematic_areas",
            "states",
        )


class ProjectObjectiveResource(NaturalKeyResource):
    project = natural_key_field("project", Project, "prima_id")

    export_select_related = ("project",)

    class Meta:
        model = ProjectObjective
        import_id_fields = ("project", "position")
        fields = ("project", "position", "text_es", "text_en")
