"""FilterSets for projects and thematic areas, shared by the public pages and the API."""

from __future__ import annotations

from datetime import datetime

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from projects.models import Project, ProjectObjective, ProjectStatus, ProjectType, ThematicArea
from registry.filters import (
    LinkedModelChoiceFilter,
    StableOrderingFilter,
    modified_after_filter,
    region_filter,
    state_filter,
    text_search,
    touched,
)
from registry.localized import every_language


def project_related_changes(since: datetime) -> Q:
    """What a project shows of other records: its objectives, the slugs of its thematic areas, its states' codes."""
    areas = ThematicArea.history.filter(history_date__gte=since).values("id")
    shown = Project.objects.filter(Q(thematic_areas__in=areas) | Q(states__updated_at__gte=since))
    return Q(pk__in=touched(ProjectObjective, "project_id", since)) | Q(pk__in=shown.values("pk"))


class YearFilter(filters.NumberFilter):
    field_class = forms.IntegerField


class ProjectFilter(filters.FilterSet):
    q = filters.CharFilter(
        method=text_search([*every_language("title", "summary", "description"), "prima_id", "projects_id"]),
        label=_("Search"),
        max_length=200,
    )
    state = state_filter("states__iso_code")
    region = region_filter()
    status = filters.ChoiceFilter(choices=ProjectStatus.choices, label=_("Status"))
    project_type = filters.ChoiceFilter(choices=ProjectType.choices, label=_("Project type"))
    thematic_area = LinkedModelChoiceFilter(
        field_name="thematic_areas__slug",
        to_field_name="slug",
        queryset=ThematicArea.objects.all(),
        label=_("Thematic area"),
    )
    year_min = YearFilter(method="filter_year_min", label=_("Running in or after"), min_value=1950, max_value=2100)
    year_max = YearFilter(method="filter_year_max", label=_("Running in or before"), min_value=1950, max_value=2100)
    budget_min = filters.NumberFilter(
        field_name="budget_usd", lookup_expr="gte", label=_("Budget from (USD)"), min_value=0, max_value=10**12
    )
    budget_max = filters.NumberFilter(
        field_name="budget_usd", lookup_expr="lte", label=_("Budget up to (USD)"), min_value=0, max_value=10**12
    )
    modified_after = modified_after_filter(project_related_changes)
    ordering = StableOrderingFilter(
        fields=(("start_year", "start_year"), ("budget_usd", "budget"), ("title", "title"), ("updated_at", "updated")),
        label=_("Sort by"),
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_year_min(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        # A project runs in the range when it has not ended before it starts.
        return queryset.filter(Q(end_year__gte=value) | Q(end_year__isnull=True, start_year__gte=value))

    def filter_year_max(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return queryset.filter(start_year__lte=value)


class ThematicAreaFilter(filters.FilterSet):
    q = filters.CharFilter(method=text_search(every_language("name", "description")), label=_("Search"))

    class Meta:
        model = ThematicArea
        fields: list[str] = []
