"""Read-only aggregates for the public home page, state index and region pages.

Each function runs a fixed number of queries whatever the number of shelters, agreements or projects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.urls import reverse

from projects.models import Project
from registry.models import BorderRegion, CooperationAgreement, Shelter, ShelterStatus, State


@dataclass(frozen=True)
class KeyFigures:
    active_shelters: int
    states_covered: int
    agreements: int
    projects: int
    total_budget_usd: Decimal


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


def key_figures() -> KeyFigures:
    """Four queries: shelters and states, agreements, projects with their budget."""
    shelters = Shelter.objects.aggregate(
        active=Count("id", filter=Q(status=ShelterStatus.ACTIVE)),
        states=Count("state", distinct=True, filter=Q(status=ShelterStatus.ACTIVE)),
    )
    projects = Project.objects.aggregate(count=Count("id"), budget=Sum("budget_usd"))
    return KeyFigures(
        active_shelters=shelters["active"],
        states_covered=shelters["states"],
        agreements=CooperationAgreement.objects.count(),
        projects=projects["count"],
        total_budget_usd=projects["budget"] or Decimal(0),
    )


def states_with_support() -> list[State]:
    """All 32 states, each annotated with `shelter_count` (active shelters) and `agreement_count`, in one query."""
    return list(
        State.objects.annotate(
            shelter_count=Count("shelters", filter=Q(shelters__status=ShelterStatus.ACTIVE), distinct=True),
            agreement_count=Count("shelters__agreements", distinct=True),
        ).order_by("name")
    )


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


def states_by_region(states: list[State]) -> list[RegionGroup]:
    """The state index: states grouped by border region, north to south."""
    groups = {region.value: RegionGroup(region.value, str(region.label)) for region in BorderRegion}
    for s in states:
        groups[s.region].states.append(s)
    return list(groups.values())
