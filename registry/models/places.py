"""States and border regions, and the reference terms (services, population groups, languages)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.hours import (
    TimeZone,
)
from registry.languages import validate_iso_639_3
from registry.models.base import TimeStampedModel, choice_label


class BorderRegion(models.TextChoices):
    NORTH = "north", _("Northern border")
    CENTRE = "centre", _("Centre")
    SOUTH = "south", _("Southern border")


class BorderCountry(models.TextChoices):
    NONE = "", _("None")
    US = "US", _("United States")
    GT = "GT", _("Guatemala")
    BZ = "BZ", _("Belize")


class StateQuerySet(models.QuerySet["State"]):
    def in_region(self, region: str) -> StateQuerySet:
        return self.filter(region=region)

    def with_counts(self) -> StateQuerySet:
        return self.annotate(
            shelter_count=models.Count("shelters", distinct=True),
            agreement_count=models.Count("shelters__agreements", distinct=True),
        )


class StateManager(models.Manager.from_queryset(StateQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, iso_code: str) -> State:
        return self.get(iso_code=iso_code)


class State(TimeStampedModel):
    """One of Mexico's 32 federal entities, with the programme's border-region classification."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    inegi_code = models.CharField(_("INEGI code"), max_length=2, unique=True, help_text=_("01 to 32, as text."))
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True, help_text=_("For example MX-CHP."))
    region = models.CharField(_("border region"), max_length=6, choices=BorderRegion.choices, db_index=True)
    borders_country = models.CharField(
        _("borders country"), max_length=2, choices=BorderCountry.choices, blank=True, default=""
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone.choices,
        default=TimeZone.CENTRE,
        help_text=_("The IANA time zone of the state's capital; opening hours are read in it."),
    )
    # A box around the state (islands included): a shelter's coordinates must lie inside its state's box.
    latitude_min = models.DecimalField(
        _("southern limit (latitude)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    latitude_max = models.DecimalField(
        _("northern limit (latitude)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    longitude_min = models.DecimalField(
        _("western limit (longitude)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    longitude_max = models.DecimalField(
        _("eastern limit (longitude)"), max_digits=8, decimal_places=4, null=True, blank=True
    )

    history = HistoricalRecords()
    objects = StateManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(
                condition=Q(region__in=BorderRegion.values),
                name="state_region_valid",
                violation_error_message=_("Choose a border region from the list."),
            ),
            models.CheckConstraint(
                condition=Q(borders_country__in=BorderCountry.values),
                name="state_borders_country_valid",
                violation_error_message=_("Choose the bordering country from the list, or none."),
            ),
            models.CheckConstraint(
                condition=Q(iso_code__startswith="MX-"),
                name="state_iso_code_mexican",
                violation_error_message=_("The ISO 3166-2 code of a Mexican state starts with “MX-”."),
            ),
            models.CheckConstraint(
                condition=Q(latitude_min__isnull=True)
                | (Q(latitude_min__lt=F("latitude_max")) & Q(longitude_min__lt=F("longitude_max"))),
                name="state_bounds_ordered",
                violation_error_message=_(
                    "The southern limit must be below the northern one, and the western limit west of the eastern one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(time_zone__in=TimeZone.values),
                name="state_time_zone_valid",
                violation_error_message=_("Choose one of Mexico's time zones."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("state_detail", kwargs={"slug": self.slug})

    @property
    def region_label(self) -> str:
        return choice_label(BorderRegion, self.region)

    @property
    def bounds(self) -> tuple[Decimal, Decimal, Decimal, Decimal] | None:
        """(south, north, west, east), or None while the reference data has no box for the state."""
        limits = (self.latitude_min, self.latitude_max, self.longitude_min, self.longitude_max)
        return None if None in limits else limits  # type: ignore[return-value]

    def natural_key(self) -> tuple[str]:
        return (self.iso_code,)


class CodeManager(models.Manager):
    """Reference data looked up by its `code`."""

    def get_by_natural_key(self, code: str) -> models.Model:
        return self.get(code=code)


class ReferenceTerm(models.Model):
    """A term of a small controlled vocabulary, with a stable `code`; `name` is translated (name_es, name_en)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80, default="")

    objects = CodeManager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class Service(ReferenceTerm):
    """A service a shelter offers (medical care, legal aid, lodging, ...)."""

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("service")
        verbose_name_plural = _("services")


class PopulationGroup(ReferenceTerm):
    """A group a shelter serves (women, children, unaccompanied minors, LGBTI people, ...)."""

    class Meta(ReferenceTerm.Meta):
        verbose_name = _("population group")
        verbose_name_plural = _("population groups")


class Language(ReferenceTerm):
    """A language a shelter's staff speak, by its ISO 639-3 code (spa, eng, hat, quc, ...)."""

    code = models.SlugField(
        _("ISO 639-3 code"),
        max_length=3,
        unique=True,
        validators=[validate_iso_639_3],
        help_text=_("Three lower-case letters, e.g. hat for Haitian Creole or quc for K'iche'."),
    )

    position = models.PositiveSmallIntegerField(_("position"), default=100, help_text=_("Lower comes first."))

    class Meta(ReferenceTerm.Meta):
        ordering = ["position", "code"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")
