"""Public pages for the mission's projects."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView

from projects.filters import ProjectFilter
from projects.models import Project
from projects.selectors import project_links
from registry.models import CooperationAgreement
from registry.views import RELATED_LIMIT, FilteredListView


class ProjectListView(FilteredListView):
    filterset_class = ProjectFilter

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.for_list()


class ProjectDetailView(DetailView):
    """A project with its agreements; config.views.ProjectPageView adds the news about it."""

    # Its thematic areas, states and objectives come in one query (project_links), not for_detail()'s prefetches.
    queryset = Project.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        project = self.object
        return super().get_context_data(
            links=project_links(project),
            agreements=CooperationAgreement.objects.filter(project=project).for_project_detail()[:RELATED_LIMIT],
            **kwargs,
        )
