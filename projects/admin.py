"""Staff admin for projects, their objectives and the thematic areas."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from projects.models import Project, ProjectObjective, ThematicArea
from projects.resources import ProjectObjectiveResource, ProjectResource, ThematicAreaResource
from registry.admin_mixins import HistoryAdmin, VersionedHistoryAdmin


@admin.register(ThematicArea)
class ThematicAreaAdmin(TranslationAdmin, HistoryAdmin):
    resource_classes = [ThematicAreaResource]
    list_display = ("name_en", "name_es", "slug", "dac_sector", "position", "project_count")
    search_fields = ("name_en", "name_es", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("position", "slug")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ThematicArea]:
        return super().get_queryset(request).annotate(project_total=Count("projects"))

    @admin.display(description=_("projects"), ordering="project_total")
    def project_count(self, obj: ThematicArea) -> int:
        return obj.project_total


class ProjectObjectiveInline(TranslationTabularInline):
    model = ProjectObjective
    fields = ("position", "text_es", "text_en")
    extra = 1


@admin.register(Project)
class ProjectAdmin(
    VersionedHistoryAdmin, TranslationAdmin
):  # versioned first: TranslationAdmin.get_fieldsets ends the chain
    resource_classes = [ProjectResource]
    change_list_template = "admin/change_list_page_import.html"
    list_display = (
        "title",
        "prima_id",
        "projects_id",
        "status",
        "start_year",
        "end_year",
        "budget_usd",
        "theme_names",
        "objective_count",
        "public_page",
    )
    list_filter = (
        "status",
        "thematic_areas",
        "start_year",
        "project_type",
        "states__region",
        ("states", RelatedOnlyFieldListFilter),
    )
    search_fields = ("title_es", "title_en", "slug", "prima_id", "projects_id", "summary_es", "summary_en")
    autocomplete_fields = ("thematic_areas", "states")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "version", "extra_labels_list")
    date_hierarchy = "start_date"
    inlines = (ProjectObjectiveInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title_es", "title_en"),
                    "slug",
                    ("prima_id", "projects_id"),
                    "status",
                    "project_type",
                    ("start_year", "end_year"),
                    ("start_date", "end_date"),
                    "year",
                    "budget_usd",
                )
            },
        ),
        (
            _("Scope"),
            {"fields": ("coverage", "idf_region", "benefiting_member_states", "thematic_areas", "states")},
        ),
        (_("Text"), {"fields": (("summary_es", "summary_en"), ("description_es", "description_en"), "source_url")}),
        (_("Other labelled values"), {"fields": ("extra_labels_list",), "classes": ("collapse",)}),
        (_("Record"), {"fields": ("created_at", "updated_at", "version"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return (
            super()
            .get_queryset(request)
            .annotate(objective_total=Count("objectives", distinct=True))
            .prefetch_related("thematic_areas")
        )

    @admin.display(description=_("other labelled values"))
    def extra_labels_list(self, obj: Project) -> str:
        """The source page's labels that have no field of their own, as the page gave them."""
        if not obj.extra_labels:
            return "—"
        return format_html_join(
            mark_safe("<br>"), "<strong>{}</strong>: {}", ((i["label"], i["value"]) for i in obj.extra_labels)
        )

    @admin.display(description=_("thematic areas"))
    def theme_names(self, obj: Project) -> str:
        return ", ".join(area.name for area in obj.thematic_areas.all())

    @admin.display(description=_("objectives"), ordering="objective_total")
    def objective_count(self, obj: Project) -> int:
        return obj.objective_total


@admin.register(ProjectObjective)
class ProjectObjectiveAdmin(TranslationAdmin, HistoryAdmin):
    resource_classes = [ProjectObjectiveResource]
    list_display = ("__str__", "project", "position")
    list_select_related = ("project",)
    list_filter = ("project__status", "project__thematic_areas")
    search_fields = ("text_es", "text_en", "project__title_es", "project__title_en", "project__prima_id")
    autocomplete_fields = ("project",)
    ordering = ("project__title", "position")
