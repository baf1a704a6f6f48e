"""Read-only aggregates of states, shelters and agreements for the home page, state index and region pages.

Each function runs a fixed number of queries whatever the number of shelters, agreements or projects; the counts
are kept under the data version (registry.versioned_cache), so until a record changes they cost one cache read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.http import QueryDict
from django.urls import reverse

from registry.models import BorderRegion, CooperationAgreement, Shelter, ShelterStatus, State
from registry.versioned_cache import remember


@dataclass
class SupportRow:
    """Shelters and agreements in one state or one border region."""

    label: str
    shelters: int
    agreements: int
    url: str = ""
    code: str = ""


@dataclass
class RegionGroup:
    region: str
    label: str
    states: list[State] = field(default_factory=list)

    @property
    def shelter_count(self) -> int:
        return sum(s.shelter_count for s in self.states)

    @property
    def agreement_count(self) -> int:
        return sum(s.agreement_count for s in self.states)


def support_counts() -> dict[int, tuple[int, int]]:
    """Active shelters and agreements per state id, in two grouped counts (every agreement belongs to a shelter,
    every shelter to a state). Kept under the data version: they change only when a record does."""

    def count() -> dict[int, tuple[int, int]]:
        shelters = dict(
            Shelter.objects.filter(status=ShelterStatus.ACTIVE)
            .order_by()
            .values_list("state_id")
            .annotate(n=Count("id"))
        )
        agreements = dict(
            CooperationAgreement.objects.order_by().values_list("shelter__state_id").annotate(n=Count("id"))
        )
        return {pk: (shelters.get(pk, 0), agreements.get(pk, 0)) for pk in shelters.keys() | agreements.keys()}

    return remember("figures:support-by-state", count)


def states_with_support() -> list[State]:
    """All 32 states by name, each with `shelter_count` (active shelters) and `agreement_count`."""
    counts = support_counts()
    states = list(State.objects.order_by("name"))
    for state in states:
        state.shelter_count, state.agreement_count = counts.get(state.pk, (0, 0))
    return states


def support_by_state(states: list[State]) -> list[SupportRow]:
    """States that have an active shelter or an agreement, busiest first."""
    rows = [
        SupportRow(s.name, s.shelter_count, s.agreement_count, s.get_absolute_url(), s.iso_code)
        for s in states
        if s.shelter_count or s.agreement_count
    ]
    return sorted(rows, key=lambda r: (-r.agreements, -r.shelters, r.label))


def support_by_region(states: list[State]) -> list[SupportRow]:
    """The three border regions, north to south, with the totals of their states."""
    rows = []
    for region in BorderRegion:
        in_region = [s for s in states if s.region == region.value]
        rows.append(
            SupportRow(
                str(region.label),
                sum(s.shelter_count for s in in_region),
                sum(s.agreement_count for s in in_region),
                reverse("region_detail", kwargs={"region": region.value}),
                region.value,
            )
        )
    return rows


# Query parameters of the shelter list that do not choose shelters (the map shows every match, in no order).
NOT_MAP_FILTERS = frozenset({"page", "ordering"})


def shelter_map_url(data: QueryDict) -> str:
    """The GeoJSON of every shelter the list's filters match: the API's export, with the same filters (and the
    page's defaults spelled out), leaving out blanks, which the API refuses."""
    params = [(name, v) for name, values in data.lists() if name not in NOT_MAP_FILTERS for v in values if v]
    return f"{reverse('api:shelter-list')}?{urlencode([*params, ('format', 'geojson')])}"


def states_by_region(states: list[State]) -> list[RegionGroup]:
    """The state index: states grouped by border region, north to south."""
    groups = {region.value: RegionGroup(region.value, str(region.label)) for region in BorderRegion}
    for s in states:
        groups[s.region].states.append(s)
    return list(groups.values())
