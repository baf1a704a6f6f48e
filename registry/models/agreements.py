"""Donors, cooperation agreements and the support items they bring to shelters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import models
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models.base import TimeStampedModel, VersionedModel, choice_label, one_language_required, text_is
from registry.models.shelters import (
    Shelter,
)


class DonorQuerySet(models.QuerySet["Donor"]):
    def in_region(self, region: str) -> DonorQuerySet:
        # A semi-join (IN) over the agreements rather than a join + DISTINCT, as for projects and news.
        funding = CooperationAgreement.objects.filter(shelter__state__region=region).values("donor_id")
        return self.filter(pk__in=funding)


class DonorManager(models.Manager.from_queryset(DonorQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, acronym: str) -> Donor:
        return self.get(acronym=acronym)


class Donor(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(_("acronym"), max_length=20, unique=True)
    country = models.CharField(_("country (ISO 3166-1 alpha-2)"), max_length=2, blank=True)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()
    objects = DonorManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("donor")
        verbose_name_plural = _("donors")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})"

    def natural_key(self) -> tuple[str]:
        return (self.acronym,)


class AgreementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    SIGNED = "signed", _("Signed")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class AgreementQuerySet(models.QuerySet["CooperationAgreement"]):
    def in_region(self, region: str) -> AgreementQuerySet:
        return self.filter(shelter__state__region=region)

    def for_list(self) -> AgreementQuerySet:
        return self.select_related("shelter__state", "donor", "project").prefetch_related("items")

    for_detail = for_list

    def with_items(self) -> AgreementQuerySet:
        """Each agreement with its support items as `item_list`, read in the same query: a LEFT JOIN gives one row
        per item (one for an agreement without any), folded back into one agreement each. Rows, not agreements,
        are what a slice would count: read them all."""
        annotations = {f"item_{name}": F(f"items__{name}") for name in ITEM_FIELDS}
        queryset = self.annotate(**annotations).order_by(
            *CooperationAgreement._meta.ordering, "items__category", "items__id"
        )
        queryset._iterable_class = _WithItemsIterable
        return queryset

    def for_project_detail(self) -> AgreementQuerySet:
        """What a project's page lists of its agreements: the shelter and its state, the donor and the number of
        items (counted, not read). No location field of the shelter is read, so none can show."""
        return (
            self.select_related("shelter__state", "donor")
            .only(
                "reference",
                "programme_phase",
                "shelter__slug",
                "shelter__name",
                "shelter__state__name",
                "donor__acronym",
            )
            .annotate(item_count=Count("items"))
        )


# The SupportItem fields with_items() reads (what a page shows of an item, and its key).
ITEM_FIELDS = ("id", "category", "description_es", "description_en", "quantity", "unit_es", "unit_en", "value_usd")


class _WithItemsIterable(ModelIterable):
    """Agreements from with_items()' rows: consecutive rows of one agreement become one, its items a list."""

    def __iter__(self) -> Iterator[Any]:
        current = None
        db = self.queryset.db
        names = [f.attname for f in SupportItem._meta.concrete_fields if f.attname in ITEM_FIELDS]  # from_db's order
        for row in super().__iter__():
            values = {name: row.__dict__.pop(f"item_{name}") for name in ITEM_FIELDS}
            if current is None or row.pk != current.pk:
                if current is not None:
                    yield current
                current = row
                current.item_list = []
            if values["id"] is not None:  # the one row of an agreement without items has none
                item = SupportItem.from_db(db, names, [values[name] for name in names])
                item.agreement = current
                current.item_list.append(item)
        if current is not None:
            yield current


class AgreementManager(models.Manager.from_queryset(AgreementQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, reference: str) -> CooperationAgreement:
        return self.get(reference=reference)


class CooperationAgreement(VersionedModel):
    """An agreement through which a donor-funded programme brings support to one shelter."""

    reference = models.CharField(
        _("reference"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier, e.g. PRM-2-hermanos-en-el-camino."),
    )
    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("shelter"))
    # Each language has its own default (registry/translation.py): a value equal to this one counts as unwritten.
    implementing_office = models.CharField(_("implementing office"), max_length=120, default="")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("donor"))
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
        verbose_name=_("project"),
    )
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    programme_phase = models.PositiveSmallIntegerField(_("programme phase"), default=1)
    programme_year = models.PositiveSmallIntegerField(_("programme year"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.SIGNED,
        db_index=True,
    )

    # history: registered in registry/translation.py, after the translated fields exist
    objects = AgreementManager()

    class Meta:
        ordering = ["-programme_phase", "reference"]
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        # The default order, so that a page of the list is read off the index instead of sorting every agreement.
        indexes = [models.Index(fields=["-programme_phase", "reference"], name="agreement_phase_reference_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["shelter", "donor", "programme_phase"], name="agreement_unique_shelter_donor_phase"
            ),
            models.CheckConstraint(
                condition=Q(programme_phase__gte=1),
                name="agreement_phase_positive",
                violation_error_message=_("The programme phase is 1 or more."),
            ),
            models.CheckConstraint(
                condition=Q(programme_year__isnull=True) | Q(programme_year__gte=1990, programme_year__lte=2100),
                name="agreement_year_plausible",
                violation_error_message=_("The programme year must be between 1990 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values),
                name="agreement_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return self.shelter.get_absolute_url() + f"#agreement-{self.reference}"

    @property
    def status_label(self) -> str:
        return choice_label(AgreementStatus, self.status)

    def natural_key(self) -> tuple[str]:
        return (self.reference,)

    natural_key.dependencies = ["registry.shelter", "registry.donor", "projects.project"]  # type: ignore[attr-defined]


class SupportCategory(models.TextChoices):
    MEDICINES = "medicines", _("Medicines")
    MEDICAL_SUPPLIES = "medical_supplies", _("Medical materials and equipment")
    HYGIENE = "hygiene", _("Hygiene products")
    CONSTRUCTION = "construction", _("Construction materials")
    TRAINING = "training", _("Staff training")


class SupportItemManager(models.Manager["SupportItem"]):
    def get_by_natural_key(
        self, reference: str, category: str, description_es: str, description_en: str
    ) -> SupportItem:
        return self.get(
            text_is("description_es", description_es),
            text_is("description_en", description_en),
            agreement__reference=reference,
            category=category,
        )


class SupportItem(models.Model):
    """One line of support under an agreement: a category, what it is, and optionally how much."""

    agreement = models.ForeignKey(
        CooperationAgreement, on_delete=models.CASCADE, related_name="items", verbose_name=_("agreement")
    )
    category = models.CharField(_("category"), max_length=20, choices=SupportCategory.choices)
    # blank: one language is enough (constraint)
    description = models.CharField(_("description or training topic"), max_length=255, blank=True, default="")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True, default="")
    value_usd = models.DecimalField(_("value (USD)"), max_digits=14, decimal_places=2, null=True, blank=True)

    # history: registered in registry/translation.py, after the translated fields exist
    objects = SupportItemManager()

    class Meta:
        ordering = ["agreement", "category", "id"]
        verbose_name = _("support item")
        verbose_name_plural = _("support items")
        constraints = [
            models.UniqueConstraint(
                "agreement",
                "category",
                Coalesce("description_es", Value("")),
                Coalesce("description_en", Value("")),
                name="support_item_unique_per_agreement",
                violation_error_message=_("This agreement already has an item of this category with this description."),
            ),
            one_language_required(
                "description",
                label="support_item",
                message=_("Write the description in Spanish, in English or in both."),
            ),
            models.CheckConstraint(
                condition=Q(category__in=SupportCategory.values),
                name="support_item_category_valid",
                violation_error_message=_("Choose a category from the list."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="support_item_quantity_non_negative",
                violation_error_message=_("The quantity cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(value_usd__isnull=True) | Q(value_usd__gte=0),
                name="support_item_value_non_negative",
                violation_error_message=_("The value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description}"

    @property
    def category_label(self) -> str:
        return choice_label(SupportCategory, self.category)

    def natural_key(self) -> tuple[str, str, str, str]:
        return (self.agreement.reference, self.category, self.description_es or "", self.description_en or "")

    natural_key.dependencies = ["registry.cooperationagreement"]  # type: ignore[attr-defined]


# Models kept in modules of their own, imported here so that Django finds them (and `registry.models` names them).
from registry.corrections import CorrectionReport, CorrectionStatus  # noqa: E402, F401
