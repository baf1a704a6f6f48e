"""API viewsets for projects (JSON, HXL CSV, IATI XML) and thematic areas."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse

from projects.filters import ProjectFilter, ThematicAreaFilter
from projects.models import Project, ThematicArea
from projects.renderers import IATIRenderer, ProjectCSVRenderer
from projects.serializers import ProjectListSerializer, ProjectSerializer, ThematicAreaSerializer
from registry.rest.facets import FacetsMixin
from registry.rest.schema import CSV_RESPONSE, document, path_key
from registry.rest.viewsets import ApiModelViewSet


@document(
    noun="project",
    plural="projects",
    lookup=path_key("slug", str(_("The project's slug; its Prima ID (e.g. MX10P0001) works too."))),
    list_serializer=ProjectListSerializer,
    serializer=ProjectSerializer,
    exports={
        "csv": ("text/csv", CSV_RESPONSE),
        "iati": (
            "application/xml",
            OpenApiResponse(
                OpenApiTypes.STR,
                description=str(_("IATI 2.03 activity XML: iati-activities with one iati-activity per project.")),
            ),
        ),
    },
)
class ProjectViewSet(FacetsMixin, ApiModelViewSet):
    """The mission's projects, with their thematic areas, states covered and objectives."""

    model = Project
    serializer_class = ProjectSerializer
    list_serializer_class = ProjectListSerializer
    filterset_class = ProjectFilter
    lookup_field = "slug"
    facet_state_path = "states"
    export_renderer_classes = (ProjectCSVRenderer, IATIRenderer)

    def get_export_queryset(self) -> QuerySet:
        return Project.objects.for_export()

    def get_renderers(self) -> list[Any]:
        renderers = super().get_renderers()
        for renderer in renderers:
            if isinstance(renderer, IATIRenderer):
                renderer.request = self.request
        return renderers

    def get_object(self) -> Model:
        key = self.kwargs[self.lookup_field]
        queryset = self.filter_queryset(self.get_queryset())
        # Slugs are lower case and Prima IDs upper case, so the two never meet; the slug wins all the same.
        project = queryset.filter(slug=key).first() or queryset.filter(prima_id=key).first()
        if project is None:
            raise Http404(_("No project with this slug or Prima ID."))
        self.check_object_permissions(self.request, project)
        return project


@document(
    noun="thematic area",
    plural="thematic areas",
    lookup=path_key("slug", str(_("The thematic area's slug, e.g. protection."))),
    list_serializer=ThematicAreaSerializer,
    serializer=ThematicAreaSerializer,
)
class ThematicAreaViewSet(ApiModelViewSet):
    """The mission's areas of work, with how many projects each has."""

    serializer_class = ThematicAreaSerializer
    filterset_class = ThematicAreaFilter
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet:
        # Counting groups the rows, and grouped queries drop Meta.ordering: order again for stable pages.
        counted = ThematicArea.objects.annotate(project_count=Count("projects", distinct=True))
        return counted.order_by("position", "slug")
