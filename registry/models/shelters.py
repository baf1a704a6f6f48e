"""Shelters: who runs them, their status, and the queries the public pages and the API make."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registry.hours import (
    DayHours,
    OpeningHours,
    TimeZone,
    local_now,
    open_now_annotations,
    open_now_values,
    open_ranges,
    weekly_table,
)
from registry.localized import every_language
from registry.models.base import VersionedModel, choice_label
from registry.models.places import (
    Language,
    PopulationGroup,
    Service,
    State,
)
from registry.search import bounding_box, distance_km, search_words
from registry.validators import coordinate_errors
from registry.visibility import (
    LocationMaskingQuerySet,
    LocationVisibility,
    PublicLocation,
    public_location,
    published_q,
)


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

    def with_opening_of_rows(self, at: datetime | None = None) -> ShelterQuerySet:
        """`open_now` and `has_hours` as with_opening() gives them, set on the rows once they are read, from one
        query on those rows' hours: as annotations they are computed for every row the database reads (those an
        OFFSET skips too), and building their condition for every time zone costs more than reading a page."""
        clone = self.select_related("state")
        clone._opening_at = (at,)
        return clone

    # with_opening_of_rows(): `(at,)` once asked for, carried by every queryset derived from this one.
    _opening_at: tuple[datetime | None] | None = None

    def _clone(self) -> ShelterQuerySet:
        clone = super()._clone()
        clone._opening_at = self._opening_at
        return clone

    def _fetch_all(self) -> None:
        unread = self._result_cache is None
        super()._fetch_all()
        rows = self._result_cache
        if unread and self._opening_at is not None and rows and isinstance(rows[0], Shelter):
            set_opening(rows, self._opening_at[0] or timezone.now())

    def for_cards(self) -> ShelterQuerySet:
        """What the public list's result cards show: the state, the services (as a plain list, `service_list`:
        a prefetched manager would build a queryset per row and per access) and whether it is open now."""
        return (
            self.select_related("state")
            .prefetch_related(models.Prefetch("services", queryset=Service.objects.all(), to_attr="service_list"))
            .with_opening_of_rows()
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
        """The shelter's page and API record: the state, the weekly hours, and the agreements with their donor,
        project and items (one query, a row per item). No `with_opening()`: building its condition (one per time
        zone) cost more than the rest of the page's reads, and the page works "open now" out from the hours
        (registry.hours.open_now_values). The page reads services, populations and languages in one query
        (registry.selectors.shelter_terms); the API's serializer reads them itself."""
        agreements = self.model.agreements.rel.related_model  # CooperationAgreement, defined after shelters
        # A row per item: only what the page and the API show of an agreement, its donor and its project.
        fields = [
            *("shelter_id", "reference", "status", "programme_phase", "programme_year", "signed_on"),
            *every_language("implementing_office"),
            *("donor__name", "donor__acronym", "project__slug", "project__prima_id"),
            *("project__start_year", "project__end_year", *(f"project__{f}" for f in every_language("title"))),
        ]
        shown = agreements.objects.select_related("donor", "project").only(*fields).with_items()
        return self.select_related("state").prefetch_related("hours", models.Prefetch("agreements", queryset=shown))


class WeeklyRange(NamedTuple):
    """One OpeningHours row as `values_list` reads it: what registry.hours.covers() needs, without a model."""

    weekday: int
    all_day: bool
    opens_at: time | None
    closes_at: time | None


def set_opening(shelters: list[Shelter], at: datetime) -> None:
    """`has_hours` and `open_now` on each shelter (whose state is loaded), as with_opening() computes them, from
    one plain query on their hours."""
    ranges: dict[int, list[WeeklyRange]] = {}
    hours = OpeningHours.objects.filter(shelter__in=[shelter.pk for shelter in shelters]).order_by()
    for pk, *weekly in hours.values_list("shelter_id", "weekday", "all_day", "opens_at", "closes_at"):
        ranges.setdefault(pk, []).append(WeeklyRange(*weekly))
    for shelter in shelters:
        values = open_now_values(ranges.get(shelter.pk, []), shelter.local_time_zone, True, at)
        shelter.has_hours = values["has_hours"]
        shelter.open_now = shelter.status == ShelterStatus.ACTIVE and values["open_now"]


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
            # The lists' orders, ending with the id as they do: pages are read off the index (the public list
            # shows active shelters; the API has no default status), and the skipped rows' keys too.
            models.Index(fields=["status", "name", "id"], name="shelter_status_name_id_idx"),
            models.Index(fields=["name", "id"], name="shelter_name_id_idx"),
            # The other sorts the public list offers (either way: an index serves both directions).
            models.Index(fields=["status", "capacity", "id"], name="shelter_status_capacity_idx"),
            models.Index(fields=["status", "last_verified", "id"], name="shelter_status_verified_idx"),
            models.Index(fields=["status", "updated_at", "id"], name="shelter_status_updated_idx"),
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
