"""Staff admin for states, reference data, shelters, donors, agreements and their support items."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter, helpers
from django.db.models import Case, Count, QuerySet, When
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from registry import admin_accounts, services  # noqa: F401 (admin_accounts registers the user and group admins)
from registry.admin_mixins import HistoryAdmin, ReferenceAdmin, VersionedHistoryAdmin, VersionedInlineMixin
from registry.models import (
    CooperationAgreement,
    CorrectionReport,
    CorrectionStatus,
    Donor,
    Language,
    OpeningHours,
    PopulationGroup,
    Service,
    Shelter,
    State,
    SupportItem,
)
from registry.resources import (
    CooperationAgreementResource,
    DonorResource,
    PopulationGroupResource,
    ServiceResource,
    ShelterResource,
    StateResource,
    SupportItemResource,
)

admin.site.site_header = _("Migrant-shelter registry: staff")
admin.site.site_title = _("Registry staff")
admin.site.index_title = _("Registry records")

STAMPS = ("created_at", "updated_at")
VERSIONED_STAMPS = ("created_at", "updated_at", "version")


@admin.register(State)
class StateAdmin(HistoryAdmin):
    resource_classes = [StateResource]
    list_display = (
        "name",
        "iso_code",
        "inegi_code",
        "region",
        "borders_country",
        "time_zone",
        "shelter_count",
        "public_page",
    )
    list_filter = ("region", "borders_country", "time_zone")
    search_fields = ("name", "iso_code", "inegi_code", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = STAMPS
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[State]:
        return super().get_queryset(request).annotate(shelter_total=Count("shelters"))

    @admin.display(description=_("shelters"), ordering="shelter_total")
    def shelter_count(self, obj: State) -> int:
        return obj.shelter_total


class CodedReferenceAdmin(TranslationAdmin, ReferenceAdmin):
    list_display = ("code", "name_es", "name_en", "shelter_count")
    search_fields = ("code", "name_es", "name_en")
    ordering = ("code",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(shelter_total=Count("shelters"))

    @admin.display(description=_("shelters"), ordering="shelter_total")
    def shelter_count(self, obj: Service | PopulationGroup) -> int:
        return obj.shelter_total


@admin.register(Service)
class ServiceAdmin(CodedReferenceAdmin):
    resource_classes = [ServiceResource]


@admin.register(PopulationGroup)
class PopulationGroupAdmin(CodedReferenceAdmin):
    resource_classes = [PopulationGroupResource]


@admin.register(Language)
class LanguageAdmin(CodedReferenceAdmin):
    list_display = ("code", "name_es", "name_en", "position", "shelter_count")
    ordering = ("position", "code")


class AgreementInline(VersionedInlineMixin, admin.TabularInline):
    """The shelter's agreements; support items are edited on the agreement's own page (linked from each row)."""

    model = CooperationAgreement
    fields = ("reference", "donor", "project", "programme_phase", "programme_year", "signed_on", "status")
    autocomplete_fields = ("donor", "project")
    show_change_link = True
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[CooperationAgreement]:
        return super().get_queryset(request).select_related("donor", "project")


class OpeningHoursInline(admin.TabularInline):
    """The weekly hours: one row per range (several on a day for split hours), or "open 24 hours"."""

    model = OpeningHours
    fields = ("weekday", "all_day", "opens_at", "closes_at")
    extra = 0


class CorrectionReportInline(admin.TabularInline):
    """The visitors' correction reports about this shelter, newest first; decided on the reports' own page."""

    model = CorrectionReport
    fields = ("created_at", "message", "contact", "status", "decided_by", "decided_at")
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0
    max_num = 0
    verbose_name_plural = _("correction reports from visitors")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CorrectionReport]:
        return super().get_queryset(request).select_related("decided_by")


@admin.register(OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    """Every shelter's weekly ranges in one list (each shelter's own are edited inline on its page)."""

    list_display = ("shelter", "weekday", "all_day", "opens_at", "closes_at")
    list_filter = ("weekday", "all_day", "shelter__state")
    list_select_related = ("shelter",)
    search_fields = ("shelter__name",)
    autocomplete_fields = ("shelter",)


@admin.register(CorrectionReport)
class CorrectionReportAdmin(admin.ModelAdmin):
    """The moderation queue: new reports first; accept (optionally marking the shelter verified) or reject."""

    list_display = ("created_at", "shelter", "short_message", "status", "decided_by", "decided_at")
    list_filter = ("status", "created_at", "shelter__state")
    list_select_related = ("shelter", "decided_by")
    search_fields = ("message", "contact", "shelter__name")
    readonly_fields = ("shelter", "message", "contact", "language", "created_at", "status", "decided_by", "decided_at")
    fields = readonly_fields
    actions = ("accept", "accept_and_verify", "reject")

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        first_new = Case(When(status=CorrectionStatus.NEW, then=0), default=1)
        return [first_new, "-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from visitors

    @admin.display(description=_("what is wrong"))
    def short_message(self, obj: CorrectionReport) -> str:
        return obj.message if len(obj.message) <= 80 else obj.message[:79] + "…"

    def _decide(self, request: HttpRequest, queryset: QuerySet[CorrectionReport], **how: bool) -> None:
        reports = list(queryset.filter(status=CorrectionStatus.NEW).select_related("shelter"))
        for report in reports:
            services.correction_report_decide(report=report, user=request.user, **how)
        self.message_user(
            request,
            ngettext("%(count)d report decided.", "%(count)d reports decided.", len(reports)) % {"count": len(reports)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Accept selected reports"), permissions=["change"])
    def accept(self, request: HttpRequest, queryset: QuerySet[CorrectionReport]) -> None:
        self._decide(request, queryset, accept=True)

    @admin.action(description=_("Accept and mark their shelters verified today"), permissions=["change"])
    def accept_and_verify(self, request: HttpRequest, queryset: QuerySet[CorrectionReport]) -> None:
        self._decide(request, queryset, accept=True, mark_verified=True)

    @admin.action(description=_("Reject selected reports"), permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[CorrectionReport]) -> None:
        self._decide(request, queryset, accept=False)


@admin.register(Shelter)
class ShelterAdmin(
    VersionedHistoryAdmin, TranslationAdmin
):  # versioned first: TranslationAdmin.get_fieldsets ends the chain
    resource_classes = [ShelterResource]
    list_display = (
        "name",
        "state",
        "municipality",
        "status",
        "operator_type",
        "capacity",
        "agreement_count",
        "last_verified",
        "public_page",
    )
    list_select_related = ("state",)
    list_filter = (
        "state__region",
        ("state", RelatedOnlyFieldListFilter),
        "status",
        "location_visibility",
        "operator_type",
        "services",
        "populations",
        "languages",
        "last_verified",
    )
    search_fields = ("name", "slug", "municipality", "address", "state__name", "state__iso_code")
    autocomplete_fields = ("state", "populations", "services", "languages")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = VERSIONED_STAMPS
    date_hierarchy = "last_verified"
    ordering = ("name", "id")
    inlines = (AgreementInline, OpeningHoursInline, CorrectionReportInline)
    actions = ("mark_verified", "close_shelters")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "state",
                    "municipality",
                    "address",
                    ("latitude", "longitude"),
                    "location_visibility",
                    "status",
                    "last_verified",
                )
            },
        ),
        (
            _("Operation"),
            {
                "fields": (
                    "operator_type",
                    "populations",
                    "services",
                    "capacity",
                    ("average_daily_arrivals", "peak_daily_arrivals"),
                    "time_zone",
                    ("opening_hours_es", "opening_hours_en"),
                    "languages",
                    ("eligibility_notes_es", "eligibility_notes_en"),
                    ("accessibility_notes_es", "accessibility_notes_en"),
                )
            },
        ),
        (_("Contact"), {"fields": ("phone", "whatsapp", "email", "website")}),
        (_("Record"), {"fields": ("source_url", *VERSIONED_STAMPS), "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Shelter]:
        return super().get_queryset(request).annotate(agreement_total=Count("agreements"))

    @admin.display(description=_("agreements"), ordering="agreement_total")
    def agreement_count(self, obj: Shelter) -> int:
        return obj.agreement_total

    @admin.action(description=_("Mark selected shelters as verified today"), permissions=["change"])
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[Shelter]) -> None:
        changed = services.shelter_mark_verified(shelters=queryset, user=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d shelter marked as verified today.",
                "%(count)d shelters marked as verified today.",
                len(changed),
            )
            % {"count": len(changed)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Close selected shelters"), permissions=["change"])
    def close_shelters(self, request: HttpRequest, queryset: QuerySet[Shelter]) -> TemplateResponse | None:
        # Closing takes a shelter off the public list: ask for confirmation (and a reason for the history) first.
        if request.POST.get("post") == "yes":
            changed = services.shelter_close(
                shelters=queryset, user=request.user, reason=request.POST.get("reason", "")[:200]
            )
            self.message_user(
                request,
                ngettext("%(count)d shelter closed.", "%(count)d shelters closed.", len(changed))
                % {"count": len(changed)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Close shelters"),
            "opts": self.model._meta,
            "queryset": queryset.select_related("state"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/registry/shelter/close_confirmation.html", context)


@admin.register(Donor)
class DonorAdmin(HistoryAdmin):
    resource_classes = [DonorResource]
    list_display = ("name", "acronym", "country", "agreement_count")
    search_fields = ("name", "acronym")
    list_filter = ("country",)
    readonly_fields = STAMPS
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Donor]:
        return super().get_queryset(request).annotate(agreement_total=Count("agreements"))

    @admin.display(description=_("agreements"), ordering="agreement_total")
    def agreement_count(self, obj: Donor) -> int:
        return obj.agreement_total


class SupportItemInline(TranslationTabularInline):
    model = SupportItem
    fields = ("category", "description_es", "description_en", "quantity", "unit_es", "unit_en", "value_usd")
    extra = 1


@admin.register(CooperationAgreement)
class CooperationAgreementAdmin(VersionedHistoryAdmin):
    resource_classes = [CooperationAgreementResource]
    list_display = (
        "reference",
        "shelter",
        "state",
        "donor",
        "project",
        "programme_phase",
        "programme_year",
        "status",
        "signed_on",
        "item_count",
        "public_page",
    )
    list_select_related = ("shelter__state", "donor", "project")
    list_filter = (
        "status",
        "donor",
        "programme_year",
        "programme_phase",
        "shelter__state__region",
        ("shelter__state", RelatedOnlyFieldListFilter),
    )
    search_fields = (
        "reference",
        "shelter__name",
        "shelter__slug",
        "donor__acronym",
        "donor__name",
        "project__prima_id",
        "project__title",
    )
    autocomplete_fields = ("shelter", "donor", "project")
    readonly_fields = VERSIONED_STAMPS
    date_hierarchy = "signed_on"
    ordering = ("-programme_phase", "reference")
    inlines = (SupportItemInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "shelter",
                    "donor",
                    "project",
                    ("implementing_office_es", "implementing_office_en"),
                    ("programme_phase", "programme_year"),
                    "signed_on",
                    "status",
                )
            },
        ),
        (_("Record"), {"fields": VERSIONED_STAMPS, "classes": ("collapse",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CooperationAgreement]:
        return super().get_queryset(request).annotate(item_total=Count("items"))

    @admin.display(description=_("state"), ordering="shelter__state__name")
    def state(self, obj: CooperationAgreement) -> State:
        return obj.shelter.state

    @admin.display(description=_("support items"), ordering="item_total")
    def item_count(self, obj: CooperationAgreement) -> int:
        return obj.item_total


@admin.register(SupportItem)
class SupportItemAdmin(TranslationAdmin, HistoryAdmin):
    resource_classes = [SupportItemResource]
    list_display = ("description", "category", "agreement", "shelter", "quantity", "unit", "value_usd")
    list_select_related = ("agreement__shelter",)
    list_filter = (
        "category",
        "agreement__donor",
        "agreement__programme_year",
        "agreement__shelter__state__region",
        ("agreement__shelter__state", RelatedOnlyFieldListFilter),
    )
    search_fields = ("description_es", "description_en", "agreement__reference", "agreement__shelter__name")
    autocomplete_fields = ("agreement",)
    ordering = ("agreement__reference", "category", "id")

    @admin.display(description=_("shelter"), ordering="agreement__shelter__name")
    def shelter(self, obj: SupportItem) -> Shelter:
        return obj.agreement.shelter
