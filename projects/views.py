"""Public pages for the mission's projects."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.views.generic import DetailView

from projects.filters import ProjectFilter
from projects.models import Project
from registry.models import CooperationAgreement
from registry.views import RELATED_LIMIT, FilteredListView


class ProjectListView(FilteredListView):
    filterset_class = ProjectFilter

    def get_queryset(self) -> QuerySet[Project]:
        return Project.objects.for_list()


class ProjectDetailView(DetailView):
    """A project with its agreements; config.views.ProjectPageView adds the news about it."""

    queryset = Project.objects.for_detail()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        project = self.object
        return super().get_context_data(
            agreements=CooperationAgreement.objects.for_list().filter(project=project)[:RELATED_LIMIT],
            **kwargs,
        )
