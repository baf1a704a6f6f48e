"""CSV/XLSX import and export of projects, their objectives and the thematic areas (see registry.resources)."""

from __future__ import annotations

from projects.models import Project, ProjectObjective, ThematicArea
from registry.models import State
from registry.natural_keys import NaturalKeyResource, natural_key_field, natural_keys_field


class ThematicAreaResource(NaturalKeyResource):
    class Meta:
        model = ThematicArea
        import_id_fields = ("slug",)
        fields = ("slug", "name_en", "name_es", "description", "position", "dac_sector")


class ProjectResource(NaturalKeyResource):
    thematic_areas = natural_keys_field("thematic_areas", ThematicArea, "slug")
    states = natural_keys_field("states", State, "iso_code")

    export_prefetch_related = ("thematic_areas", "states")

    class Meta:
        model = Project
        import_id_fields = ("prima_id",)
        fields = (
            "prima_id",
            "projects_id",
            "title",
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
            "summary",
            "description",
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
        fields = ("project", "position", "text")
