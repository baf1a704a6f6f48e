"""Staff admin for projects, their objectives and the thematic areas."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import Project, ProjectObjective, ThematicArea
from projects.resources import ProjectObjectiveResource, ProjectResource, ThematicAreaResource
from registry.admin_mixins import HistoryAdmin, VersionedHistoryAdmin
from registry.importers.load import ImportReport, PageImportError, import_pages

#: Staff who may upload pages: they create and update projects and articles (and the shelters, donors and
#: agreements a news page announces, which Editors may also do).
IMPORT_PAGES_PERMISSIONS = (
    "projects.add_project",
    "projects.change_project",
    "news.add_article",
    "news.change_article",
)
MAX_PAGE_BYTES = 1_000_000
#: A previewed upload is carried to the confirmation step signed, so what is imported is exactly what was shown.
PAGES_SIGNING_SALT = "projects.admin.import_pages"
PREVIEW_VALID_SECONDS = 60 * 60


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".txt,text/plain"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in data if item] if isinstance(data, list | tuple) else [data]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class PageUploadForm(forms.Form):
    pages = MultipleFileField(
        label=_("Pages"),
        help_text=_("One or more .txt files in the seed documents' format (project, news or mission overview pages)."),
    )
    dry_run = forms.BooleanField(
        label=_("Preview only: show what would change and write nothing"), required=False, initial=True
    )

    def clean_pages(self) -> list[tuple[str, str]]:
        sources = []
        for upload in self.cleaned_data["pages"]:
            if not upload.name.lower().endswith(".txt"):
                raise ValidationError(_("%(file)s is not a .txt file."), params={"file": upload.name})
            if upload.size > MAX_PAGE_BYTES:
                raise ValidationError(
                    _("%(file)s is larger than %(limit)s bytes."), params={"file": upload.name, "limit": MAX_PAGE_BYTES}
                )
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise ValidationError(
                    _("%(file)s is not UTF-8 text (byte %(position)s)."),
                    params={"file": upload.name, "position": exc.start},
                ) from exc
            sources.append((upload.name, text))
        return sources


@admin.register(ThematicArea)
class ThematicAreaAdmin(HistoryAdmin):
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


class ProjectObjectiveInline(admin.TabularInline):
    model = ProjectObjective
    fields = ("position", "text")
    extra = 1


@admin.register(Project)
class ProjectAdmin(VersionedHistoryAdmin):
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
    search_fields = ("title", "slug", "prima_id", "projects_id", "project_type", "summary")
    autocomplete_fields = ("thematic_areas", "states")
    prepopulated_fields = {"slug": ("title",)}
    readonly_fields = ("created_at", "updated_at", "version")
    date_hierarchy = "start_date"
    inlines = (ProjectObjectiveInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
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
        (_("Text"), {"fields": ("summary", "description", "source_url")}),
        (_("Record"), {"fields": ("created_at", "updated_at", "version"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Project]:
        return (
            super()
            .get_queryset(request)
            .annotate(objective_total=Count("objectives", distinct=True))
            .prefetch_related("thematic_areas")
        )

    # --- upload of pages in the seed documents' format: the same import as `manage.py import_pages` ---------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import-pages/",
                self.admin_site.admin_view(self.import_pages_view),
                name="projects_project_import_pages",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import_pages": can_import_pages(request)}
        return super().changelist_view(request, extra_context)

    def import_pages_view(self, request: HttpRequest) -> HttpResponse:
        if not can_import_pages(request):
            raise PermissionDenied
        form = PageUploadForm()
        report: ImportReport | None = None
        payload = ""
        sources: list[tuple[str, str]] | None = None
        dry_run = True
        if request.method == "POST" and "payload" in request.POST:
            try:
                sources = [
                    tuple(s)
                    for s in signing.loads(
                        request.POST["payload"], salt=PAGES_SIGNING_SALT, max_age=PREVIEW_VALID_SECONDS
                    )
                ]
            except signing.BadSignature:
                messages.error(request, gettext("The preview has expired or was altered; upload the pages again."))
            dry_run = False
        elif request.method == "POST":
            form = PageUploadForm(request.POST, request.FILES)
            if form.is_valid():
                sources, dry_run = form.cleaned_data["pages"], form.cleaned_data["dry_run"]
        if sources:
            names = ", ".join(name for name, _text in sources)
            try:
                report = import_pages(
                    sources=sources,
                    dry_run=dry_run,
                    change_reason=gettext("Pages uploaded in the admin: %(names)s") % {"names": names},
                )
            except PageImportError as exc:
                for source, line, message in exc.problems:
                    where = gettext("%(file)s, line %(line)s") % {"file": source, "line": line} if line else source
                    form.add_error(None, f"{where}: {message}")
                messages.error(request, gettext("Nothing was imported: a page could not be read or saved."))
            else:
                summary = gettext("%(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
                if dry_run:
                    payload = signing.dumps(sources, salt=PAGES_SIGNING_SALT, compress=True)
                    messages.info(request, gettext("Preview, nothing written yet: %(summary)s") % {"summary": summary})
                else:
                    messages.success(request, gettext("Pages imported: %(summary)s") % {"summary": summary})
                for warning in report.warnings:
                    messages.warning(request, warning)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Import pages"),
            "opts": self.opts,
            "form": form,
            "report": report,
            "payload": payload,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/projects/project/import_pages.html", context)

    @admin.display(description=_("thematic areas"))
    def theme_names(self, obj: Project) -> str:
        return ", ".join(area.name for area in obj.thematic_areas.all())

    @admin.display(description=_("objectives"), ordering="objective_total")
    def objective_count(self, obj: Project) -> int:
        return obj.objective_total


def can_import_pages(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff and request.user.has_perms(IMPORT_PAGES_PERMISSIONS)


@admin.register(ProjectObjective)
class ProjectObjectiveAdmin(HistoryAdmin):
    resource_classes = [ProjectObjectiveResource]
    list_display = ("__str__", "project", "position")
    list_select_related = ("project",)
    list_filter = ("project__status", "project__thematic_areas")
    search_fields = ("text", "project__title", "project__prima_id")
    autocomplete_fields = ("project",)
    ordering = ("project__title", "position")
