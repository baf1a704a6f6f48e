"""Staff admin for news articles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from news.models import Article
from news.resources import ArticleResource
from registry.admin_mixins import VersionedHistoryAdmin


@admin.register(Article)
class ArticleAdmin(
    VersionedHistoryAdmin, TranslationAdmin
):  # versioned first: TranslationAdmin.get_fieldsets ends the chain
    resource_classes = [ArticleResource]
    change_list_template = "admin/change_list_page_import.html"
    list_display = (
        "title",
        "language",
        "published_on",
        "state_names",
        "shelter_count",
        "project_count",
        "public_page",
    )
    list_filter = ("language", "published_on", "states__region", ("states", RelatedOnlyFieldListFilter))
    search_fields = ("title_es", "title_en", "slug", "summary_es", "summary_en", "body_es", "body_en")
    autocomplete_fields = ("states", "shelters", "projects")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "version")
    date_hierarchy = "published_on"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("title_es", "title_en"),
                    "slug",
                    ("published_on", "language"),
                    ("summary_es", "summary_en"),
                    ("body_es", "body_en"),
                    "source_url",
                    ("press_contact_es", "press_contact_en"),
                )
            },
        ),
        (_("Related records"), {"fields": ("states", "shelters", "projects")}),
        (_("Record"), {"fields": ("created_at", "updated_at", "version"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Article]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                shelter_total=Count("shelters", distinct=True),
                project_total=Count("projects", distinct=True),
            )
            .prefetch_related("states")
        )

    @admin.display(description=_("states"))
    def state_names(self, obj: Article) -> str:
        return ", ".join(state.name for state in obj.states.all())

    @admin.display(description=_("shelters"), ordering="shelter_total")
    def shelter_count(self, obj: Article) -> int:
        return obj.shelter_total

    @admin.display(description=_("projects"), ordering="project_total")
    def project_count(self, obj: Article) -> int:
        return obj.project_total
