"""The IATI Standard's rules beyond the XSD that the activity export follows, each as one function tested alone.

1. Budget periods: a budget's period is at most one year (IATI ruleset: period-end no later than one year after
   period-start). A project's budget is split into calendar-year periods, the first from the project's start, the
   last to its end; the amount is spread evenly over the days, so every period of an even split is marked
   indicative (BudgetStatus 1). A budget whose project fits within one such period is that period's own figure
   (committed, BudgetStatus 2). Each value-date is its period's start, so it lies inside the period. Without a
   start and an end there is no period, and so no budget.
2. Activity dates: each end of the activity is dated once. An actual date (ActivityDateType 2, 4) is written only
   where the exact day is recorded, the activity has reached it (actual start: implementation began; actual end:
   completed) and it is not in the future; otherwise the date is planned (1, 3). An end nobody recorded gets no
   date; a project with no date at all is left out of the export (IATI needs at least one).
3. No invented days: where only the year is recorded, the planned date is 1 January (start) or 31 December (end)
   of it, and the activity-date's narrative says that only the year is known.
4. Sectors: thematic areas are reported twice, as the reporting organisation's own vocabulary (SectorVocabulary 99,
   with a vocabulary-uri to the published list of areas) and as the OECD DAC CRS 5-digit purpose codes
   (vocabulary 1) recorded on each area (ThematicArea.dac_sector); areas sharing a DAC code give one sector.
5. Sector percentages only from data: a vocabulary with a single code is the whole activity (100 %); where a
   vocabulary has several codes, the registry records no shares, so no percentage is written (an equal split
   would be made up, and IATI's sum-to-100 check applies only to percentages that are given).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# ActivityDateType codelist.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# BudgetStatus codelist.
BUDGET_INDICATIVE, BUDGET_COMMITTED = "1", "2"
# SectorVocabulary codelist.
VOCABULARY_DAC, VOCABULARY_REPORTING_ORG = "1", "99"

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ActivityDate:
    type: str
    day: date
    year_only: bool = False  # the day stands for a year (rule 3)


@dataclass(frozen=True)
class BudgetPeriod:
    start: date
    end: date
    value: Decimal
    status: str


@dataclass(frozen=True)
class Sector:
    vocabulary: str
    code: str
    percentage: Decimal | None
    names: Mapping[str, str] = field(default_factory=dict)  # per language; the organisation's codes have them


def activity_dates(
    *,
    start_date: date | None,
    start_year: int | None,
    end_date: date | None,
    end_year: int | None,
    started: bool,
    completed: bool,
    today: date,
) -> list[ActivityDate]:
    """Rules 2 and 3: one date for each end of the activity that is recorded (none is made up for the other)."""
    dates = []
    if start_date is not None:
        actual = started and start_date <= today
        dates.append(ActivityDate(ACTUAL_START if actual else PLANNED_START, start_date))
    elif start_year is not None:
        dates.append(ActivityDate(PLANNED_START, date(start_year, 1, 1), year_only=True))
    if end_date is not None:
        actual = completed and end_date <= today
        dates.append(ActivityDate(ACTUAL_END if actual else PLANNED_END, end_date))
    elif end_year is not None:
        dates.append(ActivityDate(PLANNED_END, date(end_year, 12, 31), year_only=True))
    return dates


def budget_periods(*, total: Decimal | None, start: date | None, end: date | None) -> list[BudgetPeriod]:
    """Rule 1: calendar-year periods from start to end (inclusive), the total spread evenly over their days.

    The cents are rounded per period and the last period takes the remainder, so the periods add up to the total.
    """
    if total is None or start is None or end is None:
        return []
    end = max(start, end)
    bounds: list[tuple[date, date]] = []
    period_start = start
    while period_start <= end:
        period_end = min(date(period_start.year, 12, 31), end)
        bounds.append((period_start, period_end))
        period_start = period_end + timedelta(days=1)
    if len(bounds) == 1:
        return [BudgetPeriod(start, end, total, BUDGET_COMMITTED)]
    days = (end - start).days + 1
    periods = []
    allotted = Decimal(0)
    for index, (period_start, period_end) in enumerate(bounds):
        if index == len(bounds) - 1:
            value = total - allotted
        else:
            share = Decimal((period_end - period_start).days + 1) / days
            value = (total * share).quantize(CENT, rounding=ROUND_HALF_UP)
        allotted += value
        periods.append(BudgetPeriod(period_start, period_end, value, BUDGET_INDICATIVE))
    return periods


def sectors(areas: Iterable[tuple[str, Mapping[str, str], str]]) -> list[Sector]:
    """Rules 4 and 5, from (slug, names per language, DAC code) of each thematic area: the organisation's codes,
    then DAC's."""
    areas = list(areas)
    own = list(dict.fromkeys(slug for slug, _names, _dac in areas))
    names = {slug: dict(area_names) for slug, area_names, _dac in areas}
    dac = list(dict.fromkeys(code for _slug, _names, code in areas if code))
    result = [Sector(VOCABULARY_REPORTING_ORG, slug, _whole(own), names[slug]) for slug in own]
    result += [Sector(VOCABULARY_DAC, code, _whole(dac)) for code in dac]
    return result


def _whole(codes: list[str]) -> Decimal | None:
    return Decimal(100) if len(codes) == 1 else None
