"""States, shelters, donors and the cooperation agreements that bring support to shelters."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.hours import (
    DayHours,
    OpeningHours,
    TimeZone,
    local_now,
    open_now_annotations,
    open_ranges,
    weekly_table,
)
from registry.languages import validate_iso_639_3
from registry.search import bounding_box, distance_km, search_words
from registry.validators import coordinate_errors
from registry.visibility import (
    LocationMaskingQuerySet,
    LocationVisibility,
    PublicLocation,
    public_location,
    published_q,
)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class VersionedModel(TimeStampedModel):
    """A record staff edit by hand: `version` rises on every save, so a stale form can be refused."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


def text_is(field: str, value: str) -> Q:
    """`field` equals `value`, where an empty value also matches NULL (a language column never filled in)."""
    if value:
        return Q(**{field: value})
    return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})


def one_language_required(field: str, *, label: str, message: str) -> models.CheckConstraint:
    """A check that the translated `field` is written in Spanish or in English (or both); NULL is not written."""
    return models.CheckConstraint(
        condition=(Q(**{f"{field}_es__isnull": False}) & ~Q(**{f"{field}_es": ""}))
        | (Q(**{f"{field}_en__isnull": False}) & ~Q(**{f"{field}_en": ""})),
        name=f"{label}_{field}_in_one_language",
        violation_error_message=message,
    )


def choice_label(choices: type[models.Choices], value: str) -> str:
    """What `get_FOO_display()` gives, for list pages: Django 5.2 rebuilds the field's whole choices dict on every
    call of that, 60 times on a page of 20 shelters; the enum looks the value up directly."""
    try:
        return str(choices(value).label)
    except ValueError:  # a value outside the choices (the database's check constraints prevent it)
        return value


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


class OperatorType(models.TextChoices):
    CIVIL_SOCIETY = "civil_society", _("Civil society organisation")
    FAITH_BASED = "faith_based", _("Faith-based organisation")
    GOVERNMENT = "government", _("Government")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class ShelterStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    CLOSED = "closed", _("Closed")


# A record last verified longer ago than this is flagged on the public pages.
STALE_AFTER_DAYS = 365

whatsapp_validator = RegexValidator(
    r"^\+[1-9][0-9 ]{7,18}$",
    _("Write the number with + and the country code, digits and spaces only, e.g. +52 962 123 4567."),
)


class ShelterQuerySet(LocationMaskingQuerySet):
    """Shelters; `public()` / `for_viewer(user)` (registry.visibility) blank the locations they must not publish."""

    def active(self) -> ShelterQuerySet:
        return self.filter(status=ShelterStatus.ACTIVE)

    def in_region(self, region: str) -> ShelterQuerySet:
        return self.filter(state__region=region)

    def search(self, text: str) -> ShelterQuerySet:
        """Shelters matching every word of `text`, ignoring accents and case, in the name, municipality, address,
        state, or the Spanish or English name of a service or population served. One query whatever the words:
        the many-to-many terms are EXISTS subqueries, so no row is repeated and no DISTINCT is needed."""
        queryset = self
        for word in search_words(text):
            terms = Q(name_es__fold__contains=word) | Q(name_en__fold__contains=word)
            # The few matching terms are found once (an uncorrelated subquery), not once per shelter.
            services = Shelter.services.through.objects.filter(
                shelter_id=OuterRef("pk"), service_id__in=Service.objects.filter(terms).values("pk")
            )
            populations = Shelter.populations.through.objects.filter(
                shelter_id=OuterRef("pk"), populationgroup_id__in=PopulationGroup.objects.filter(terms).values("pk")
            )
            # A municipality or address matches only where it is published: a search for a confidential address
            # must not find its shelter.
            queryset = queryset.filter(
                Q(name__fold__contains=word)
                | (Q(municipality__fold__contains=word) & published_q("municipality"))
                | (Q(address__fold__contains=word) & published_q("address"))
                | Q(state__name__fold__contains=word)
                | Q(Exists(services))
                | Q(Exists(populations))
            )
        return queryset

    def near(self, latitude: float, longitude: float, radius_km: float) -> ShelterQuerySet:
        """Shelters within `radius_km`, nearest first, each with `distance_km`. The bounding box uses the
        latitude/longitude index, so the distance is computed only for the rows inside it."""
        min_lat, max_lat, min_lon, max_lon = bounding_box(latitude, longitude, radius_km)
        # Only published points: distances to a confidential shelter would give its place away (trilateration).
        return (
            self.filter(published_q("latitude"))
            .filter(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))
            .annotate(distance_km=distance_km(latitude, longitude))
            .filter(distance_km__lte=radius_km)
            .order_by("distance_km", "name", "id")
        )

    def for_list(self) -> ShelterQuerySet:
        return self.select_related("state").prefetch_related("services", "populations")

    def with_opening(self, at: datetime | None = None) -> ShelterQuerySet:
        """`open_now` and `has_hours` per shelter, at `at` (default: now) in each shelter's own time zone."""
        return self.annotate(**open_now_annotations(OpeningHours.objects.all(), ShelterStatus.ACTIVE, at))

    def open_at(self, at: datetime | None = None) -> ShelterQuerySet:
        """Active shelters within one of their weekly ranges at `at` (default: now), in their own time zone."""
        open_hours = open_ranges(OpeningHours.objects.filter(shelter=models.OuterRef("pk")), at)
        return self.filter(models.Exists(open_hours), status=ShelterStatus.ACTIVE)

    def for_cards(self) -> ShelterQuerySet:
        """What the public list's result cards show: the state, the services (as a plain list, `service_list`:
        a prefetched manager would build a queryset per row and per access) and whether it is open now."""
        return (
            self.select_related("state")
            .prefetch_related(models.Prefetch("services", queryset=Service.objects.all(), to_attr="service_list"))
            .with_opening()
        )

    def for_offline(self) -> ShelterQuerySet:
        """The compact list kept for use without signal: state, services (`service_list`) and weekly hours."""
        return self.select_related("state").prefetch_related(
            models.Prefetch("services", queryset=Service.objects.all(), to_attr="service_list"), "hours"
        )

    def for_summary(self) -> ShelterQuerySet:
        """What a one-line mention shows (state and region pages): name, place, state and status."""
        return self.select_related("state")

    def for_detail(self) -> ShelterQuerySet:
        return (
            self.select_related("state")
            .prefetch_related(
                "services",
                "populations",
                "languages",
                "hours",
                models.Prefetch(
                    "agreements",
                    queryset=CooperationAgreement.objects.select_related("donor", "project").prefetch_related("items"),
                ),
            )
            .with_opening()
        )


class ShelterManager(models.Manager.from_queryset(ShelterQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, slug: str) -> Shelter:
        return self.get(slug=slug)


class Shelter(VersionedModel):
    name = models.CharField(_("name"), max_length=200)
    # Exchange formats (HSDS) identify records by UUID; this one never changes, whatever else does.
    uuid = models.UUIDField(_("public identifier (UUID)"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="shelters", verbose_name=_("state"))
    municipality = models.CharField(_("municipality or city"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_visibility = models.CharField(
        _("location visibility"),
        max_length=12,
        choices=LocationVisibility.choices,
        default=LocationVisibility.EXACT,
        help_text=_(
            "What the public may see of where the shelter is. Anything but exact keeps the address and the map "
            "point inside the admin, on every page, map, export and API read."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=40,
        choices=TimeZone.choices,
        blank=True,
        help_text=_("Leave empty to use the state's. Border towns such as Ciudad Juárez or Matamoros differ."),
    )
    operator_type = models.CharField(
        _("operator type"), max_length=20, choices=OperatorType.choices, default=OperatorType.CIVIL_SOCIETY
    )
    populations = models.ManyToManyField(
        PopulationGroup, blank=True, related_name="shelters", verbose_name=_("populations served")
    )
    services = models.ManyToManyField(Service, blank=True, related_name="shelters", verbose_name=_("services"))
    capacity = models.PositiveIntegerField(_("capacity (beds)"), null=True, blank=True)
    average_daily_arrivals = models.PositiveIntegerField(_("average daily arrivals"), null=True, blank=True)
    peak_daily_arrivals = models.PositiveIntegerField(_("peak daily arrivals"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True, default="")
    languages = models.ManyToManyField(
        Language, blank=True, related_name="shelters", verbose_name=_("languages spoken by the staff")
    )
    eligibility_notes = models.TextField(_("eligibility"), blank=True, default="")
    accessibility_notes = models.TextField(_("accessibility"), blank=True, default="")
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    whatsapp = models.CharField(
        _("WhatsApp number"),
        max_length=20,
        blank=True,
        validators=[whatsapp_validator],
        help_text=_("In international form with the country code, e.g. +52 962 123 4567. Leave empty if none."),
    )
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ShelterStatus.choices, default=ShelterStatus.ACTIVE, db_index=True
    )
    last_verified = models.DateField(_("last verified"), null=True, blank=True)
    source_url = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("Where the record came from, e.g. a partner's list.")
    )

    # history: registered in registry/translation.py, after the translated fields exist
    objects = ShelterManager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        indexes = [
            models.Index(fields=["state", "name"], name="shelter_state_name_idx"),
            models.Index(fields=["status", "name"], name="shelter_status_name_idx"),
            # The near-me bounding box: a range on latitude, then on longitude.
            models.Index(fields=["latitude", "longitude"], name="shelter_lat_lon_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["name", "state"], name="shelter_unique_name_per_state"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="shelter_latitude_range",
                violation_error_message=_("Latitude must be between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="shelter_longitude_range",
                violation_error_message=_("Longitude must be between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__isnull=False) & Q(longitude__isnull=False)),
                name="shelter_coordinates_paired",
                violation_error_message=_("Give latitude and longitude together, or neither."),
            ),
            models.CheckConstraint(
                condition=Q(average_daily_arrivals__isnull=True) | Q(average_daily_arrivals__gte=0),
                name="shelter_average_arrivals_non_negative",
                violation_error_message=_("Average daily arrivals cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(peak_daily_arrivals__isnull=True) | Q(peak_daily_arrivals__gte=0),
                name="shelter_peak_arrivals_non_negative",
                violation_error_message=_("Peak daily arrivals cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(peak_daily_arrivals__isnull=True)
                | Q(average_daily_arrivals__isnull=True)
                | Q(peak_daily_arrivals__gte=F("average_daily_arrivals")),
                name="shelter_peak_at_least_average",
                violation_error_message=_("The peak daily arrivals cannot be below the average daily arrivals."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ShelterStatus.values),
                name="shelter_status_valid",
                violation_error_message=_("Choose a status from the list."),
            ),
            models.CheckConstraint(
                condition=Q(operator_type__in=OperatorType.values),
                name="shelter_operator_type_valid",
                violation_error_message=_("Choose an operator type from the list."),
            ),
            models.CheckConstraint(
                condition=Q(location_visibility__in=LocationVisibility.values),
                name="shelter_location_visibility_valid",
                violation_error_message=_("Choose exact, municipality only or hidden."),
            ),
            models.CheckConstraint(
                condition=Q(time_zone="") | Q(time_zone__in=TimeZone.values),
                name="shelter_time_zone_valid",
                violation_error_message=_("Choose one of Mexico's time zones, or none for the state's."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A row read through a public queryset has its unpublished location blanked: saving it would erase it.
        if getattr(self, "_location_masked", False):
            raise ValueError("A shelter read for the public has no location to save; read it unmasked.")
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("shelter_detail", kwargs={"slug": self.slug})

    @property
    def public_location(self) -> PublicLocation:
        """What any public surface may show of the location (the rest is blank)."""
        return public_location(self.location_visibility, self.__dict__)

    @property
    def local_time_zone(self) -> str:
        return self.time_zone or self.state.time_zone

    @property
    def weekly_hours(self) -> list[DayHours]:
        """Monday to Sunday with their ranges, today marked in the shelter's time (uses prefetched `hours`)."""
        return weekly_table(list(self.hours.all()), self.local_time_zone)

    @property
    def local_clock(self) -> str:
        """The time now where the shelter is, as HH:MM (a template would show a datetime in the site's zone)."""
        return f"{local_now(self.local_time_zone):%H:%M}"

    @property
    def status_label(self) -> str:
        return choice_label(ShelterStatus, self.status)

    @property
    def operator_type_label(self) -> str:
        return choice_label(OperatorType, self.operator_type)

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def verification_is_stale(self) -> bool:
        """Never verified, or not for more than a year: the visitor should call before going."""
        if self.last_verified is None:
            return True
        return self.last_verified < timezone.localdate() - timedelta(days=STALE_AFTER_DAYS)

    @property
    def whatsapp_digits(self) -> str:
        """The number as wa.me wants it: digits only, country code first."""
        return "".join(ch for ch in self.whatsapp if ch.isdigit())

    @property
    def phone_dial(self) -> str:
        """The phone as a tel: URI's number: the leading + and the digits."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        return f"+{digits}" if self.phone.strip().startswith("+") else digits

    def clean(self) -> None:
        state = self.state if self.state_id is not None else None
        if errors := coordinate_errors(state=state, latitude=self.latitude, longitude=self.longitude):
            raise ValidationError(errors)


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

    def natural_key(self) -> tuple[str, str, str, str]:
        return (self.agreement.reference, self.category, self.description_es or "", self.description_en or "")

    natural_key.dependencies = ["registry.cooperationagreement"]  # type: ignore[attr-defined]


# Models kept in modules of their own, imported here so that Django finds them (and `registry.models` names them).
from registry.corrections import CorrectionReport, CorrectionStatus  # noqa: E402, F401
