"""Weekly opening hours the HSDS way (per weekday one or more ranges, or open 24 hours), and "open now".

"Open now" is decided in the database, at one instant, in each shelter's own time zone (the shelter's, else its
state's): for every zone the instant's local weekday and time are worked out in Python, and the rows of that zone
are matched against them. The list filter, the cards' badge and the detail page all use this one condition.

A range whose closing time is not after its opening time runs past midnight into the next day (18:00-08:00).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class TimeZone(models.TextChoices):
    """The IANA zones of Mexico's four time zones, and of the border strips that follow US daylight saving time."""

    CENTRE = "America/Mexico_City", _("Centre (America/Mexico_City)")
    SOUTH_EAST = "America/Cancun", _("South-east: Quintana Roo (America/Cancun)")
    PACIFIC = "America/Mazatlan", _("Pacific: Baja California Sur, Sinaloa, Nayarit (America/Mazatlan)")
    SONORA = "America/Hermosillo", _("Pacific without daylight saving time: Sonora (America/Hermosillo)")
    NORTH_WEST = "America/Tijuana", _("North-west: Baja California (America/Tijuana)")
    CHIHUAHUA = "America/Chihuahua", _("Chihuahua (America/Chihuahua)")
    JUAREZ = "America/Ciudad_Juarez", _("Ciudad Juárez border strip (America/Ciudad_Juarez)")
    OJINAGA = "America/Ojinaga", _("Ojinaga border strip (America/Ojinaga)")
    NORTH_EAST_BORDER = (
        "America/Matamoros",
        _("Border strip of Coahuila, Nuevo León and Tamaulipas (America/Matamoros)"),
    )
    BANDERAS = "America/Bahia_Banderas", _("Bahía de Banderas, Nayarit (America/Bahia_Banderas)")


#: Each state's zone by ISO 3166-2 code (the zone of its capital); every other state keeps America/Mexico_City.
STATE_TIME_ZONES = {
    "MX-BCN": TimeZone.NORTH_WEST,
    "MX-BCS": TimeZone.PACIFIC,
    "MX-SIN": TimeZone.PACIFIC,
    "MX-NAY": TimeZone.PACIFIC,
    "MX-SON": TimeZone.SONORA,
    "MX-CHH": TimeZone.CHIHUAHUA,
    "MX-ROO": TimeZone.SOUTH_EAST,
}


class Weekday(models.IntegerChoices):
    """ISO 8601 weekday numbers, as `datetime.isoweekday()` gives them."""

    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


def _zone_path(prefix: str) -> Coalesce:
    return Coalesce(NullIf(F(f"{prefix}time_zone"), Value("")), F(f"{prefix}state__time_zone"))


def _open_at_local(day: int, clock: time) -> Q:
    """Ranges (rows of OpeningHours) covering this local weekday and time."""
    yesterday = 7 if day == 1 else day - 1
    return (
        Q(weekday=day)
        & (
            Q(all_day=True)
            | Q(opens_at__lte=clock, closes_at__gt=clock)
            | Q(opens_at__gt=F("closes_at"), opens_at__lte=clock)  # overnight, first part
        )
    ) | Q(weekday=yesterday, opens_at__gt=F("closes_at"), closes_at__gt=clock)  # overnight, after midnight


def open_ranges(hours: models.QuerySet, at: datetime | None = None) -> models.QuerySet:
    """The OpeningHours rows open at `at` (default now), each read in its shelter's zone."""
    at = at or timezone.now()
    condition = Q()
    for zone in TimeZone.values:
        local = at.astimezone(ZoneInfo(zone))
        condition |= Q(zone=zone) & _open_at_local(local.isoweekday(), local.time().replace(tzinfo=None))
    return hours.alias(zone=_zone_path("shelter__")).filter(condition)


def covers(item: Any, day: int, clock: time) -> bool:
    """_open_at_local() for one row already read: the same condition, in Python."""
    overnight = item.opens_at is not None and item.closes_at is not None and item.opens_at > item.closes_at
    if item.weekday == day:
        if item.all_day:
            return True
        if item.opens_at is not None and item.opens_at <= clock and (overnight or clock < item.closes_at):
            return True
    yesterday = 7 if day == 1 else day - 1
    return item.weekday == yesterday and overnight and clock < item.closes_at


def open_now_values(ranges: list[Any], zone: str, active: bool, at: datetime | None = None) -> dict[str, bool]:
    """open_now_annotations() for one shelter whose rows a page has read anyway: building that SQL (a condition
    per time zone) costs more than the rest of a detail page's queries. Tests check that both agree."""
    local = local_now(zone, at)
    clock = local.time().replace(tzinfo=None)
    return {
        "has_hours": bool(ranges),
        "open_now": active and any(covers(item, local.isoweekday(), clock) for item in ranges),
    }


def open_now_annotations(hours: models.QuerySet, active_status: str, at: datetime | None = None) -> dict[str, Any]:
    """`has_hours` (any weekly hours recorded) and `open_now` (active and within a range at `at`) for shelters."""
    mine = hours.filter(shelter=OuterRef("pk"))
    return {
        "has_hours": Exists(mine),
        "open_now": Exists(open_ranges(mine.filter(shelter__status=active_status), at)),
    }


@dataclass(frozen=True)
class DayHours:
    """One row of the weekly table: a weekday and its ranges as text, and whether it is today (local time)."""

    weekday: int
    label: str
    ranges: list[str]
    is_today: bool


def weekly_table(ranges: list[Any], zone: str, at: datetime | None = None) -> list[DayHours]:
    """Monday to Sunday with their ranges ("09:00–17:00", "Open 24 hours"); days without any say closed."""
    today = (at or timezone.now()).astimezone(ZoneInfo(zone)).isoweekday()
    by_day: dict[int, list[Any]] = {}
    for item in ranges:
        by_day.setdefault(item.weekday, []).append(item)
    table = []
    for day in Weekday:
        items = sorted(by_day.get(day.value, []), key=lambda r: (not r.all_day, r.opens_at or time.min))
        texts = [str(item) for item in items]
        table.append(DayHours(day.value, str(day.label), texts, day.value == today))
    return table


def next_change(clock_times: Iterable[time], at: datetime | None = None) -> datetime:
    """The next instant after `at` at which any "open now" badge or "today" mark could change: a local time of day
    at which some shelter opens or closes (`clock_times`, from `opening_and_closing_times()`), or a local midnight,
    in any of Mexico's zones. A page showing either stays right until then."""
    at = at or timezone.now()
    times = sorted({clock.replace(second=0, microsecond=0, tzinfo=None) for clock in clock_times} | {time.min})
    soonest: datetime | None = None
    for zone in TimeZone.values:
        local = at.astimezone(ZoneInfo(zone))
        for days in (0, 1):
            day = local.date() + timedelta(days=days)
            later = [
                moment for clock in times if (moment := datetime.combine(day, clock, tzinfo=ZoneInfo(zone))) > local
            ]
            if later:
                candidate = min(later)
                soonest = candidate if soonest is None or candidate < soonest else soonest
                break
    assert soonest is not None  # every zone has a midnight within a day
    return soonest.astimezone(UTC)


def opening_and_closing_times() -> list[time]:
    """Every distinct local time of day at which some shelter opens or closes (a few dozen at most)."""
    rows = OpeningHours.objects.filter(all_day=False).values_list("opens_at", "closes_at").distinct()
    return sorted({clock for pair in rows for clock in pair if clock is not None})


def local_now(zone: str, at: datetime | None = None) -> datetime:
    return (at or timezone.now()).astimezone(ZoneInfo(zone))


class OpeningHours(models.Model):
    """One weekly range of a shelter's opening hours (HSDS `schedule`: weekly, on one day, opens_at-closes_at), or
    the whole day. Several rows per day give split hours; a range closing at or before it opens ends the next day."""

    shelter = models.ForeignKey(
        "registry.Shelter", on_delete=models.CASCADE, related_name="hours", verbose_name=_("shelter")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    all_day = models.BooleanField(_("open 24 hours"), default=False)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(
        _("closes at"), null=True, blank=True, help_text=_("Earlier than the opening time: closes the next day.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["shelter", "weekday", "opens_at"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("weekly opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=1, weekday__lte=7),
                name="opening_hours_weekday_valid",
                violation_error_message=_("Choose a weekday from Monday to Sunday."),
            ),
            models.CheckConstraint(
                condition=(Q(all_day=True) & Q(opens_at__isnull=True) & Q(closes_at__isnull=True))
                | (
                    Q(all_day=False)
                    & Q(opens_at__isnull=False)
                    & Q(closes_at__isnull=False)
                    & ~Q(opens_at=F("closes_at"))
                ),
                name="opening_hours_range_or_all_day",
                violation_error_message=_(
                    "Give an opening and a different closing time, or tick “open 24 hours” and leave both empty."
                ),
            ),
            models.UniqueConstraint(
                fields=["shelter", "weekday", "opens_at"],
                name="opening_hours_unique_start",
                violation_error_message=_("This day already has a range opening at this time."),
            ),
            models.UniqueConstraint(
                fields=["shelter", "weekday"],
                condition=Q(all_day=True),
                name="opening_hours_one_all_day",
                violation_error_message=_("This day is already open 24 hours."),
            ),
        ]

    def __str__(self) -> str:
        if self.all_day:
            return str(_("Open 24 hours"))
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
